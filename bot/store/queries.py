"""The query helpers the posting stores share, over one aiosqlite connection (composed into each
store, not inherited)."""

from __future__ import annotations

import logging

import aiosqlite

log = logging.getLogger(__name__)


class Queries:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def one(self, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, params) as cur:
            return await cur.fetchone()

    async def all(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def write(self, sql: str, params: tuple) -> int:
        """Run one statement; how many rows it changed."""
        async with self.db.execute(sql, params) as cur:
            return cur.rowcount
