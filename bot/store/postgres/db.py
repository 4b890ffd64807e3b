"""Open the PostgreSQL database and bring its schema up to date.

Migrations are ``migrations/NNNN_name.sql`` files, numbered as SQLite's are (the same number is
the same schema on both), applied in order. The version is kept in a table of its own,
``schema_version`` (one row per applied migration). Each migration runs in its own transaction
under a transaction-scoped advisory lock, so two processes starting on one database at once
apply each migration once: the second waits for the lock, reads the version again, and skips
what the first applied. A failing migration is rolled back whole (PostgreSQL's DDL is
transactional): the database stays at its last good version.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

import asyncpg

from bot.config.database import PASSWORD_ENV, Database
from bot.errors import InputError, Problem
from bot.store.postgres.connection import PgDatabase
from bot.store.tables import TABLES

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# Any fixed number, the same in every bot: the advisory lock migrations are applied under.
MIGRATION_LOCK = 0x626F745F6462  # "bot_db"

VERSION_TABLE = "schema_version"
_VERSION_DDL = f"""
CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
    version     INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""

# How long opening the pool waits for the server before the bot says it cannot reach it.
CONNECT_TIMEOUT = 10.0


@functools.cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """All shipped PostgreSQL migrations as (version, file name, SQL), in version order."""
    found = []
    folder = resources.files("bot.store.postgres").joinpath("migrations")
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must run 1, 2, 3 … without a gap, found {versions}")
    return tuple(found)


def latest_version() -> int:
    """The schema version this bot's migrations build (the highest migration number)."""
    return max((version for version, _, _ in migrations()), default=0)


async def schema_version(con: asyncpg.Connection | asyncpg.Pool | PgDatabase) -> int:
    """The schema version the database is at (0: a database the bot never migrated)."""
    exists = await con.fetchrow("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE)
    if not exists or not exists[0]:
        return 0
    row = await con.fetchrow(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}")
    return int(row[0]) if row else 0


async def migrate(db: PgDatabase) -> int:
    """Apply every migration newer than the database's version; returns the new version."""
    async with db.connection() as con:
        await con.execute(_VERSION_DDL_LOCKED)
        current = await schema_version(con)
        for version, name, sql in migrations():
            if version <= current:
                continue
            async with con.transaction():
                await con.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                current = await schema_version(con)
                if version > current:
                    log.info("applying migration %s", name)
                    await con.execute(sql)
                    await con.execute(
                        f"INSERT INTO {VERSION_TABLE} (version, name) VALUES ($1, $2)",
                        version,
                        name,
                    )
                    current = version
    return current


# The version table is created under the same lock: two processes creating it at once would
# otherwise collide on the catalog's unique name.
_VERSION_DDL_LOCKED = f"""
DO $$
BEGIN
    PERFORM pg_advisory_xact_lock({MIGRATION_LOCK});
    {_VERSION_DDL.strip()};
END
$$
"""


async def check_version(con: asyncpg.Connection, database: Database) -> None:
    """Refuse a database made by a newer bot: its tables may mean something else."""
    version, latest = await schema_version(con), latest_version()
    if version > latest:
        raise database_problem(
            database,
            f"the database schema is version {version}, newer than this bot's version"
            f" {latest}; use the newer bot (nothing was changed)",
        )


async def check_integrity(db: PgDatabase) -> str:
    """``ok``, or the first complaint about the data: every table the migrations build is
    there, and every index is valid (an index left invalid by a failed concurrent build or
    damaged pages would answer queries wrongly). PostgreSQL checks each page's checksum as it
    reads it; a page that fails raises its error here."""
    missing = await db.fetch(
        "SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL",
        list(TABLES),
    )
    if missing:
        return "missing tables: " + ", ".join(sorted(r[0] for r in missing))
    invalid = await db.fetch(
        """
        SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)
        ORDER BY 1
        """
    )
    if invalid:
        return "invalid indexes: " + ", ".join(r[0] for r in invalid)
    return "ok"


def database_problem(database: Database | str, message: str) -> InputError:
    return InputError([Problem(str(database), None, message)])


# What the driver raises when the server refuses the database or a statement.
DRIVER_ERRORS: tuple[type[Exception], ...] = (asyncpg.PostgresError, asyncpg.InterfaceError)


@contextmanager
def database_errors(database: Database) -> Iterator[None]:
    """Turn the driver's and the network's errors while using ``database`` (a server that is
    down, a refused login, a statement the server refused) into one ``url: message`` line."""
    try:
        yield
    except asyncpg.InvalidPasswordError:
        raise database_problem(database, _login_refused()) from None
    except asyncpg.InvalidCatalogNameError:
        raise database_problem(database, "the database does not exist (create it first)") from None
    except DRIVER_ERRORS as exc:
        raise database_problem(database, f"database error: {_one_line(exc)}") from None
    except OSError as exc:
        raise database_problem(
            database, f"cannot reach the database server: {exc.strerror or exc}"
        ) from None


def _login_refused() -> str:
    where = f"{PASSWORD_ENV}" if os.environ.get(PASSWORD_ENV) else "the password file"
    return f"the server refused the login (check the user and the password in {where})"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


async def create_pool(database: Database, *, size: int | None = None) -> asyncpg.Pool:
    """A pool of connections to ``database`` (the password from ``DATABASE_PASSWORD``, else
    libpq's password file, which asyncpg reads itself). Raises the driver's errors."""
    size = size or database.pool_size
    pool = await asyncpg.create_pool(
        dsn=database.dsn,
        password=os.environ.get(PASSWORD_ENV) or None,
        # Connections are opened as they are needed: a pool that kept a floor of open ones
        # would try (and log a traceback for) each of them while the server restarts.
        min_size=0,
        max_size=size,
        timeout=CONNECT_TIMEOUT,
        server_settings={"application_name": "discussion-bot"},
    )
    if pool is None:  # pragma: no cover — create_pool returns None only when not awaited
        raise RuntimeError("the connection pool could not be created")
    return pool


async def open_database(database: Database) -> PgDatabase:
    """Open a pool on ``database``, refuse a newer schema (before anything is written), and
    migrate it. Raises InputError (one ``url: message`` line) for a database that cannot be
    used."""
    with database_errors(database):
        pool = await create_pool(database)
    db = PgDatabase(pool)
    try:
        with database_errors(database):
            async with db.connection() as con:
                await check_version(con, database)
            await migrate(db)
    except BaseException:
        await pool.close()
        raise
    return db
