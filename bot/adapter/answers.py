"""Records participation from Discord events: answers, reactions, deletions, and a backfill of
answers posted while the bot was down. Metadata only: never the text of a message.

New prompt posts reach the in-memory index in either of two ways (both are safe to combine):

- the posting code calls ``bot.dispatch("prompt_posted", post_id)`` once
  ``PostStore.mark_posted`` has run (a ``bot.thread_index.PromptPost`` is accepted too, and
  ``AnswersCog.track(post)`` may be called directly);
- as a fallback, a thread the bot opens on one of its own messages (THREAD_CREATE) is looked up
  in the posts table and tracked if it belongs to a posted prompt.

Every message the bot sees goes through ``wants_message`` (called by ``DiscussionBot.dispatch``):
a message in an unrelated channel costs one dict lookup (plus one more if it is a reply) and
returns without touching the database; an answer is handed to ``take_message``, which queues its
row without starting a task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.backfill import backfill_threads
from bot.participation import ParticipationRow, classify_message, classify_reaction, reaction_row
from bot.store.batch import BatchWriter
from bot.store.participation import ParticipationStore
from bot.store.posts import PostStore
from bot.thread_index import PromptIndex, PromptPost

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot

log = logging.getLogger(__name__)

OPEN_DAYS = 30  # a prompt post collects answers for this many days after it was posted
BACKFILL_LIMIT = 1000  # messages read per thread after a restart
# A post announced this long after its message was sent (a claim completed after a crash) may
# already have answers in its thread: its history is read once.
LATE_ANNOUNCE = timedelta(minutes=1)


class AnswersCog(commands.Cog, name="Answers"):
    """Owns the prompt index, the participation store and its batch writer.

    Other cogs use ``store`` and ``writer`` from here (one store instance, so an opt-out is seen
    by the writer at once; deletions and ``forget`` go through the writer).
    """

    def __init__(self, bot: DiscussionBot) -> None:
        self.bot = bot
        self.index = PromptIndex()
        self.channels: set[int] = set()  # channels of indexed posts (deleted replies live here)
        self.store: ParticipationStore | None = None
        self.writer: BatchWriter | None = None
        self.backfill_task: asyncio.Task | None = None
        self.flush_task: asyncio.Task | None = None
        self._adding: set[asyncio.Task] = set()  # answers waiting for a server's opt-outs
        # Read cursors as they were at start, before any live answer: backfill reads after them.
        self.backfill_from: dict[int, int] = {}
        # Posts whose thread history has not been read since start: a live answer there must not
        # move the stored cursor, or a crash before the backfill would skip the missed answers.
        self.awaiting_backfill: set[int] = set()

    async def cog_load(self) -> None:
        self.store = ParticipationStore(self.bot.db)
        self.writer = BatchWriter(self.store)
        self.backfill_from = await self.store.cursors()
        for post in await self.store.open_posts(self._open_since()):
            self._add(post)
        self.awaiting_backfill = {p.post_id for p in self.index}
        guilds = {p.guild_id for p in self.index} | {g.guild_id for g in self.bot.settings.guilds}
        for guild_id in guilds:  # opt-outs read now: answers are then queued without waiting
            await self.store.opted_out_members(guild_id)
        self.flush_task = asyncio.create_task(self._flush_every(), name="answers-flush")
        log.info("watching %d open prompt posts", len(self.index))

    async def cog_unload(self) -> None:
        """Stop the backfill and the flush timer (waiting until they have stopped), let answers
        still waiting for opt-outs be queued, then write everything queued."""
        for task in (self.backfill_task, self.flush_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._adding:
            await asyncio.gather(*self._adding, return_exceptions=True)
        if self.writer is not None:
            await self.writer.close()

    async def _flush_every(self) -> None:
        """Write queued rows every ``max_delay`` seconds (full batches are written at once by
        ``BatchWriter.add``). A timer rather than the writer's event wait: an idle bot then only
        waits on a timer, which the offline test harness treats as idle."""
        while True:
            await asyncio.sleep(self.writer.max_delay)
            if self.writer.dirty:
                try:
                    await self.writer.flush()
                except Exception:
                    log.exception("participation batch not written; kept for the next try")

    def _open_since(self) -> int:
        return int(self.bot.clock().timestamp()) - OPEN_DAYS * 86400

    def _add(self, post: PromptPost) -> None:
        self.index.add(post)
        self.channels.add(post.channel_id)

    def track(self, post: PromptPost) -> None:
        """Start recording answers to a newly posted prompt (and forget expired ones)."""
        self._add(post)
        self.index.expire(self._open_since())

    # --- new posts -------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_prompt_posted(self, post: PromptPost | int) -> None:
        """``bot.dispatch("prompt_posted", post)`` with a PromptPost, or with the post id once
        ``PostStore.mark_posted`` has run (the post is then read from the database)."""
        if isinstance(post, int):
            row = await PostStore(self.bot.db).post(post)
            if row is None or row["status"] != "posted" or not row["prompt_id"]:
                log.warning("prompt_posted for post %s, which is not posted", post)
                return
            post = _post_from_row(row, row["thread_id"])
        self.track(post)
        sent = discord.utils.snowflake_time(post.message_id)
        if post.thread_id is not None and self.bot.clock() - sent > LATE_ANNOUNCE:
            await self._backfill_late(post)

    async def _backfill_late(self, post: PromptPost) -> None:
        """Read a late-announced post's thread after its stored cursor (never before it, so
        nothing ``forget`` erased comes back)."""
        cursor = (await self.store.cursors()).get(post.post_id)
        if cursor is not None:
            self.backfill_from[post.post_id] = cursor
        await backfill_threads(self, BACKFILL_LIMIT, [post])

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        if thread.owner_id != self.bot.user.id or self.index.lookup_thread(thread.id):
            return
        known = self.index.lookup_message(thread.id)  # a thread on a message shares its id
        if known is not None:
            self.track(_with_thread(known, thread.id))
            return
        row = await PostStore(self.bot.db).post_by_message(thread.id)
        if row is not None and row["status"] == "posted" and row["prompt_id"]:
            self.track(_post_from_row(row, thread.id))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.index.remove_thread(payload.thread_id)

    # --- answers ---------------------------------------------------------------------------

    def wants_message(self, message: discord.Message) -> bool:
        """In a watched thread or a reply to a prompt message: checked before the message is
        dispatched at all (``DiscussionBot.dispatch``), so an unrelated one starts no task."""
        if self.index.lookup_thread(message.channel.id) is not None:
            return True
        ref = message.reference
        return ref is not None and self.index.lookup_message(ref.message_id) is not None

    def take_message(self, message: discord.Message) -> None:
        """A message ``wants_message`` accepted, handed over by ``DiscussionBot.dispatch``
        without a listener task: queued at once (a server whose opt-outs are not read yet
        goes through ``record`` in a task)."""
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

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if self._may_hold_answers(payload.channel_id):
            await self.writer.delete_message(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if self._may_hold_answers(payload.channel_id):
            for message_id in payload.message_ids:
                await self.writer.delete_message(message_id)

    def _may_hold_answers(self, channel_id: int) -> bool:
        return channel_id in self.channels or self.index.lookup_thread(channel_id) is not None

    # --- reactions -------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        member = payload.member
        is_bot = payload.user_id == self.bot.user.id or bool(member and member.bot)
        post = classify_reaction(is_bot, payload.message_id, self.index)
        if post is not None:
            now = int(self.bot.clock().timestamp())
            await self.writer.add(reaction_row(post, payload.user_id, now))

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """Any reaction taken back removes the member's reaction record on that prompt: Discord
        does not say whether the member still has another emoji there."""
        if self.index.lookup_message(payload.message_id) is not None:
            await self.writer.delete_reaction(payload.message_id, payload.user_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        """A moderator removed every reaction on the message: its reaction records go too."""
        if self.index.lookup_message(payload.message_id) is not None:
            await self.writer.clear_reactions(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        """One emoji was cleared from the message. Discord does not say who had reacted with it,
        so, as when a member takes back any reaction, every reaction record there is removed."""
        if self.index.lookup_message(payload.message_id) is not None:
            await self.writer.clear_reactions(payload.message_id)

    # --- backfill after a restart ----------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self.backfill_task is None:
            self.backfill_task = asyncio.create_task(self.backfill(), name="answers-backfill")

    async def backfill(self) -> int:
        """Record answers posted in open prompt threads since the last one seen."""
        return await backfill_threads(self, BACKFILL_LIMIT)


def _with_thread(post: PromptPost, thread_id: int) -> PromptPost:
    return PromptPost(
        post.post_id, post.guild_id, post.channel_id, post.prompt_id, post.theme_id,
        post.message_id, thread_id, post.posted_at,
    )  # fmt: skip


def _post_from_row(row, thread_id: int) -> PromptPost:
    return PromptPost(
        row["id"], row["guild_id"], row["channel_id"], row["prompt_id"], row["theme_id"] or "",
        row["message_id"], thread_id, row["posted_at"],
    )  # fmt: skip


def recording(bot: commands.Bot) -> AnswersCog:
    """The loaded answers cog (its store and writer are shared by the other cogs)."""
    cog = bot.get_cog("Answers")
    if cog is None:
        raise RuntimeError("the answers cog is not loaded")
    return cog


COGS = [AnswersCog]
