"""Every store the bot uses, typed by the features' ports, over one open database.

A backend (``bot.store.sqlite`` today) builds a ``Stores``; nothing outside ``bot/store/`` knows
which backend it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.anonymity.ports import AnonymousLinks, RelayRecords
from bot.charts.ports import ChartRecords
from bot.config.database import Database
from bot.facilitation.ports import FacilitationRecords
from bot.participation.ports import ParticipationRecords
from bot.posting.ports import PostingStores
from bot.reports.ports import ReportRecords
from bot.starters.ports import StarterRecords
from bot.suggestions.ports import SuggestionRecords


class InteractionClaimRecords(Protocol):
    """Which process on this database handles an interaction or a scheduled act."""

    async def claim(self, interaction_id: int, now: int) -> bool:
        """True if this process is the first to take the interaction."""

    async def claim_act(self, act: str, now: int) -> bool:
        """True if this process is the first to do ``act`` (a scheduled act's name)."""


class DatabaseHandle(Protocol):
    """The database as a whole: its schema, its health, and its end."""

    async def schema_version(self) -> int: ...

    async def check(self) -> str:
        """``ok``, or the backend's first complaint about the data (a damaged file)."""

    async def close(self) -> None: ...


@dataclass(frozen=True)
class Stores:
    database: Database
    handle: DatabaseHandle
    posting: PostingStores
    participation: ParticipationRecords
    reports: ReportRecords
    suggestions: SuggestionRecords
    anonymous: AnonymousLinks
    relays: RelayRecords
    facilitation: FacilitationRecords
    starters: StarterRecords
    charts: ChartRecords
    claims: InteractionClaimRecords

    async def close(self) -> None:
        await self.handle.close()
