"""``python -m bot export --guild ID --out FILE [--days N] [--force]``: participation as CSV.

The file is written next to ``--out`` under a temporary name and renamed when complete, so a
reader never sees half an export. Only a regular file is ever replaced, and only with
``--force``; links, pipes, devices and folders at the path are refused, and missing folders are
not created. ``--out -`` writes to standard output. Progress (rows written) goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.cli.stats_cmd import add_db_arguments, database_path, window
from bot.errors import InputError, Problem, overlong_name
from bot.reports.export import export_csv
from bot.store.db import database_errors, open_database
from bot.store.reports import ReportsStore

log = logging.getLogger(__name__)

PROGRESS_EVERY = 100_000
STDOUT = "-"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="participation of a server as CSV (see README)")
    add_db_arguments(parser, days_default="all records")
    parser.add_argument("--out", required=True, help="CSV file to write (- for standard output)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = database_path(args)
    since = window(args.days)[0] if args.days else 0  # no --days: everything stored
    if args.out == STDOUT:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        with database_errors(path):
            rows = asyncio.run(_export(path, args.guild, since, out))
        out.flush()
        out.detach()
        print(f"standard output: {rows} rows", file=sys.stderr)
        return 0
    target = Path(args.out)
    check_target(target, args.force)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f, database_errors(path):
            rows = asyncio.run(_export(path, args.guild, since, f))
        put_in_place(Path(tmp), target, args.force)
    finally:
        Path(tmp).unlink(missing_ok=True)
    print(f"{target}: {rows} rows", file=sys.stderr)
    return 0


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


async def _export(path: Path, guild: int, since: int, f: TextIO) -> int:
    next_report = PROGRESS_EVERY

    def progress(written: int) -> None:
        nonlocal next_report
        if written >= next_report:
            print(f"  {written} rows written", file=sys.stderr)
            next_report += PROGRESS_EVERY

    db = await open_database(path)
    try:
        return await export_csv(ReportsStore(db), guild, since, f, progress)
    finally:
        await db.close()
