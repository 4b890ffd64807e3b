"""Records participation from Discord events: answers, reactions, deletions, and a backfill of
answers posted while the bot was down. Metadata only: never the text of a message.

The cog is split by what it listens to: this module holds the index, the batch writer's life and
the answer path; ``prompt_tracking`` how new posts reach the index and how their threads are read
after a restart; ``answer_removals`` reactions and the events that take participation back.

Every message the bot sees goes through ``wants_message`` (called by ``DiscussionBot.dispatch``):
a message in an unrelated channel costs one dict lookup (plus one more if it is a reply) and
returns without touching the database; an answer is handed to ``take_message``, which queues its
row without starting a task.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.answers.removals import ReactionsAndDeletions
from bot.adapter.answers.tracking import BACKFILL_LIMIT, LATE_ANNOUNCE, PromptTracking
from bot.participation.rules import ParticipationRow, classify_message
from bot.participation.thread_index import PromptIndex, PromptPost

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.adapter.services import Services

log = logging.getLogger(__name__)

OPEN_DAYS = 30  # a prompt post collects answers for this many days after it was posted
# Answers in a thread the bot opened a moment ago whose post is not recorded yet (its follow-ups
# are still being sent, or the record is a moment away) wait in memory, within these bounds; a
# post recorded later than LATE_ANNOUNCE has its thread's history read instead.
EARLY_PER_THREAD, EARLY_THREADS = 200, 20
__all__ = ["BACKFILL_LIMIT", "COGS", "LATE_ANNOUNCE", "OPEN_DAYS", "AnswersCog"]


class AnswersCog(PromptTracking, ReactionsAndDeletions, commands.Cog, name="Answers"):
    """Owns the prompt index; records through the shared participation store and batch writer
    (deletions and ``forget`` go through the writer too)."""

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.store = services.participation
        self.writer = services.writer
        self.index = PromptIndex()
        self.channels: set[int] = set()  # channels of indexed posts (deleted replies live here)
        self.backfill_task: asyncio.Task | None = None
        self._adding: set[asyncio.Task] = set()  # answers waiting for a server's opt-outs
        # Read cursors as they were at start, before any live answer: backfill reads after them.
        self.backfill_from: dict[int, int] = {}
        # Posts whose thread history has not been read since start: a live answer there must not
        # move the stored cursor, or a crash before the backfill would skip the missed answers.
        self.awaiting_backfill: set[int] = set()
        self.late_backfills: set[asyncio.Task] = set()  # history reads of late-announced posts
        # Members' messages in the bot's own threads not tracked yet, by thread id: recorded
        # when the post is announced (an answer can come before the post is recorded).
        self.early: dict[int, list[discord.Message]] = {}

    async def cog_load(self) -> None:
        self.backfill_from = await self.store.cursors()
        for post in await self.store.open_posts(self._open_since()):
            self._add(post)
        self.awaiting_backfill = {p.post_id for p in self.index}
        guilds = {p.guild_id for p in self.index} | {g.guild_id for g in self.bot.settings.guilds}
        for guild_id in guilds:  # opt-outs read now: answers are then queued without waiting
            await self.store.opted_out_members(guild_id)
        log.info("watching %d open prompt posts", len(self.index))

    async def cog_unload(self) -> None:
        """Stop the backfills (waiting until they have stopped), let answers still waiting for
        opt-outs be queued, then write everything queued (the bot stops the writer itself)."""
        tasks = [self.backfill_task, *self.late_backfills]
        await _stop([t for t in tasks if t is not None])
        if self._adding:
            await asyncio.gather(*self._adding, return_exceptions=True)
        await self.writer.flush()

    def _open_since(self) -> int:
        return self.bot.now_seconds() - OPEN_DAYS * 86400

    def _add(self, post: PromptPost) -> None:
        self.index.add(post)
        self.channels.add(post.channel_id)

    def track(self, post: PromptPost) -> None:
        """Start recording answers to a newly posted prompt (and forget expired ones); answers
        that came in its thread before it was recorded are taken now."""
        self._add(post)
        self.index.expire(self._open_since())
        for message in self.early.pop(post.thread_id, []) if post.thread_id else []:
            self.take_message(message)

    # --- answers ---------------------------------------------------------------------------

    def wants_message(self, message: discord.Message) -> bool:
        """In a watched thread or a reply to a prompt message: checked before the message is
        dispatched at all (``DiscussionBot.dispatch``), so an unrelated one starts no task."""
        if self.index.lookup_thread(message.channel.id) is not None:
            return True
        if self._in_untracked_thread(message):
            return True
        ref = message.reference
        return ref is not None and self.index.lookup_message(ref.message_id) is not None

    def _in_untracked_thread(self, message: discord.Message) -> bool:
        """A member's message in a thread the bot has just opened that no tracked post owns
        yet."""
        channel = message.channel
        me = self.bot.user
        return (
            isinstance(channel, discord.Thread)
            and me is not None
            and channel.owner_id == me.id
            and not message.author.bot
            and self.index.lookup_thread(channel.id) is None
            and self.bot.clock() - discord.utils.snowflake_time(channel.id) <= LATE_ANNOUNCE
        )

    def _keep_early(self, message: discord.Message) -> None:
        waiting = self.early.setdefault(message.channel.id, [])
        if len(waiting) < EARLY_PER_THREAD:
            waiting.append(message)
        while len(self.early) > EARLY_THREADS:  # threads of posts never recorded
            del self.early[next(iter(self.early))]

    def take_message(self, message: discord.Message) -> None:
        """A message ``wants_message`` accepted, handed over by ``DiscussionBot.dispatch``
        without a listener task: queued at once (a server whose opt-outs are not read yet
        goes through ``record`` in a task)."""
        if self._in_untracked_thread(message):
            self._keep_early(message)
            return
        row = self._answer_row(message)
        if row is not None and self.writer.add_nowait(row) is None:
            task = asyncio.create_task(self.writer.add(row), name="answer-record")
            self._adding.add(task)
            task.add_done_callback(self._adding.discard)

    async def record(self, message: discord.Message) -> bool:
        """Queue the message as an answer if it is one; True if queued."""
        row = self._answer_row(message)
        return row is not None and await self.writer.add(row)

    def _answer_row(self, message: discord.Message) -> ParticipationRow | None:
        """The row for an answer (its thread's read cursor moves up to it), else None."""
        ref = message.reference
        answer = classify_message(
            message.author.bot,
            message.channel.id,
            getattr(message.channel, "parent_id", None),
            ref.message_id if ref is not None else None,
            self.index,
            is_system=message.is_system(),
        )
        if answer is None:
            return None
        if answer.post.post_id not in self.awaiting_backfill:
            self.writer.saw(answer.post.post_id, message.id)
        content = message.content
        return answer.row(
            message.author.id,
            message.id,
            int(message.created_at.timestamp()),
            len(content) if content else None,
        )


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
