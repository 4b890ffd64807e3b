"""``python -m bot db migrate``: create or upgrade the database; ``python -m bot db copy``: move
every record to another database (SQLite to PostgreSQL, or back)."""

from __future__ import annotations

import argparse
import asyncio

from bot.app import app_for
from bot.cli.database_args import DEFAULT_DB, parse_db_option
from bot.cli.output import emit
from bot.config.database import Database
from bot.config.settings import Settings
from bot.errors import InputError, Problem
from bot.store import DATABASE_REFUSALS, database_errors, database_exists


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_action", required=True)
    migrate = actions.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--db", default=str(DEFAULT_DB), help="database file or URL")
    migrate.set_defaults(func=_migrate)
    copy = actions.add_parser(
        "copy",
        help="copy every record to another database (stop the bot first)",
        description="Copy every table of one database into another (an SQLite file or a"
        " postgresql:// URL, either way), in one transaction, and check the row count of each"
        " table. Both are brought to the latest schema first. The bot must not be running on"
        " either while they are copied.",
    )
    copy.add_argument("--from", dest="source", required=True, help="database file or URL to read")
    copy.add_argument("--to", dest="target", required=True, help="database file or URL to fill")
    copy.add_argument(
        "--force", action="store_true", help="replace the rows a non-empty target holds"
    )
    copy.set_defaults(func=_copy)


def _migrate(args: argparse.Namespace) -> int:
    database = parse_db_option(args.db)  # refused before anything is created

    async def go() -> int:
        async with app_for(Settings(database=database)) as app:
            problem = await app.stores.handle.check()
            if problem != "ok":
                raise InputError(
                    [Problem(str(database), None, f"the database is damaged: {problem}")]
                )
            return await app.stores.handle.schema_version()

    with database_errors(database):
        version = asyncio.run(go())
    print(f"{database}: schema version {version}")
    return 0


def _copy(args: argparse.Namespace) -> int:
    from bot.store.copy import copy_database

    source, target = _named("--from", args.source), _named("--to", args.target)
    if not database_exists(source):
        raise InputError([Problem(str(source), None, "database not found (is the path right?)")])
    try:
        copied = asyncio.run(copy_database(source, target, force=args.force))
    except DATABASE_REFUSALS as exc:
        what = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(
            [Problem(f"{source} -> {target}", None, f"database error: {what}; nothing was kept")]
        ) from None
    width = max(len(c.table) for c in copied)
    for c in copied:
        emit(f"{c.table:<{width}}  {c.rows:>9} rows")
    emit(f"copied {sum(c.rows for c in copied)} rows from {source} to {target}; counts match")
    return 0


def _named(option: str, value: str) -> Database:
    try:
        return parse_db_option(value)
    except InputError as exc:
        raise InputError([Problem(option, None, exc.problems[0].message)]) from None
