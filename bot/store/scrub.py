"""Leaving no copy of an erased member's id in the database files while the bot runs.

``secure_delete`` (set by ``open_database``) zeroes a deleted row's bytes, but in WAL mode the
pages as they were before the erase stay in the ``-wal`` file until a checkpoint copies the new
ones into the main file. So after an erase the WAL is checkpointed and truncated to zero bytes.

One more place can hold old bytes: when SQLite rebalances a b-tree page it rewrites the cells
but not the unused gap between the cell pointers and the cells, so a key copied there by an
earlier page split may survive ``secure_delete``. The main file is therefore searched for the
id afterwards (as SQLite stores an integer of that size in a record: 8 bytes, big-endian), and
only if a copy is found, the file is rebuilt (``VACUUM``) and checkpointed again.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

CHECKPOINT_TRIES = 20  # a reader in another process can hold the WAL for a moment
CHECKPOINT_PAUSE = 0.1  # seconds between tries
_CHUNK = 1 << 20


def stored_bytes(value: int) -> bytes:
    """How SQLite stores ``value`` in a record when it needs 8 bytes (Discord ids do)."""
    return value.to_bytes(8, "big", signed=True)


async def checkpoint(db: aiosqlite.Connection) -> bool:
    """Copy the WAL into the main file and truncate it to zero bytes; False if a reader in
    another process kept it busy through every try (logged)."""
    for _ in range(CHECKPOINT_TRIES):
        async with db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
            busy, _frames, _done = await cur.fetchone()
        if not busy:
            return True
        await asyncio.sleep(CHECKPOINT_PAUSE)
    log.warning("the WAL file could not be checkpointed: another process is reading the database")
    return False


async def erase_traces(db: aiosqlite.Connection, member_id: int) -> None:
    """After a member's rows were deleted: no copy of ``member_id`` left in the ``-wal`` file,
    nor in the main file's unused space, unless the id is still stored on purpose (``_KEPT``)."""
    if not await checkpoint(db) or await _still_stored(db, member_id):
        return
    path = await _main_file(db)
    if path is None or not await asyncio.to_thread(_holds, path, stored_bytes(member_id)):
        return
    log.info("erased member id left in free space of the database file; rebuilding it")
    try:
        await db.execute("VACUUM")
    except sqlite3.Error as exc:  # e.g. an export streaming on the connection, disk full
        log.warning("database file not rebuilt after an erase: %s", exc)
        return
    await checkpoint(db)


# Where a member's id is still kept on purpose after ``forget`` in one server: their rows in
# other servers, an opt-out (it is what honours the request), links to anonymous answers in
# other servers, a moderator's decisions.
_KEPT = (
    ("participation", "member_id"),
    ("opt_outs", "member_id"),
    ("anonymous_answers", "member_id"),
    ("suggestions", "member_id"),
    ("suggestions", "decided_by"),
    ("draft_decisions", "decided_by"),
)


async def _still_stored(db: aiosqlite.Connection, member_id: int) -> bool:
    async with db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'") as cur:
        tables = {name for (name,) in await cur.fetchall()}
    for table, column in _KEPT:
        if table in tables:
            sql = f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} = ?)"
            async with db.execute(sql, (member_id,)) as cur:
                (found,) = await cur.fetchone()
            if found:
                return True
    return False


async def _main_file(db: aiosqlite.Connection) -> Path | None:
    async with db.execute("PRAGMA database_list") as cur:
        for _seq, name, file in await cur.fetchall():
            if name == "main" and file:
                return Path(file)
    return None


def _holds(path: Path, needle: bytes) -> bool:
    """True if the file contains ``needle`` (read in chunks: memory stays flat)."""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-(len(needle) - 1) :]
    return False
