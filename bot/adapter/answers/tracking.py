"""How new prompt posts reach the answers cog's in-memory index (both ways are safe to combine):

- the posting code calls ``bot.dispatch("prompt_posted", post_id)`` once
  ``PostStore.mark_posted`` has run (a ``PromptPost`` is accepted too, and
  ``AnswersCog.track(post)`` may be called directly);
- as a fallback, a thread the bot opens on one of its own messages (THREAD_CREATE) is looked up
  in the posts table and tracked if it belongs to a posted prompt.

After a restart (``on_ready``), and for a post announced late (a claim completed after a crash),
the threads' history is read for the answers missed meanwhile. A late post is in
``awaiting_backfill`` from before it is tracked until its history has been read, so a live answer
meanwhile cannot move its stored cursor past answers not read yet. Late reads run as tasks the
cog keeps (``late_backfills``) and stops on unload before the last write.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.answers.backfill import RETRY_DELAY, backfill_with_retry
from bot.participation.thread_index import PromptPost
from bot.posting.types import PostRecord

if TYPE_CHECKING:
    from bot.adapter.answers.cog import AnswersCog

log = logging.getLogger(__name__)

BACKFILL_LIMIT = 1000  # messages read per thread after a restart
# A post announced this long after its message was sent (a claim completed after a crash) may
# already have answers in its thread: its history is read once.
LATE_ANNOUNCE = timedelta(minutes=1)


class PromptTracking:
    """Listeners of ``AnswersCog`` that start (and stop) watching prompt posts and read their
    threads' history."""

    retry_delay: float = RETRY_DELAY  # seconds before unreadable threads are read again

    @commands.Cog.listener()
    async def on_prompt_posted(self: AnswersCog, post: PromptPost | int) -> None:
        """``bot.dispatch("prompt_posted", post)`` with a PromptPost, or with the post id once
        ``PostStore.mark_posted`` has run (the post is then read from the database)."""
        if isinstance(post, int):
            record = await self.services.posts.post(post)
            if record is None or record.status != "posted" or not record.prompt_id:
                log.warning("prompt_posted for post %s, which is not posted", post)
                return
            post = tracked_post(record, record.thread_id)
        sent = discord.utils.snowflake_time(post.message_id)
        late = post.thread_id is not None and self.bot.clock() - sent > LATE_ANNOUNCE
        if late:  # before tracking: no live answer may move the cursor until history is read
            self.awaiting_backfill.add(post.post_id)
        self.track(post)
        if late:
            task = asyncio.create_task(self._backfill_late(post), name="answers-late-backfill")
            self.late_backfills.add(task)
            task.add_done_callback(self.late_backfills.discard)

    async def _backfill_late(self: AnswersCog, post: PromptPost) -> None:
        """Read a late-announced post's thread after its stored cursor (never before it, so
        nothing ``forget`` erased comes back)."""
        cursor = (await self.store.cursors()).get(post.post_id)
        if cursor is not None:
            self.backfill_from[post.post_id] = cursor
        await backfill_with_retry(self, BACKFILL_LIMIT, [post], self.retry_delay)

    @commands.Cog.listener()
    async def on_thread_create(self: AnswersCog, thread: discord.Thread) -> None:
        if thread.owner_id != self.bot.user.id or self.index.lookup_thread(thread.id):
            return
        known = self.index.lookup_message(thread.id)  # a thread on a message shares its id
        if known is not None:
            self.track(with_thread(known, thread.id))
            return
        record = await self.services.posts.post_by_message(thread.id)
        if record is not None and record.status == "posted" and record.prompt_id:
            self.track(tracked_post(record, thread.id))

    @commands.Cog.listener()
    async def on_raw_thread_delete(self: AnswersCog, payload: discord.RawThreadDeleteEvent) -> None:
        self.index.remove_thread(payload.thread_id)

    # --- backfill after a restart ----------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self: AnswersCog) -> None:
        if self.backfill_task is None:
            self.backfill_task = asyncio.create_task(self.backfill(), name="answers-backfill")

    async def backfill(self: AnswersCog) -> int:
        """Record answers posted in open prompt threads since the last one seen."""
        return await backfill_with_retry(self, BACKFILL_LIMIT, delay=self.retry_delay)


def with_thread(post: PromptPost, thread_id: int) -> PromptPost:
    """The same post with its thread."""
    return PromptPost(
        post.post_id, post.guild_id, post.channel_id, post.prompt_id, post.theme_id,
        post.message_id, thread_id, post.posted_at,
    )  # fmt: skip


def tracked_post(record: PostRecord, thread_id: int | None) -> PromptPost:
    """A posted prompt's record as a tracked post."""
    return PromptPost(
        record.id, record.guild_id, record.channel_id, record.prompt_id or "",
        record.theme_id or "", record.message_id, thread_id, record.posted_at,
    )  # fmt: skip
