"""The query helpers the PostgreSQL stores share: each store is a plain class over this base,
given the pool (``PgDatabase``). Parameters are ``$1, $2 …``; rows are asyncpg records (by
position or by name)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asyncpg import Record

from bot.store.postgres.connection import PgDatabase, changed

__all__ = ["Queries", "Record"]


class Queries:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def _one(self, sql: str, *args: Any) -> Record | None:
        return await self.db.fetchrow(sql, *args)

    async def _all(self, sql: str, *args: Any) -> list[Record]:
        return await self.db.fetch(sql, *args)

    async def _scalar(self, sql: str, *args: Any) -> Any:
        """The first column of an aggregate query's one row."""
        row = await self._one(sql, *args)
        if row is None:
            raise RuntimeError(f"an aggregate query returned no row: {sql[:60]}")
        return row[0]

    async def _write(self, sql: str, *args: Any) -> int:
        """Run one statement; how many rows it changed."""
        return changed(await self.db.execute(sql, *args))

    async def _many(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        await self.db.executemany(sql, args)
