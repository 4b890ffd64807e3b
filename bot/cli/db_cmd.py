"""``python -m bot db migrate``: create or upgrade the database."""

from __future__ import annotations

import argparse
import asyncio

from bot.app import app_for
from bot.cli.database_args import DEFAULT_DB, parse_db_option
from bot.config.settings import Settings
from bot.errors import InputError, Problem
from bot.store import database_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_action", required=True)
    migrate = actions.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--db", default=str(DEFAULT_DB), help="database file or URL")
    migrate.set_defaults(func=_migrate)


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
