"""The few query helpers the stores share (one aiosqlite connection): each store is a plain
class over this base, given the connection."""

from __future__ import annotations

import logging

import aiosqlite

log = logging.getLogger(__name__)


class Queries:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    # A query and its rows in one trip to the connection's thread (a cursor takes three:
    # execute, fetch, close). ``_one`` is for queries of one row (a key, an aggregate).
    async def _one(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        rows = await self.db.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def _all(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        return list(await self.db.execute_fetchall(sql, params))

    async def _write(self, sql: str, params: tuple) -> int:
        """Run one statement; how many rows it changed."""
        async with self.db.execute(sql, params) as cur:
            return cur.rowcount
