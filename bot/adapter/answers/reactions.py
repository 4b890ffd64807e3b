"""After a restart: record the reactions on open prompt messages that were lost (queued in
memory when the process died, or added while it was down).

Discord keeps a message's reactions: the message lists each emoji with its counts, and the users
of each emoji are listed in pages of 100 (sorted by user id). Every member found there who has
no reaction record on that prompt gets one, timed at the recovery (Discord does not say when a
reaction was added). Reading again is harmless: a member's reaction on a prompt is stored once.

What must not come back:
- an opted-out member's reaction: the writer drops it like any other of their rows;
- records ``forget`` erased: a post where a member erased a reaction record is not read back
  at all (``reactions_not_recovered``; their reaction cannot be told from a missed one, and
  nothing says who they were), and during the run the writer also remembers in memory who was
  forgotten, and which reactions were taken back or cleared while the recovery runs;
- records retention purged: only prompts posted inside the retention window are read, so every
  reaction on them is younger than any purged record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import discord

from bot.adapter.context import message_channel
from bot.participation.rules import reaction_row

if TYPE_CHECKING:
    from bot.participation.ports import ParticipationRecords
    from bot.participation.types import PromptPost
    from bot.participation.writer import BatchWriter

log = logging.getLogger(__name__)

DAY = 86_400


class ReactionRecovery:
    """Reads the reactions of open prompt messages from Discord and queues the missing ones."""

    def __init__(
        self,
        client: discord.Client,
        store: ParticipationRecords,
        writer: BatchWriter,
        now_seconds: Callable[[], int],
        retention_days: int | None,
    ) -> None:
        self.client = client
        self.store = store
        self.writer = writer
        self.now_seconds = now_seconds
        self.retention_days = retention_days
        self._running = 0  # passes under way; the writer's erasures are kept while any runs
        writer.remember_erasures()  # from before the first pass, which comes at start

    async def recover(self, posts: Iterable[PromptPost]) -> int:
        """Queue a reaction record for every member reacting on the posts' prompt messages;
        returns how many were queued (some may already be stored). A message Discord does not
        give is logged and skipped; the others are still read."""
        self._running += 1
        self.writer.remember_erasures()
        try:
            return await self._recover(posts)
        finally:
            self._running -= 1
            if not self._running:
                self.writer.drop_erasures()

    async def _recover(self, posts: Iterable[PromptPost]) -> int:
        skipped = await self.store.reactions_not_recovered()
        posts = [p for p in posts if self._inside_retention(p) and p.post_id not in skipped]
        total = 0
        for post in posts:
            try:
                total += await self._recover_one(post)
            except discord.HTTPException as exc:
                log.warning("reactions of prompt message %s not readable: %s", post.message_id, exc)
            except Exception as exc:
                log.warning("reactions of prompt message %s not read: %r", post.message_id, exc)
        await self.writer.flush()
        log.info("reactions read on %d prompt messages: %d recorded", len(posts), total)
        return total

    def _inside_retention(self, post: PromptPost) -> bool:
        if not self.retention_days:
            return True
        return post.posted_at >= self.now_seconds() - self.retention_days * DAY

    async def _recover_one(self, post: PromptPost) -> int:
        where = post.channel_id
        if isinstance(self.client.get_channel(where), discord.ForumChannel):
            where = post.thread_id or where  # a forum post's first message is inside it
        channel = message_channel(self.client, where, post.guild_id)
        message = await channel.fetch_message(post.message_id)
        members: set[int] = set()
        for reaction in message.reactions:
            kinds = [discord.ReactionType.normal] if reaction.normal_count else []
            kinds += [discord.ReactionType.burst] if reaction.burst_count else []
            for kind in kinds:
                async for user in reaction.users(limit=None, type=kind):
                    if not user.bot:
                        members.add(user.id)
        for answer in message.poll.answers if message.poll is not None else ():
            if answer.vote_count:  # a vote is the member's reaction record, like an emoji
                async for user in answer.voters():
                    if not user.bot:
                        members.add(user.id)
        now = self.now_seconds()
        queued = 0
        for member_id in sorted(members):
            if not self.writer.erased_this_run(post, member_id):
                queued += await self.writer.add(reaction_row(post, member_id, now))
        return queued
