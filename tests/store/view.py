"""What tests outside tests/store observe in the database, or plant in it, where no port reads it.

The one module besides the store's own tests that knows the schema: every other test reaches
the database through this module or the features' ports, so a second backend changes this file
and tests/store, not the feature tests. Rows come back as dicts keyed by field, oldest first;
``pick`` takes the fields a test compares.

``rows``, ``plant``, ``rewrite``, ``brute_force_totals`` and ``is_closed`` take a ``Stores`` of
either backend (chosen by ``stores.database.backend``); the ``*_at`` functions take an SQLite
file's path or a PostgreSQL ``Database`` and read it as another process would. What is about
SQLite's files alone (the journal, marks, a future file, statement traces) stays SQLite's.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, Literal

import aiosqlite
import asyncpg

from bot.config.database import PASSWORD_ENV, Database
from bot.store.postgres.connection import PgDatabase
from bot.store.sqlite.db import latest_version
from bot.store.stores import Stores
from tests.postgres_server import run_sync

Record = Literal[
    "posts",
    "participation",
    "anonymous_answers",
    "anonymous_relays",
    "suggestions",
    "draft_decisions",
    "opt_outs",
    "participation_day_totals",
    "participation_post_totals",
    "participation_first_seen",
    "thread_steps",
    "starters",
]

# The database is busy or not created yet (another process is writing it).
Unreadable = sqlite3.OperationalError


def latest_schema_version() -> int:
    """The schema version the shipped migrations bring a database to."""
    return latest_version()


def disk_error(message: str) -> Exception:
    """The error the backend raises when the disk fails under it."""
    return sqlite3.OperationalError(message)


def _db(where: Stores | aiosqlite.Connection) -> aiosqlite.Connection:
    if isinstance(where, Stores):
        return where.handle.db  # type: ignore[attr-defined, no-any-return]
    return where


def pick(rows: Iterable[dict[str, Any]], *fields: str) -> list[tuple[Any, ...]]:
    """Each row's ``fields``, in order."""
    return [tuple(row[f] for f in fields) for row in rows]


# Oldest first: SQLite's rowid; on PostgreSQL the key that grows with each row.
_ORDER = {
    "posts": "id",
    "participation": "id",
    "anonymous_answers": "message_id",
    "anonymous_relays": "id",
    "suggestions": "id",
    "draft_decisions": "decided_at, prompt_id",
    "opt_outs": "guild_id, member_id",
    "participation_day_totals": "guild_id, day, kind",
    "participation_post_totals": "post_id",
    "participation_first_seen": "guild_id, member_id",
    "thread_steps": "post_id, number",
    "starters": "id",
}


_ROWID = {"posts", "participation", "anonymous_answers", "anonymous_relays", "suggestions",
          "draft_decisions"}  # fmt: skip


def _select(record: Record, backend: str = "sqlite") -> str:
    order = "rowid" if backend == "sqlite" and record in _ROWID else _ORDER[record]
    return f"SELECT * FROM {record} ORDER BY {order}"


def _pg(where: Stores | aiosqlite.Connection) -> PgDatabase | None:
    """The PostgreSQL pool under ``where``, or None for SQLite."""
    if isinstance(where, Stores) and where.database.backend == "postgresql":
        return where.handle.db  # type: ignore[attr-defined, no-any-return]
    return None


def _numbered(sql: str) -> str:
    """``?`` parameters as PostgreSQL's ``$1, $2 …``."""
    parts = sql.split("?")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, 1))


async def rows(where: Stores | aiosqlite.Connection, record: Record) -> list[dict[str, Any]]:
    """Every stored ``record``, oldest first, read on the bot's own connection (pool)."""
    pg = _pg(where)
    if pg is not None:
        return [dict(r) for r in await pg.fetch(_select(record, "postgresql"))]
    async with _db(where).execute(_select(record)) as cur:
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in await cur.fetchall()]


async def _on_server(database: Database, sql: str, *args: Any) -> list[dict[str, Any]]:
    con = await asyncpg.connect(
        database.dsn, password=os.environ.get(PASSWORD_ENV) or None, timeout=10
    )
    try:
        return [dict(r) for r in await con.fetch(sql, *args)]
    finally:
        await con.close()


