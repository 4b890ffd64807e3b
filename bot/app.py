"""The composition root: ``open_app(settings)`` opens the store for ``settings.database`` and
builds every service once, into one ``Services``. The running bot (``setup_hook``), every
command, the demo and the benchmarks start here; nothing else opens the database.

No cog finds another by name: each gets what it needs from ``Services``, so any cog can be
unloaded without breaking another (the posting service keeps working for ``/topic post``
without the scheduler cog, reports still flush the writer without the answers cog).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.charts.worker import ChartRenderer
from bot.config.settings import ChannelConfig, GuildConfig, Settings, load_config
from bot.errors import InputError
from bot.facilitation.service import FacilitationService
from bot.facilitation.types import StepSender, StepUnavailable
from bot.participation.writer import BatchWriter
from bot.posting.controls import ModeratorControls
from bot.posting.service import PostingService
from bot.posting.types import LibrarySource, Outcome, PostUnavailable, Published, Publisher
from bot.prompts.loader import LibraryHolder
from bot.prompts.model import Prompt
from bot.starters.service import StarterService
from bot.store import Stores, open_stores
from bot.suggestions.service import SuggestionService


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """One instance per running bot (or command); the writer's life (start, last write)
    belongs to the app, not to any cog."""

    settings: Settings
    clock: Callable[[], datetime]  # aware UTC datetimes; tests inject their own
    library: LibrarySource  # the current prompt library (swapped on a good reload)
    stores: Stores
    posting: PostingService
    controls: ModeratorControls  # the /topic requests of moderators
    writer: BatchWriter  # participation rows, written in batches
    suggestions: SuggestionService
    facilitation: FacilitationService  # paced follow-ups, nudges, welcomes
    chart_renderer: ChartRenderer  # draws charts in a worker process, started on first use
    starters: StarterService  # /starter: conversation starters on demand

    def now_seconds(self) -> int:
        """The clock as Unix seconds, the unit the store keeps times in."""
        return int(self.clock().timestamp())

    async def stop(self) -> None:
        """Write what is still queued and stop the writer's timer, then stop what the last
        answers started in their threads, and the chart worker. The database stays open."""
        try:
            await self.writer.close()
            await self.facilitation.close()
        finally:
            await self.chart_renderer.close()

    async def close(self) -> None:
        """``stop``, then close the database."""
        try:
            await self.stop()
        finally:
            await self.stores.close()


class Offline:
    """Publisher and step sender of a process that is not connected to Discord (the
    commands): nothing is ever sent."""

    async def publish(
        self, guild: GuildConfig, channel: ChannelConfig, prompt: Prompt, post_id: int
    ) -> Published:
        raise PostUnavailable("not connected to Discord")

    async def find_published(
        self, channel: ChannelConfig, prompt: Prompt, since: int, post_id: int
    ) -> Published | None:
        return None

    async def notify_mods(self, guild: GuildConfig, text: str) -> None:
        return None

    async def thread_open(self, thread_id: int) -> bool:
        return False

    async def send_step(self, thread_id: int, text: str, nonce: str) -> int:
        raise StepUnavailable("not connected to Discord")

    async def find_step(self, thread_id: int, text: str, since: int) -> int | None:
        return None

    async def welcome(self, channel_id: int, message_id: int, emoji: str) -> None:
        return None


async def open_app(
    settings: Settings,
    library: LibrarySource | None = None,
    *,
    publisher: Publisher | None = None,
    sender: StepSender | None = None,
    on_posted: Callable[[Outcome], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Services:
    """Open the database ``settings.database`` names (creating and migrating it if needed)
    and build every service over it. Without a library, the prompt folder's is used as last
    loaded (empty until reloaded); without a publisher or sender nothing reaches Discord.
    Raises InputError (one line) for a database that cannot be opened."""
    stores = await open_stores(settings.database)
    return build_services(
        settings,
        stores,
        library or LibraryHolder(settings.prompts_dir),
        publisher=publisher or Offline(),
        sender=sender or Offline(),
        on_posted=on_posted,
        clock=clock,
    )


@asynccontextmanager
async def app_for(
    settings: Settings, library: LibrarySource | None = None
) -> AsyncIterator[Services]:
    """``open_app`` for a command: everything is closed again when the block ends."""
    services = await open_app(settings, library)
    try:
        yield services
    finally:
        await services.close()


def build_services(
    settings: Settings,
    stores: Stores,
    library: LibrarySource,
    *,
    publisher: Publisher,
    sender: StepSender,
    on_posted: Callable[[Outcome], None] | None,
    clock: Callable[[], datetime],
) -> Services:
    posting = PostingService(settings, stores.posting, library, publisher, on_posted=on_posted)
    suggestions = SuggestionService(
        stores.suggestions, settings.prompts_dir, library, posting.library.reload
    )
    writer = BatchWriter(stores.participation)
    facilitation = FacilitationService(settings, stores.facilitation, library, sender, clock)
    writer.on_written = facilitation.answers_written
    return Services(
        settings=settings,
        clock=clock,
        library=library,
        stores=stores,
        posting=posting,
        controls=posting.controls,
        writer=writer,
        suggestions=suggestions,
        facilitation=facilitation,
        chart_renderer=ChartRenderer(),
        starters=StarterService(settings, stores.starters, lambda: library.library),
    )


def load_settings_and_library(config_path: Path) -> tuple[Settings, LibraryHolder]:
    """Config first (it names the prompt folder), then prompts, then the config again checked
    against the theme and prompt ids that exist. Raises InputError with every problem."""
    settings = load_config(config_path)
    holder = LibraryHolder(settings.prompts_dir)
    problems = holder.reload()
    if problems:
        raise InputError(problems)
    library = holder.library
    themes = {t.id for t in library.themes}
    prompts = {p.id for t in library.themes for p in t.prompts}
    return load_config(config_path, themes, prompts), holder
