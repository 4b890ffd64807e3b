"""One asyncpg pool with the retry every store goes through.

A statement that fails because the connection is gone (the server restarted, the network
dropped) is tried again on a fresh connection after a growing pause, up to ``RETRY_FOR``
seconds in all; any other error (a constraint, a syntax error) is raised at once. A statement
is retried only when the failure came before its result was known to be committed: the stores'
writes are idempotent (unique claims, ``ON CONFLICT DO NOTHING``), so a write repeated after a
lost acknowledgement changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a statement keeps being retried while the server is away, and the pauses between.
RETRY_FOR = 60.0
FIRST_PAUSE, LAST_PAUSE = 0.05, 2.0

# The connection is gone or the server is not taking connections yet (a restart).
LOST_CONNECTION: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.InterfaceError,
    ConnectionError,
    OSError,
)
# What is tried again: a lost connection, and the driver's refusal to use a connection whose
# server went away while it sat in the pool.
RETRIED: tuple[type[BaseException], ...] = (
    *LOST_CONNECTION,
    asyncpg.exceptions.InternalClientError,
)


class PgDatabase:
    """The pool the stores share; each call takes a connection for one statement or one
    transaction and gives it back."""

    def __init__(self, pool: asyncpg.Pool, *, retry_for: float = RETRY_FOR) -> None:
        self.pool = pool
        self.retry_for = retry_for

    async def _retrying(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """``work`` on a connection of the pool, tried again on a fresh connection while the
        server is away. A connection that failed is ended, not given back: a connection the
        server dropped while it sat in the pool can still look open, and the driver then
        refuses the next statement on it (``InternalClientError``: "cannot switch to state")
        before sending anything, so trying again on another connection is safe."""
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + self.retry_for, FIRST_PAUSE
        while True:
            try:
                return await self._attempt(work)
            except RETRIED as exc:
                if loop.time() + pause > deadline:
                    raise
                log.warning("database connection lost (%s); retrying in %.2f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, LAST_PAUSE)

    async def _attempt(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        con = await self.pool.acquire()
        try:
            result = await work(con)
        except RETRIED:
            con.terminate()  # the pool opens a new one in its place
            await self.pool.release(con)
            raise
        except BaseException:
            await self.pool.release(con)
            raise
        await self.pool.release(con)
        return result

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async def work(con: asyncpg.Connection) -> list[asyncpg.Record]:
            return list(await con.fetch(sql, *args))

        return await self._retrying(work)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async def work(con: asyncpg.Connection) -> asyncpg.Record | None:
            return await con.fetchrow(sql, *args)

        return await self._retrying(work)

    async def execute(self, sql: str, *args: Any) -> str:
        """Run one statement; PostgreSQL's status line (``INSERT 0 1``, ``DELETE 3``)."""

        async def work(con: asyncpg.Connection) -> str:
            return str(await con.execute(sql, *args))

        return await self._retrying(work)

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        async def work(con: asyncpg.Connection) -> None:
            await con.executemany(sql, args)

        await self._retrying(work)

    async def in_transaction(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run ``work`` on one connection inside one transaction (committed when it returns,
        rolled back if it raises); the whole transaction is retried on a lost connection."""

        async def whole(con: asyncpg.Connection) -> T:
            async with con.transaction():
                return await work(con)

        return await self._retrying(whole)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        """One connection for several statements (no retry: the caller owns the connection)."""
        async with self.pool.acquire() as con:
            yield con

    async def close(self) -> None:
        await self.pool.close()


def changed(status: str) -> int:
    """Rows a statement changed, from its status line (``UPDATE 2`` → 2, ``INSERT 0 1`` → 1)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0