def _at(where: Path | Database, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Run ``sql`` (``?`` parameters) on the database at ``where`` from a connection of its
    own, as another process would, and commit."""
    if isinstance(where, Database) and where.backend == "postgresql":
        return run_sync(_on_server(where, _numbered(sql), *args))
    path = where.path if isinstance(where, Database) else where
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con, con:
        cur = con.execute(sql, args)
        if cur.description is None:
            return []
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def rows_at(where: Path | Database, record: Record) -> list[dict[str, Any]]:
    """Every stored ``record`` in the database at ``where`` (an SQLite file, or a PostgreSQL
    database), oldest first, read as another process would (raises ``Unreadable`` while an
    SQLite file is busy or not there yet)."""
    backend = where.backend if isinstance(where, Database) else "sqlite"
    return _at(where, _select(record, backend))


def _insert(record: Record, values: dict[str, Any]) -> str:
    return f"INSERT INTO {record} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"


def _update(record: Record, match: dict[str, Any], values: dict[str, Any]) -> str:
    sets = ", ".join(f"{k} = ?" for k in values)
    where = " AND ".join(f"{k} = ?" for k in match) or "1 = 1"
    return f"UPDATE {record} SET {sets} WHERE {where}"


async def plant(where: Stores | aiosqlite.Connection, record: Record, **values: Any) -> None:
    """Stores a row as an older bot or a hand edit would have, bypassing the stores' rules."""
    pg = _pg(where)
    if pg is not None:
        await pg.execute(_numbered(_insert(record, values)), *values.values())
        return
    db = _db(where)
    await db.execute(_insert(record, values), tuple(values.values()))
    await db.commit()


def plant_at(where: Path | Database, record: Record, **values: Any) -> None:
    _at(where, _insert(record, values), tuple(values.values()))


async def rewrite(
    where: Stores | aiosqlite.Connection,
    record: Record,
    match: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    """Overwrites ``values`` in the rows matching ``match`` (every row without one)."""
    match = match or {}
    sql, args = _update(record, match, values), (*values.values(), *match.values())
    pg = _pg(where)
    if pg is not None:
        await pg.execute(_numbered(sql), *args)
        return
    db = _db(where)
    await db.execute(sql, args)
    await db.commit()


async def remove(where: Stores | aiosqlite.Connection, record: Record, **match: Any) -> None:
    """Deletes the rows matching ``match`` (every row without one), as a hand edit would."""
    sql = f"DELETE FROM {record} WHERE " + (" AND ".join(f"{k} = ?" for k in match) or "1 = 1")
    pg = _pg(where)
    if pg is not None:
        await pg.execute(_numbered(sql), *match.values())
        return
    db = _db(where)
    await db.execute(sql, tuple(match.values()))
    await db.commit()


def rewrite_at(
    where: Path | Database, record: Record, match: dict[str, Any] | None = None, **values: Any
) -> None:
    match = match or {}
    _at(where, _update(record, match, values), (*values.values(), *match.values()))


def age_post_claims_at(where: Path | Database, seconds: int) -> None:
    """Every post's claim taken ``seconds`` earlier than it was."""
    _at(where, "UPDATE posts SET claimed_at = claimed_at - ?", (seconds,))


async def _checked(database: Database) -> str:
    from bot.store import open_stores

    stores = await open_stores(database)
    try:
        return await stores.handle.check()
    finally:
        await stores.close()


def integrity_at(where: Path | Database) -> str:
    """``ok``, or the first complaint about the database (SQLite's full check of a file)."""
    if isinstance(where, Database) and where.backend == "postgresql":
        return run_sync(_checked(where))
    path = where.path if isinstance(where, Database) else where
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


async def journal_mode(stores: Stores) -> str:
    async with _db(stores).execute("PRAGMA journal_mode") as cur:
        row = await cur.fetchone()
    assert row is not None
    return str(row[0])


async def is_closed(stores: Stores) -> bool:
    pg = _pg(stores)
    if pg is not None:
        return pg.pool.is_closing()
    try:
        await _db(stores).execute("SELECT 1")
    except ValueError:  # aiosqlite: no active connection
        return True
    return False


async def mark(stores: Stores, name: str) -> None:
    """Leaves a mark (an empty table named ``name``) that ``marks_at`` finds once written."""
    await _db(stores).execute(f"CREATE TABLE {name} (n INTEGER)")


def marks_at(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


@contextlib.asynccontextmanager
async def statements(stores: Stores) -> AsyncIterator[list[str]]:
    """Every statement the bot runs on its database inside the block."""
    seen: list[str] = []
    await _db(stores).set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        await _db(stores).set_trace_callback(None)


def future_database_at(path: Path) -> None:
    """Makes ``path`` a database of a future bot: schema version 99, one table of its own."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE future (x)")
        con.execute("PRAGMA user_version = 99")
        con.commit()


def fold_journal_at(path: Path) -> None:
    """Folds the write-ahead log into ``path``, so the file alone holds the whole database."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode = DELETE")


async def brute_force_totals(
    where: Stores | aiosqlite.Connection, guild_id: int, since: int, now: int
) -> tuple[int, int, int, int]:
    """Answers, reactions, members and new members in ``[since, now)``, counted from every row
    (the kept totals must agree)."""
    sql = (
        "SELECT count(*) FILTER (WHERE kind = 'answer'), count(*) FILTER (WHERE kind = 'reaction'),"
        " count(DISTINCT member_id), count(DISTINCT member_id) FILTER (WHERE member_id NOT IN"
        " (SELECT member_id FROM participation WHERE guild_id = ? AND created_at < ?))"
        " FROM participation WHERE guild_id = ? AND created_at >= ? AND created_at < ?"
    )
    args = (guild_id, since, guild_id, since, now)
    pg = _pg(where)
    if pg is not None:
        row = await pg.fetchrow(_numbered(sql), *args)
    else:
        async with _db(where).execute(sql, args) as cur:
            row = await cur.fetchone()
    assert row is not None
    return (row[0], row[1], row[2], row[3])
