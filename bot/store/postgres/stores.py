"""Every store over one PostgreSQL pool, as the ``Stores`` the bot runs on."""

from __future__ import annotations

import importlib
from typing import Any

from bot.config.database import Database
from bot.posting.ports import PostingStores
from bot.store.postgres.channel_state import ChannelStateStore
from bot.store.postgres.connection import PgDatabase
from bot.store.postgres.db import check_integrity, open_database, schema_version
from bot.store.postgres.interactions import InteractionClaims
from bot.store.postgres.post_recovery import InterruptedClaims
from bot.store.postgres.posts import PostStore
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


class _NotBuilt:
    """A store whose PostgreSQL module is not there: any use says so."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"bot.store.postgres.{self._module} is not written yet")


def _store(module: str, cls: str, db: PgDatabase) -> Any:
    try:
        found = importlib.import_module(f"bot.store.postgres.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"bot.store.postgres.{module}":
            raise
        return _NotBuilt(module)
    return getattr(found, cls)(db)


def posting_stores(db: PgDatabase) -> PostingStores:
    return PostingStores(PostStore(db), InterruptedClaims(db), ChannelStateStore(db))


def stores_over(database: Database, db: PgDatabase) -> Stores:
    """Every store on one pool: one participation store, so an opt-out is seen by the writer
    at once."""
    return Stores(
        database=database,
        handle=PgHandle(db),
        posting=posting_stores(db),
        participation=_store("participation", "ParticipationStore", db),
        reports=_store("reports", "ReportsStore", db),
        suggestions=_store("suggestions", "SuggestionStore", db),
        anonymous=_store("anonymous", "AnonymousStore", db),
        relays=_store("relays", "RelayStore", db),
        facilitation=_store("facilitation", "FacilitationStore", db),
        starters=_store("starters", "StarterStore", db),
        charts=_store("charts", "ChartsStore", db),
        claims=InteractionClaims(db),
    )


async def open_postgres_stores(database: Database) -> Stores:
    return stores_over(database, await open_database(database))
