"""``python -m bot export --guild ID --out FILE [--days N]``: participation as CSV.

The file is written next to ``--out`` under a temporary name and renamed when complete, so a
reader never sees half an export. Progress (rows written) goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.cli.stats_cmd import add_db_arguments, database_path, window
from bot.reports.export import export_csv
from bot.store.db import open_database
from bot.store.reports import ReportsStore

log = logging.getLogger(__name__)

PROGRESS_EVERY = 100_000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="participation of a server as CSV (see README)")
    add_db_arguments(parser, days_default="all records")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = database_path(args)
    since = window(args.days)[0] if args.days else 0  # no --days: everything stored
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            rows = asyncio.run(_export(path, args.guild, since, f))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"{out}: {rows} rows", file=sys.stderr)
    return 0


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
