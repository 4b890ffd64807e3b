"""``python -m bot stats --guild ID [--days N]``: the server report in the shell."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import time
from pathlib import Path

from bot.errors import InputError, Problem
from bot.reports.builders import server_report
from bot.reports.types import ServerReport
from bot.store.db import open_database
from bot.store.reports import ReportsStore

log = logging.getLogger(__name__)

DEFAULT_DB = Path("data/bot.sqlite3")
DAY = 86_400


def add_db_arguments(parser: argparse.ArgumentParser, days_default: str = "7") -> None:
    """``--guild``, ``--days``, ``--db`` and ``--config``, shared with ``export``."""
    parser.add_argument("--guild", type=int, required=True, help="server (guild) id")
    parser.add_argument(
        "--days", type=_positive, default=None, help=f"last N days (default: {days_default})"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, help="database file (wins over --config)")
    where.add_argument("--config", type=Path, help="config file to read `database` from")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def database_path(args: argparse.Namespace) -> Path:
    """--db; else `database` from --config (default config.yaml, if present); else the default.

    An explicit --config that does not exist is an error; a missing default config is not.
    """
    if args.db is not None:
        path = args.db
    else:
        config = args.config or Path("config.yaml")
        load = getattr(importlib.import_module("bot.config.settings"), "load_config", None)
        if load is not None and (args.config is not None or config.exists()):
            path = Path(load(config).database)
        else:
            path = DEFAULT_DB
    if not path.exists():
        raise InputError([Problem(str(path), None, "database not found (is the path right?)")])
    return path


def window(days: int | None, now: int | None = None) -> tuple[int, int]:
    now = int(time.time()) if now is None else now
    return now - (days or 7) * DAY, now


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("stats", help="participation report for a server")
    add_db_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = database_path(args)
    since, now = window(args.days)

    async def go() -> ServerReport:
        db = await open_database(path)
        try:
            return await server_report(ReportsStore(db), args.guild, since, now)
        finally:
            await db.close()

    print(format_report(asyncio.run(go()), args.days or 7))
    return 0


def format_report(r: ServerReport, days: int) -> str:
    lines = [
        f"Server {r.guild_id}, last {days} days",
        f"  active members   {r.active_members} ({r.new_members} new, {r.returning_members}"
        " returning)",
        f"  answers          {r.answers}",
        f"  reactions        {r.reactions}",
        f"  prompts posted   {r.posts}",
    ]
    for title, ranked in r.rankings():
        lines.append(f"  {title.lower()} (answers per post):")
        lines += [f"    {x.key}  {x.per_post:.1f}  ({x.answers}/{x.posts})" for x in ranked]
        if not ranked:
            lines.append("    none")
    return "\n".join(lines)
