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


class PgDatabase:
    """The pool the stores share; each call takes a connection for one statement or one
    transaction and gives it back."""

    def __init__(self, pool: asyncpg.Pool, *, retry_for: float = RETRY_FOR) -> None:
        self.pool = pool
        self.retry_for = retry_for

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + self.retry_for, FIRST_PAUSE
        while True:
            try:
                return await attempt()
            except LOST_CONNECTION as exc:
                if loop.time() + pause > deadline:
                    raise
                log.warning("database connection lost (%s); retrying in %.2f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, LAST_PAUSE)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async def attempt() -> list[asyncpg.Record]:
            async with self.pool.acquire() as con:
                return list(await con.fetch(sql, *args))

        return await self._retrying(attempt)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async def attempt() -> asyncpg.Record | None:
            async with self.pool.acquire() as con:
                return await con.fetchrow(sql, *args)

        return await self._retrying(attempt)

    async def execute(self, sql: str, *args: Any) -> str:
        """Run one statement; PostgreSQL's status line (``INSERT 0 1``, ``DELETE 3``)."""

        async def attempt() -> str:
            async with self.pool.acquire() as con:
                return str(await con.execute(sql, *args))

        return await self._retrying(attempt)

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        async def attempt() -> None:
            async with self.pool.acquire() as con:
                await con.executemany(sql, args)

        await self._retrying(attempt)

    async def in_transaction(self, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
        """Run ``work`` on one connection inside one transaction (committed when it returns,
        rolled back if it raises); the whole transaction is retried on a lost connection."""

        async def attempt() -> T:
            async with self.pool.acquire() as con, con.transaction():
                return await work(con)

        return await self._retrying(attempt)

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
