"""The few query helpers the stores share (one aiosqlite connection): each store is a plain
class over this base, given the connection."""

from __future__ import annotations

import logging

import aiosqlite

log = logging.getLogger(__name__)


class Queries:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def _one(self, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, params) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _write(self, sql: str, params: tuple) -> int:
        """Run one statement; how many rows it changed."""
        async with self.db.execute(sql, params) as cur:
            return cur.rowcount
