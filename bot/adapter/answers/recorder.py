"""The open prompt posts and the answer path: which messages are answers, queued for the batch
writer. Metadata only: never the text of a message.

Every message the bot sees goes through ``wants`` (the answers cog's message gate, called by
``DiscussionBot.dispatch``): a message in an unrelated channel costs one dict lookup (plus one
more if it is a reply) and returns without touching the database; an answer is handed to
``take``, which queues its row without starting a task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import discord

from bot.participation.ports import ParticipationRecords
from bot.participation.rules import classify_message
from bot.participation.thread_index import PromptIndex
from bot.participation.types import ParticipationRow, PromptPost
from bot.participation.writer import BatchWriter

# Answers in a thread the bot opened a moment ago whose post is not recorded yet (its follow-ups
# are still being sent, or the record is a moment away) wait in memory, within these bounds; a
# post announced later than that has its thread's history read instead.
EARLY_PER_THREAD, EARLY_THREADS = 200, 20


class AnswerRecorder:
    """Owns the index of open prompt posts and what is known about reading their threads."""

    def __init__(
        self,
        store: ParticipationRecords,
        writer: BatchWriter,
        open_since: Callable[[], int],
        fresh_own_thread: Callable[[object], bool] = lambda channel: False,
        on_answer: Callable[[int, int, int], None] | None = None,
        serves: Callable[[int], bool] = lambda guild_id: True,
    ) -> None:
        self.store = store
        self.writer = writer
        self.open_since = open_since  # posts posted before this (Unix seconds) are closed
        self.index = PromptIndex()
        self.channels: set[int] = set()  # channels of indexed posts (deleted replies live here)
        # Read cursors as they were at start, before any live answer: backfill reads after them.
        self.backfill_from: dict[int, int] = {}
        # Posts whose thread history has not been read since start: a live answer there must not
        # move the stored cursor, or a crash before the backfill would skip the missed answers.
        self.awaiting_backfill: set[int] = set()
        self._adding: set[asyncio.Task] = set()  # answers waiting for a server's opt-outs
        # A thread the bot opened a moment ago (``fresh_own_thread(channel)``) whose post is not
        # tracked yet: members' messages there wait by thread id until it is (``track``).
        self.fresh_own_thread = fresh_own_thread
        self.early: dict[int, list[discord.Message]] = {}
        # Told (guild, message, channel) of each live answer queued (the welcome reaction).
        self.on_answer = on_answer
        # Whether a guild is on this process's shards: only their posts are watched and read.
        self.serves = serves

    async def load(self) -> None:
        """The open posts and the read cursors as stored; every thread still to be read."""
        self.backfill_from = await self.store.cursors()
        for post in await self.store.open_posts(self.open_since()):
            if self.serves(post.guild_id):
                self._add(post)
        self.awaiting_backfill = {p.post_id for p in self.index}

    def _add(self, post: PromptPost) -> None:
        self.index.add(post)
        self.channels.add(post.channel_id)

    def track(self, post: PromptPost) -> None:
        """Start recording answers to a newly posted prompt (and forget expired ones); answers
        that came in its thread before it was recorded are taken now."""
        self._add(post)
        self.index.expire(self.open_since())
        for message in self.early.pop(post.thread_id, []) if post.thread_id else []:
            self.take(message)

    def may_hold_answers(self, channel_id: int) -> bool:
        """A message deleted in this channel may be a recorded answer."""
        return channel_id in self.channels or self.index.lookup_thread(channel_id) is not None

    def wants(self, message: discord.Message) -> bool:
        """In a watched thread or a reply to a prompt message."""
        if self.index.lookup_thread(message.channel.id) is not None:
            return True
        if self._early(message):
            return True
        ref = message.reference
        if ref is None or ref.message_id is None:
            return False
        return self.index.lookup_message(ref.message_id) is not None

    def take(self, message: discord.Message) -> None:
        """Queue a message ``wants`` accepted, at once (a server whose opt-outs are not read yet
        goes through ``record`` in a task)."""
        if self._early(message):
            waiting = self.early.setdefault(message.channel.id, [])
            if len(waiting) < EARLY_PER_THREAD:
                waiting.append(message)
            while len(self.early) > EARLY_THREADS:  # threads of posts never recorded
                del self.early[next(iter(self.early))]
            return
        row = self._answer_row(message)
        if row is None:
            return
        if self.on_answer is not None:
            self.on_answer(row.guild_id, message.id, message.channel.id)
        if self.writer.add_nowait(row) is None:
            task = asyncio.create_task(self.writer.add(row), name="answer-record")
            self._adding.add(task)
            task.add_done_callback(self._adding.discard)

    def _early(self, message: discord.Message) -> bool:
        """A member's message in a thread the bot has just opened that no tracked post owns
        yet."""
        return (
            not message.author.bot
            and self.index.lookup_thread(message.channel.id) is None
            and self.fresh_own_thread(message.channel)
        )

    async def record(self, message: discord.Message) -> bool:
        """Queue the message as an answer if it is one; True if queued."""
        row = self._answer_row(message)
        return row is not None and await self.writer.add(row)

    async def drain(self) -> None:
        """Let answers still waiting for their server's opt-outs be queued."""
        if self._adding:
            await asyncio.gather(*self._adding, return_exceptions=True)

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
