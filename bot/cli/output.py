"""Printing command output, and writing the files commands make."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from bot.errors import InputError, Problem, overlong_name


def emit(text: str) -> None:
    """Print ``text``; a reader that stops early (``| head``) is not an error."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _refuse(target: Path, message: str) -> InputError:
    return InputError([Problem(str(target), None, message)])


def check_target(target: Path, force: bool) -> None:
    """Refuse a path whose folder is missing, whatever is there that is not a regular file,
    and an existing file unless ``force``."""
    if not target.parent.is_dir():
        raise _refuse(target, f"folder {str(target.parent)!r} does not exist (it is not created)")
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        too_long = overlong_name(str(target))
        raise _refuse(target, too_long or f"cannot use this path: {exc.strerror}") from None
    if stat.S_ISLNK(mode):
        raise _refuse(target, "is a symbolic link; give the real file's path")
    if stat.S_ISDIR(mode):
        raise _refuse(target, "is a folder; give a file name")
    if not stat.S_ISREG(mode):
        raise _refuse(target, "is not a regular file (a pipe, socket or device); not replaced")
    if not force:
        raise _refuse(target, "already exists; use --force to replace it")


def put_in_place(tmp: Path, target: Path, force: bool) -> None:
    """Rename the finished file onto ``target``. Without ``force`` the link is made only if
    nothing appeared at the path meanwhile (``link`` never replaces)."""
    if force:
        check_target(target, force=True)
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _refuse(target, "already exists; use --force to replace it") from None
    except OSError:  # a filesystem without hard links
        check_target(target, force=False)
        os.replace(tmp, target)
