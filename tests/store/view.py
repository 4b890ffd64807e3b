"""What tests outside tests/store observe in the database, or plant in it, where no port reads it.

The one module besides the store's own tests that knows the SQLite schema: every other test
reaches the database through this module or the features' ports, so a second backend changes
this file and tests/store, not the feature tests. Rows come back as dicts keyed by field, oldest
first; ``pick`` takes the fields a test compares.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, Literal

import aiosqlite

from bot.store.sqlite.db import latest_version
from bot.store.stores import Stores

Record = Literal[
    "posts",
    "participation",
    "anonymous_answers",
    "anonymous_relays",
    "suggestions",
    "draft_decisions",
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


def _select(record: Record) -> str:
    return f"SELECT * FROM {record} ORDER BY rowid"


async def rows(where: Stores | aiosqlite.Connection, record: Record) -> list[dict[str, Any]]:
    """Every stored ``record``, oldest first, read on the bot's own connection."""
    async with _db(where).execute(_select(record)) as cur:
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in await cur.fetchall()]


def rows_at(path: Path, record: Record) -> list[dict[str, Any]]:
    """Every stored ``record`` in the database file at ``path``, oldest first, read as another
    process would (raises ``Unreadable`` while that file is busy or not there yet)."""
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con:
        cur = con.execute(_select(record))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _insert(record: Record, values: dict[str, Any]) -> str:
    return f"INSERT INTO {record} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"


def _update(record: Record, match: dict[str, Any], values: dict[str, Any]) -> str:
    sets = ", ".join(f"{k} = ?" for k in values)
    where = " AND ".join(f"{k} = ?" for k in match) or "1"
    return f"UPDATE {record} SET {sets} WHERE {where}"


async def plant(where: Stores | aiosqlite.Connection, record: Record, **values: Any) -> None:
    """Stores a row as an older bot or a hand edit would have, bypassing the stores' rules."""
    db = _db(where)
    await db.execute(_insert(record, values), tuple(values.values()))
    await db.commit()


def plant_at(path: Path, record: Record, **values: Any) -> None:
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con, con:
        con.execute(_insert(record, values), tuple(values.values()))


async def rewrite(
    where: Stores | aiosqlite.Connection,
    record: Record,
    match: dict[str, Any] | None = None,
    **values: Any,
) -> None:
    """Overwrites ``values`` in the rows matching ``match`` (every row without one)."""
    match = match or {}
    db = _db(where)
    await db.execute(_update(record, match, values), (*values.values(), *match.values()))
    await db.commit()


def rewrite_at(
    path: Path, record: Record, match: dict[str, Any] | None = None, **values: Any
) -> None:
    match = match or {}
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con, con:
        con.execute(_update(record, match, values), (*values.values(), *match.values()))


def age_post_claims_at(path: Path, seconds: int) -> None:
    """Every post's claim taken ``seconds`` earlier than it was."""
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con, con:
        con.execute("UPDATE posts SET claimed_at = claimed_at - ?", (seconds,))


def integrity_at(path: Path) -> str:
    """``ok``, or SQLite's first complaint about the file."""
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


async def journal_mode(stores: Stores) -> str:
    async with _db(stores).execute("PRAGMA journal_mode") as cur:
        row = await cur.fetchone()
    assert row is not None
    return str(row[0])


async def is_closed(stores: Stores) -> bool:
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
    async with _db(where).execute(
        "SELECT count(*) FILTER (WHERE kind = 'answer'), count(*) FILTER (WHERE kind = 'reaction'),"
        " count(DISTINCT member_id), count(DISTINCT member_id) FILTER (WHERE member_id NOT IN"
        " (SELECT member_id FROM participation WHERE guild_id = ? AND created_at < ?))"
        " FROM participation WHERE guild_id = ? AND created_at >= ? AND created_at < ?",
        (guild_id, since, guild_id, since, now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return (row[0], row[1], row[2], row[3])
