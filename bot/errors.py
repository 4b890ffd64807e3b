"""Errors that point at a place in a file, printed as ``path:line: message``; and the one base of
the features' refusals, whose message is for the member who asked."""

from __future__ import annotations

import errno
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


class Refusal(Exception):
    """A request that cannot be done (a moderator's, a member's): ``str(exc)`` says why, in
    words for the member who asked. The adapter answers every one of them in one place."""


NAME_MAX = 255  # bytes in one file or folder name, on every common filesystem


def overlong_name(path: str) -> str | None:
    """Why ``path`` cannot be a file's path (a name in it over 255 bytes), or None."""
    for name in str(path).split("/"):
        size = len(name.encode("utf-8", "surrogateescape"))
        if size > NAME_MAX:
            return (
                f"the name {name[:12]}… is {size} bytes long;"
                f" a file or folder name can be at most {NAME_MAX} bytes"
            )
    return None


def name_too_long(exc: OSError) -> Problem | None:
    """The one-line problem for the filesystem refusing a name as too long, or None."""
    if exc.errno != errno.ENAMETOOLONG:
        return None
    path = str(exc.filename)
    return Problem(path, None, overlong_name(path) or "the path is too long for the filesystem")
