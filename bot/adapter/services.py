"""The services the cogs share, built once in ``DiscussionBot.setup_hook`` and handed to every cog.

No cog finds another by name: each gets what it needs from here, so any cog can be unloaded
without breaking another (the posting service keeps working for ``/topic post`` without the
scheduler cog, reports still flush the writer without the answers cog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.charts.worker import ChartRenderer
from bot.config.settings import Settings
from bot.facilitation.service import FacilitationService
from bot.facilitation.types import StepSender
from bot.posting.service import PostingService
from bot.posting.types import LibrarySource, Outcome, Publisher
from bot.starters.service import StarterService
from bot.store import Connection
from bot.store.anonymous import AnonymousStore
from bot.store.batch import BatchWriter
from bot.store.charts import ChartsStore
from bot.store.facilitation import FacilitationStore
from bot.store.interactions import InteractionClaims
from bot.store.participation import ParticipationStore
from bot.store.posting import PostingStores
from bot.store.posts import PostStore
from bot.store.relays import RelayStore
from bot.store.reports import ReportsStore
from bot.store.starters import StarterStore
from bot.store.suggestions import SuggestionStore
from bot.suggestions.service import SuggestionService

log = logging.getLogger(__name__)


@dataclass
class Services:
    """One instance per running bot; the writer's life (start, last write) belongs to the bot,
    not to any cog."""

    posts: PostStore
    posting: PostingService
    participation: ParticipationStore
    writer: BatchWriter
    suggestions: SuggestionService
    anonymous: AnonymousStore  # links from relayed anonymous answers to their authors
    reports: ReportsStore
    facilitation: FacilitationService  # paced follow-ups, nudges, welcomes
    charts: ChartsStore
    chart_renderer: ChartRenderer  # draws charts in a worker process, started on first use
    relays: RelayStore  # anonymous answers being posted, and the hourly limit
    claims: InteractionClaims  # which process on this database handles an interaction
    starters: StarterService  # /starter: conversation starters on demand

    async def close(self) -> None:
        """Write what is still queued and stop the writer's timer, then stop what the last
        answers started in their threads, and the chart worker."""
        try:
            await self.writer.close()
            await self.facilitation.close()
        finally:
            await self.chart_renderer.close()


def build_services(
    settings: Settings,
    db: Connection,
    library: LibrarySource,
    publisher: Publisher,
    on_posted: Callable[[Outcome], None],
    sender: StepSender,
    clock: Callable[[], datetime],
) -> Services:
    """Everything on one database connection: one participation store, so an opt-out is seen by
    the writer at once, and one post store."""
    stores = PostingStores.over(db)
    participation = ParticipationStore(db)
    posting = PostingService(settings, stores, library, publisher, on_posted=on_posted)
    suggestions = SuggestionService(
        SuggestionStore(db), settings.prompts_dir, library, posting.library.reload
    )
    writer = BatchWriter(participation)
    facilitation = FacilitationService(settings, FacilitationStore(db), library, sender, clock)
    writer.on_written = facilitation.answers_written
    return Services(
        stores.posts,
        posting,
        participation,
        writer,
        suggestions,
        AnonymousStore(db),
        ReportsStore(db),
        facilitation,
        ChartsStore(db),
        ChartRenderer(),
        RelayStore(db),
        InteractionClaims(db),
        StarterService(settings, StarterStore(db), lambda: library.library),
    )
