"""The services the cogs share, built once in ``DiscussionBot.setup_hook`` and handed to every cog.

No cog finds another by name: each gets what it needs from here, so any cog can be unloaded
without breaking another (the posting service keeps working for ``/topic post`` without the
scheduler cog, reports still flush the writer without the answers cog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.config.settings import Settings
from bot.posting.service import PostingService
from bot.posting.types import LibrarySource, Outcome, Publisher
from bot.store.batch import BatchWriter
from bot.store.db import Connection
from bot.store.participation import ParticipationStore
from bot.store.posts import PostStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    """One instance per running bot; the writer's life (start, last write) belongs to the bot,
    not to any cog."""

    posts: PostStore
    posting: PostingService
    participation: ParticipationStore
    writer: BatchWriter

    async def close(self) -> None:
        """Write what is still queued and stop the writer's timer."""
        await self.writer.close()


def build_services(
    settings: Settings,
    db: Connection,
    library: LibrarySource,
    publisher: Publisher,
    on_posted: Callable[[Outcome], None],
) -> Services:
    """Everything on one database connection: one participation store, so an opt-out is seen by
    the writer at once, and one post store."""
    posts = PostStore(db)
    participation = ParticipationStore(db)
    posting = PostingService(settings, posts, library, publisher, on_posted=on_posted)
    return Services(posts, posting, participation, BatchWriter(participation))
