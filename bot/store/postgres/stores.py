"""Every store over one PostgreSQL pool, as the ``Stores`` the bot runs on."""

from __future__ import annotations

from bot.config.database import Database
from bot.posting.ports import PostingStores
from bot.store.postgres.anonymous import AnonymousStore
from bot.store.postgres.channel_state import ChannelStateStore
from bot.store.postgres.charts import ChartsStore
from bot.store.postgres.connection import PgDatabase
from bot.store.postgres.db import check_integrity, open_database, schema_version
from bot.store.postgres.facilitation import FacilitationStore
from bot.store.postgres.interactions import InteractionClaims
from bot.store.postgres.participation import ParticipationStore
from bot.store.postgres.post_recovery import InterruptedClaims
from bot.store.postgres.posts import PostStore
from bot.store.postgres.relays import RelayStore
from bot.store.postgres.reports import ReportsStore
from bot.store.postgres.starters import StarterStore
from bot.store.postgres.suggestions import SuggestionStore
from bot.store.stores import Stores


class PgHandle:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db

    async def schema_version(self) -> int:
        return await schema_version(self.db)

    async def check(self) -> str:
        return await check_integrity(self.db)

    async def close(self) -> None:
        await self.db.close()


def posting_stores(db: PgDatabase) -> PostingStores:
    return PostingStores(PostStore(db), InterruptedClaims(db), ChannelStateStore(db))


def stores_over(database: Database, db: PgDatabase) -> Stores:
    """Every store on one pool: one participation store, so an opt-out is seen by the writer
    at once."""
    return Stores(
        database=database,
        handle=PgHandle(db),
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


async def open_postgres_stores(database: Database) -> Stores:
    return stores_over(database, await open_database(database))
