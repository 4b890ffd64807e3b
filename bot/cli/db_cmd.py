"""``python -m bot db migrate``: create or upgrade the database."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.errors import InputError, Problem
from bot.store.db import check_integrity, database_errors, open_database


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_action", required=True)
    migrate = actions.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--db", type=Path, default=Path("data/bot.sqlite3"), help="database file")
    migrate.set_defaults(func=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    async def go() -> int:
        db = await open_database(args.db)
        try:
            problem = await check_integrity(db)
            if problem != "ok":
                raise InputError(
                    [Problem(str(args.db), None, f"the database is damaged: {problem}")]
                )
            async with db.execute("PRAGMA user_version") as cur:
                (version,) = await cur.fetchone()
            return version
        finally:
            await db.close()

    with database_errors(args.db):
        version = asyncio.run(go())
    print(f"{args.db}: schema version {version}")
    return 0
