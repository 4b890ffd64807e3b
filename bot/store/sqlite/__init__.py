"""The SQLite backend: every port over one aiosqlite connection, in WAL mode."""

from __future__ import annotations

import aiosqlite

from bot.config.database import Database
from bot.posting.ports import PostingStores
from bot.store.sqlite.anonymous import AnonymousStore
from bot.store.sqlite.channel_state import ChannelStateStore
from bot.store.sqlite.charts import ChartsStore
from bot.store.sqlite.db import check_integrity, open_database, schema_version
from bot.store.sqlite.facilitation import FacilitationStore
from bot.store.sqlite.interactions import InteractionClaims
from bot.store.sqlite.participation import ParticipationStore
from bot.store.sqlite.post_recovery import InterruptedClaims
from bot.store.sqlite.posts import PostStore
from bot.store.sqlite.relays import RelayStore
from bot.store.sqlite.reports import ReportsStore
from bot.store.sqlite.starters import StarterStore
from bot.store.sqlite.suggestions import SuggestionStore
from bot.store.stores import Stores


class SqliteHandle:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def schema_version(self) -> int:
        return await schema_version(self.db)

    async def check(self) -> str:
        return await check_integrity(self.db)

    async def close(self) -> None:
        await self.db.close()


def posting_stores(db: aiosqlite.Connection) -> PostingStores:
    return PostingStores(PostStore(db), InterruptedClaims(db), ChannelStateStore(db))


def stores_over(database: Database, db: aiosqlite.Connection) -> Stores:
    """Every store on one connection: one participation store, so an opt-out is seen by the
    writer at once."""
    return Stores(
        database=database,
        handle=SqliteHandle(db),
        posting=posting_stores(db),
        participation=ParticipationStore(db),
        reports=ReportsStore(db),
        suggestions=SuggestionStore(db),
        anonymous=AnonymousStore(db),
        relays=RelayStore(db),
        facilitation=FacilitationStore(db),
        starters=StarterStore(db),
        charts=ChartsStore(db),
        claims=InteractionClaims(db),
    )


async def open_sqlite_stores(database: Database) -> Stores:
    return stores_over(database, await open_database(database.path))
