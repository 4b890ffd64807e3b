"""Checks on the essay folder before ``themes`` and ``prompts build`` read it: every problem
is one ``path: message`` line instead of a traceback, and nothing outside the folder is read."""

from __future__ import annotations

from pathlib import Path

from bot.errors import InputError, Problem
from bot.essays.reader import ESSAY_SUFFIXES


def check_essay_folder(directory: Path) -> None:
    """Raise InputError listing every problem: a missing folder, an essay that is a link to a
    file outside the folder (it would be quoted in prompts), an essay that is not UTF-8."""
    directory = Path(directory)
    if not directory.is_dir():
        what = "is not a folder" if directory.exists() else "essay folder not found"
        raise InputError([Problem(str(directory), None, what)])
    inside = directory.resolve()
    problems = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in ESSAY_SUFFIXES:
            continue
        problem = _essay_problem(path, inside)
        if problem:
            problems.append(Problem(str(path), None, problem))
    if problems:
        raise InputError(problems)


def _essay_problem(path: Path, inside: Path) -> str | None:
    if path.is_symlink() and not path.resolve().is_relative_to(inside):
        return "is a link to a file outside the essay folder; it is not read"
    if not path.is_file():
        return None  # folders, pipes: not essays, skipped by the reader
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    return None
