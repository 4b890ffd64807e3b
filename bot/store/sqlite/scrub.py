"""Leaving no copy of an erased member's id in the database files while the bot runs.

``secure_delete`` (set by ``open_database``) zeroes a deleted row's bytes, but in WAL mode the
pages as they were before the erase stay in the ``-wal`` file until a checkpoint copies the new
ones into the main file. So after an erase the WAL is checkpointed and truncated to zero bytes.

One more place can hold old bytes: when SQLite rebalances a b-tree page it rewrites the cells
but not the unused gap between the cell pointers and the cells, so a key copied there by an
earlier page split may survive ``secure_delete``. The main file is therefore searched for the
id afterwards (as SQLite stores an integer of that size in a record: 8 bytes, big-endian), and
only if a copy is found, the file is rebuilt (``VACUUM``) and checkpointed again.

The bot never opens the database file itself: closing any descriptor of a file drops every
POSIX lock the process holds on it, and the next process to close the database would then
take the bot for gone, checkpoint and delete its WAL, and what the bot writes afterwards would
be lost. The search therefore runs in a short-lived separate process (its locks are its own;
this SQLite build has no ``sqlite_dbpage`` table to read pages through).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

import aiosqlite

from bot.store.records import KEPT_ON_PURPOSE

log = logging.getLogger(__name__)

CHECKPOINT_TRIES = 20  # a reader in another process can hold the WAL for a moment
CHECKPOINT_PAUSE = 0.1  # seconds between tries
SEARCH_TIMEOUT = 120.0  # seconds the separate search may take (a large file on a slow disk)


def stored_bytes(value: int) -> bytes:
    """How SQLite stores ``value`` in a record when it needs 8 bytes (Discord ids do)."""
    return value.to_bytes(8, "big", signed=True)


async def checkpoint(db: aiosqlite.Connection) -> bool:
    """Copy the WAL into the main file and truncate it to zero bytes; False if a reader in
    another process kept it busy through every try (logged)."""
    for _ in range(CHECKPOINT_TRIES):
        async with db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
            row = await cur.fetchone()
        busy = row is None or row[0]
        if not busy:
            return True
        await asyncio.sleep(CHECKPOINT_PAUSE)
    log.warning("the WAL file could not be checkpointed: another process is reading the database")
    return False


async def erase_traces(db: aiosqlite.Connection, member_id: int) -> None:
    """After a member's rows were deleted: no copy of ``member_id`` left in the ``-wal`` file,
    nor in the main file's unused space, unless the id is still stored on purpose
    (``KEPT_ON_PURPOSE``)."""
    if not await checkpoint(db) or await _still_stored(db, member_id):
        return
    path = await _main_file(db)
    if path is None or not await _holds(path, stored_bytes(member_id)):
        return
    log.info("erased member id left in free space of the database file; rebuilding it")
    try:
        await db.execute("VACUUM")
    except sqlite3.Error as exc:  # e.g. an export streaming on the connection, disk full
        log.warning("database file not rebuilt after an erase: %s", exc)
        return
    await checkpoint(db)


async def _still_stored(db: aiosqlite.Connection, member_id: int) -> bool:
    async with db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'") as cur:
        tables = {name for (name,) in await cur.fetchall()}
    for table, column in KEPT_ON_PURPOSE:
        if table in tables:
            sql = f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} = ?)"
            async with db.execute(sql, (member_id,)) as cur:
                row = await cur.fetchone()
            if row is None or row[0]:  # found (or not known: rebuild to be sure)
                return True
    return False


async def _main_file(db: aiosqlite.Connection) -> Path | None:
    async with db.execute("PRAGMA database_list") as cur:
        for _seq, name, file in await cur.fetchall():
            if name == "main" and file:
                return Path(file)
    return None


# Run as ``python -I -c _SEARCH path needle-hex``: prints 1 if the file holds the needle, else
# 0 (read in chunks: memory stays flat). Standard library only, so it starts in a few ms.
_SEARCH = """
import sys
path, needle = sys.argv[1], bytes.fromhex(sys.argv[2])
tail = b""
with open(path, "rb") as f:
    while chunk := f.read(1 << 20):
        if needle in tail + chunk:
            print(1)
            break
        tail = chunk[-(len(needle) - 1):]
    else:
        print(0)
"""


async def _holds(path: Path, needle: bytes) -> bool:
    """True if the file contains ``needle``, searched by a separate process (never by this
    one, which would drop its SQLite locks). When the search cannot run, True: the file is
    rebuilt rather than left with a copy."""
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            "-c",
            _SEARCH,
            str(path),
            needle.hex(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        log.warning("could not search the database file for an erased id: %s", exc)
        return True
    try:
        async with asyncio.timeout(SEARCH_TIMEOUT):
            out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        log.warning("the search of the database file for an erased id took too long")
        return True
    if process.returncode != 0 or out.strip() not in (b"0", b"1"):
        log.warning("could not search the database file for an erased id: %s", err.decode()[-300:])
        return True
    return out.strip() == b"1"
