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
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.app import app_for
from bot.cli.database_args import add_db_arguments, database_setting, window
from bot.cli.output import check_target, put_in_place
from bot.config.database import Database
from bot.config.settings import Settings
from bot.reports.export import export_csv
from bot.store import database_errors

PROGRESS_EVERY = 100_000
STDOUT = "-"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="participation of a server as CSV (see README)")
    add_db_arguments(parser, days_default="all records")
    parser.add_argument("--out", required=True, help="CSV file to write (- for standard output)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = database_setting(args)
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


async def _export(database: Database, guild: int, since: int, f: TextIO) -> int:
    next_report = PROGRESS_EVERY

    def progress(written: int) -> None:
        nonlocal next_report
        if written >= next_report:
            print(f"  {written} rows written", file=sys.stderr)
            next_report += PROGRESS_EVERY

    async with app_for(Settings(database=database)) as app:
        return await export_csv(app.stores.reports, guild, since, f, progress)
