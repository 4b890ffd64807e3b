"""Making statements that are started together really run together, so that a test of a race
can fail. On PostgreSQL every insert into a table is held, after its statement has read what it
reads (a trigger waits on a lock the test holds), until as many sessions as the test started are
waiting; then all go at once. Without a lock of their own the held statements would all count
the same rows. SQLite runs one writer at a time: there the hold does nothing."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg

from bot.config.database import PASSWORD_ENV, Database

_GATE = 4242  # the advisory lock key the held inserts wait on
_HOLD = """
CREATE OR REPLACE FUNCTION held_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_lock_shared({gate});
    PERFORM pg_advisory_unlock_shared({gate});
    RETURN NEW;
END $$;
CREATE TRIGGER held_insert BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION held_insert();
"""
_WAITING = (
    "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory'"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
WAIT_FOR = 60.0  # seconds: the sessions should be waiting well before this on any machine


async def connect(database: Database) -> asyncpg.Connection:
    """A connection of the test's own to a PostgreSQL ``database`` (another session)."""
    return await asyncpg.connect(
        database.dsn, password=os.environ.get(PASSWORD_ENV) or None, timeout=10
    )


@contextlib.asynccontextmanager
async def inserts_held(
    database: Database, table: str
) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """Inside the block, inserts into ``table`` wait; ``await release(n)`` waits until ``n``
    sessions are blocked (at the held insert, or on a lock the store takes before it) and lets
    them all go."""
    if database.backend != "postgresql":

        async def nothing(_: int) -> None:
            return None

        yield nothing
        return
    gate = await connect(database)
    try:
        await gate.execute(_HOLD.format(gate=_GATE, table=table))
        await gate.execute("SELECT pg_advisory_lock($1)", _GATE)

        async def release(sessions: int) -> None:
            async with asyncio.timeout(WAIT_FOR):
                while await gate.fetchval(_WAITING) < sessions:
                    await asyncio.sleep(0.01)
            await gate.execute("SELECT pg_advisory_unlock($1)", _GATE)

        yield release
    finally:
        await gate.execute("SELECT pg_advisory_unlock_all()")
        await gate.execute(f"DROP TRIGGER IF EXISTS held_insert ON {table}")
        await gate.close()
