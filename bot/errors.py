"""Errors that point at a place in a file, printed as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input file. ``line`` is 1-based, or None when unknown."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class InputError(Exception):
    """Raised when an input file (config, prompts, seeds) is invalid; carries every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
