"""The options the commands that read the database share: ``--guild``, ``--days``, ``--db``
and ``--config``, and the database they name."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.config.database import Database, DatabaseRefused, parse_database
from bot.config.settings import load_config
from bot.errors import InputError, Problem
from bot.store import database_exists

DEFAULT_DB = Path("data/bot.sqlite3")
DAY = 86_400


def add_db_arguments(parser: argparse.ArgumentParser, days_default: str = "7") -> None:
    """``--guild``, ``--days``, ``--db`` and ``--config``, shared with ``export``."""
    parser.add_argument("--guild", type=snowflake, required=True, help="server (guild) id")
    parser.add_argument(
        "--days", type=_positive, default=None, help=f"last N days (default: {days_default})"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", help="database file or URL (wins over --config)")
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


def database_setting(args: argparse.Namespace) -> Database:
    """--db; else `database` from --config (default config.yaml, if present); else the default.

    An explicit --config that does not exist is an error; a missing default config is not.
    A database that does not exist yet is refused: these commands only read.
    """
    if args.db is not None:
        database = parse_db_option(args.db)
    else:
        config = args.config or Path("config.yaml")
        if args.config is not None or config.exists():
            database = load_config(config).database
        else:
            database = parse_database(DEFAULT_DB)
    if not database_exists(database):
        raise InputError([Problem(str(database), None, "database not found (is the path right?)")])
    return database


def parse_db_option(value: str | Path) -> Database:
    """``--db`` as a Database; a URL this bot cannot serve is refused in one line."""
    try:
        return parse_database(str(value))
    except DatabaseRefused as exc:
        raise InputError([Problem("--db", None, str(exc))]) from None


def window(days: int | None, now: int | None = None) -> tuple[int, int]:
    """The last ``days`` (default 7), up to the end of the current second: a report asked for
    right after a post and its answers counts them (a window's end is excluded)."""
    end = (int(time.time()) if now is None else now) + 1
    return end - (days or 7) * DAY, end
