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
from bot.store.db import database_errors, open_database
from bot.store.reports import ReportsStore

log = logging.getLogger(__name__)

DEFAULT_DB = Path("data/bot.sqlite3")
DAY = 86_400


def add_db_arguments(parser: argparse.ArgumentParser, days_default: str = "7") -> None:
    """``--guild``, ``--days``, ``--db`` and ``--config``, shared with ``export``."""
    parser.add_argument("--guild", type=snowflake, required=True, help="server (guild) id")
    parser.add_argument(
        "--days", type=_positive, default=None, help=f"last N days (default: {days_default})"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, help="database file (wins over --config)")
    where.add_argument("--config", type=Path, help="config file to read `database` from")


def snowflake(text: str) -> int:
    """A Discord id written in ASCII digits (not fullwidth or other scripts' digits)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**64:
        raise argparse.ArgumentTypeError("must be a Discord id (a positive whole number)")
    return int(text)


MAX_DAYS = 36_500  # a hundred years: more than any record can be old


def _positive(text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_DAYS}")
    return int(text)


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
    """The last ``days`` (default 7), up to the end of the current second: a report asked for
    right after a post and its answers counts them (a window's end is excluded)."""
    end = (int(time.time()) if now is None else now) + 1
    return end - (days or 7) * DAY, end


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("stats", help="participation report (or chart) for a server")
    add_db_arguments(parser, days_default="7; 28 for a chart")
    importlib.import_module("bot.cli.stats_chart").add_chart_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = database_path(args)
    if args.chart is not None:
        return importlib.import_module("bot.cli.stats_chart").run_chart(args, path)
    since, now = window(args.days)

    async def go() -> ServerReport:
        db = await open_database(path)
        try:
            return await server_report(ReportsStore(db), args.guild, since, now)
        finally:
            await db.close()

    with database_errors(path):
        report = asyncio.run(go())
    print(format_report(report, args.days or 7))
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
    if r.starters:
        lines.append(f"  starters asked   {r.starters}  (/starter; not posts)")
    for title, ranked in r.rankings():
        lines.append(f"  {title.lower()} (answers per post):")
        lines += [f"    {x.key}  {x.per_post:.1f}  ({x.answers}/{x.posts})" for x in ranked]
        if not ranked:
            lines.append("    none")
    return "\n".join(lines)
