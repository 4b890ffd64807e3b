"""The few query helpers the stores share (one aiosqlite connection): each store is a plain
class over this base, given the connection."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

import aiosqlite

# A row as the stores read it (aiosqlite hands sqlite3's rows: by position or by name).
Record = sqlite3.Row


class Queries:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    # A query and its rows in one trip to the connection's thread (a cursor takes three:
    # execute, fetch, close). ``_one`` is for queries of one row (a key, an aggregate).
    async def _one(self, sql: str, params: tuple | dict = ()) -> Record | None:
        rows = await self.db.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def _all(self, sql: str, params: tuple | dict = ()) -> list[Record]:
        return cast(list[Record], list(await self.db.execute_fetchall(sql, params)))

    async def _scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        """The first column of an aggregate query's one row."""
        row = await self._one(sql, params)
        if row is None:
            raise RuntimeError(f"an aggregate query returned no row: {sql[:60]}")
        return row[0]

    async def _write(self, sql: str, params: tuple) -> int:
        """Run one statement; how many rows it changed."""
        async with self.db.execute(sql, params) as cur:
            return cur.rowcount
