"""Records participation from Discord events: answers, reactions, deletions, and after a
restart what was missed while the bot was down. Metadata only: never the text of a message.

The cog is the thin Discord side: its listeners hand each event to one of the parts it is
composed of, each handed what it needs:
- ``AnswerRecorder`` (``recorder``): the index of open prompt posts and the answer path;
- ``PromptTracking`` (``tracking``): how new posts reach the index, late posts read back;
- ``ReactionsAndDeletions`` (``removals``): reactions, and events that take participation back;
- ``ThreadBackfill`` (``backfill``) and ``ReactionRecovery`` (``reactions``): after a restart,
  the answers posted in open threads and the reactions on open prompt messages.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.answers.backfill import BACKFILL_LIMIT, RETRY_DELAY, ThreadBackfill
from bot.adapter.answers.reactions import ReactionRecovery
from bot.adapter.answers.recorder import AnswerRecorder
from bot.adapter.answers.removals import ReactionsAndDeletions
from bot.adapter.answers.tracking import LATE_ANNOUNCE, PromptTracking

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services
    from bot.participation.thread_index import PromptIndex
    from bot.participation.types import PromptPost

log = logging.getLogger(__name__)

OPEN_DAYS = 30  # a prompt post collects answers for this many days after it was posted
__all__ = ["BACKFILL_LIMIT", "COGS", "LATE_ANNOUNCE", "OPEN_DAYS", "RETRY_DELAY", "AnswersCog"]


class AnswersCog(commands.Cog, name="Answers"):
    """Records through the shared participation store and batch writer (deletions and
    ``forget`` go through the writer too)."""

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.store = services.stores.participation
        self.writer = services.writer
        self.recorder = AnswerRecorder(
            self.store,
            self.writer,
            self._open_since,
            self._fresh_own_thread,
            services.facilitation.answer_seen,
            services.settings.serves,
        )
        self.backfill_runner = ThreadBackfill(bot, self.recorder, self.writer)
        self.reactions = ReactionRecovery(
            bot, self.store, self.writer, services.now_seconds, services.settings.retention_days
        )
        self.tracking = PromptTracking(
            bot, services.clock, self.store, self.recorder, self.backfill_runner, self.reactions
        )
        self.removals = ReactionsAndDeletions(bot, self.recorder, self.writer, services.now_seconds)
        self.backfill_task: asyncio.Task | None = None

    @property
    def index(self) -> PromptIndex:
        """The open prompt posts."""
        return self.recorder.index

    @property
    def late_backfills(self) -> set[asyncio.Task]:
        return self.tracking.late_backfills

    @property
    def retry_delay(self) -> float:
        """Seconds before threads that could not be read are read again."""
        return self.backfill_runner.retry_delay

    @retry_delay.setter
    def retry_delay(self, seconds: float) -> None:
        self.backfill_runner.retry_delay = seconds

    async def cog_load(self) -> None:
        await self.recorder.load()
        guilds = {p.guild_id for p in self.index} | {
            g.guild_id for g in self.services.settings.guilds
        }
        for guild_id in guilds:  # opt-outs read now: answers are then queued without waiting
            await self.store.opted_out_members(guild_id)
        log.info("watching %d open prompt posts", len(self.index))

    async def cog_unload(self) -> None:
        """Stop the backfills (waiting until they have stopped), let answers still waiting for
        opt-outs be queued, then write everything queued (the bot stops the writer itself)."""
        tasks = [self.backfill_task, *self.late_backfills]
        await _stop([t for t in tasks if t is not None])
        await self.recorder.drain()
        await self.writer.flush()

    def _fresh_own_thread(self, channel: object) -> bool:
        """A thread the bot opened within the last LATE_ANNOUNCE (a post being made)."""
        me = self.bot.user
        return (
            isinstance(channel, discord.Thread)
            and me is not None
            and channel.owner_id == me.id
            and self.services.clock() - discord.utils.snowflake_time(channel.id) <= LATE_ANNOUNCE
        )

    def _open_since(self) -> int:
        return self.services.now_seconds() - OPEN_DAYS * 86400

    # --- answers: the message gate ---------------------------------------------------------

    def wants_message(self, message: discord.Message) -> bool:
        """In a watched thread or a reply to a prompt message: checked before the message is
        dispatched at all (``DiscussionBot.dispatch``), so an unrelated one starts no task."""
        return self.recorder.wants(message)

    def take_message(self, message: discord.Message) -> None:
        """A message ``wants_message`` accepted, handed over by ``DiscussionBot.dispatch``
        without a listener task: queued at once."""
        self.recorder.take(message)

    # --- prompt posts ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_prompt_posted(self, post: PromptPost | int) -> None:
        """``bot.dispatch("prompt_posted", post)`` with a PromptPost, or with the post id once
        ``PostStore.mark_posted`` has run."""
        await self.tracking.posted(post)

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        await self.tracking.thread_created(thread)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.index.remove_thread(payload.thread_id)

    # --- after a restart -------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self.backfill_task is None:
            self.backfill_task = asyncio.create_task(self.backfill(), name="answers-backfill")

    async def backfill(self) -> int:
        """Record answers posted in open prompt threads since the last one seen, then the
        reactions on open prompt messages that are not recorded; returns answers queued."""
        answers = await self.backfill_runner.read_with_retry()
        await self.reactions.recover(list(self.index))
        return answers

    # --- reactions and deletions -----------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.removals.messages_deleted(payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.removals.messages_deleted(payload.channel_id, payload.message_ids)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.removals.reaction_added(payload)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.removals.reaction_removed(payload.message_id, payload.user_id)

    # A vote in a prompt's poll is light participation, like a reaction: it is the member's
    # reaction record on that prompt, and taking a vote back removes it.

    @commands.Cog.listener()
    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.removals.vote_added(payload.message_id, payload.user_id)

    @commands.Cog.listener()
    async def on_raw_poll_vote_remove(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.removals.reaction_removed(payload.message_id, payload.user_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        await self.removals.reactions_cleared(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        await self.removals.reactions_cleared(payload.message_id)


async def _stop(tasks: list[asyncio.Task]) -> None:
    """Cancel the tasks and wait until they have ended; how they ended is logged, never raised,
    so the caller always goes on to write what is queued."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            log.warning("%s ended with %r", task.get_name(), task.exception())


COGS = [AnswersCog]
