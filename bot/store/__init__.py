"""Storage behind the features' ports. All SQL of the bot lives in this package; the backend
(``bot.store.sqlite`` or ``bot.store.postgres``) is chosen here from the ``database`` setting and
known nowhere else."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from bot.config.database import Database
from bot.store.stores import DatabaseHandle, InteractionClaimRecords, Stores

__all__ = [
    "DATABASE_REFUSALS",
    "DatabaseHandle",
    "InteractionClaimRecords",
    "Stores",
    "database_errors",
    "database_exists",
    "open_stores",
]

# What the backend raises when the database, or the disk under it, refuses a read or a write (a
# full disk, a damaged or read-only file): callers name it without knowing the backend.
DATABASE_REFUSALS: tuple[type[Exception], ...] = (
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
)


async def open_stores(database: Database) -> Stores:
    """Open (creating and migrating if needed) the database and build every store over it.
    Raises InputError (one ``database: message`` line) for a database that cannot be used."""
    if database.backend == "postgresql":
        from bot.store.postgres.stores import open_postgres_stores

        return await open_postgres_stores(database)
    from bot.store.sqlite import open_sqlite_stores

    return await open_sqlite_stores(database)


def database_exists(database: Database) -> bool:
    """True if the database holds data already (the read-only commands open nothing else).
    A PostgreSQL database is on its server: opening it says whether it is there."""
    if database.backend == "postgresql":
        return True
    return database.in_memory or database.path.exists()


@contextmanager
def database_errors(database: Database) -> Iterator[None]:
    """The backend's errors while using ``database`` as one ``database: message`` line."""
    if database.backend == "postgresql":
        from bot.store.postgres.db import database_errors as postgres_errors

        with postgres_errors(database):
            yield
        return
    from bot.store.sqlite.db import database_errors as sqlite_errors

    with sqlite_errors(database.path):
        yield
