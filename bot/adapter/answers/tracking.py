"""How new prompt posts reach the recorder's index (both ways are safe to combine):

- the posting code calls ``bot.dispatch("prompt_posted", post_id)`` once
  ``PostStore.mark_posted`` has run (a ``PromptPost`` is accepted too, and
  ``AnswerRecorder.track(post)`` may be called directly);
- as a fallback, a thread the bot opens on one of its own messages (THREAD_CREATE) is looked up
  in the posts table and tracked if it belongs to a posted prompt.

For a post announced late (a claim completed after a crash), the thread's history and the prompt
message's reactions are read for what was missed meanwhile. A late post is in
``awaiting_backfill`` from before it is tracked until its history has been read, so a live answer
meanwhile cannot move its stored cursor past answers not read yet. Late reads run as tasks kept
here (``late_backfills``) and stopped by the cog on unload before the last write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import discord

from bot.adapter.answers.backfill import ThreadBackfill
from bot.adapter.answers.reactions import ReactionRecovery
from bot.adapter.answers.recorder import AnswerRecorder
from bot.adapter.context import own_id
from bot.participation.ports import ParticipationRecords
from bot.participation.types import PromptPost

log = logging.getLogger(__name__)

# A post announced this long after its message was sent (a claim completed after a crash) may
# already have answers in its thread: its history is read once.
LATE_ANNOUNCE = timedelta(minutes=1)


class PromptTracking:
    """Starts (and stops) watching prompt posts; reads a late post's thread and reactions."""

    def __init__(
        self,
        client: discord.Client,
        clock: Callable[[], datetime],
        store: ParticipationRecords,
        recorder: AnswerRecorder,
        backfill: ThreadBackfill,
        reactions: ReactionRecovery,
    ) -> None:
        self.client = client
        self.clock = clock
        self.store = store
        self.recorder = recorder
        self.backfill = backfill
        self.reactions = reactions
        self.late_backfills: set[asyncio.Task] = set()  # reads of late-announced posts

    async def posted(self, post: PromptPost | int) -> None:
        """A prompt was posted: a ``PromptPost``, or the post id once ``PostStore.mark_posted``
        has run (the post is then read from the database)."""
        if isinstance(post, int):
            found = await self.store.posted_prompt(post_id=post)
            if found is None:
                log.warning("prompt_posted for post %s, which is not posted", post)
                return
            post = found
        sent = discord.utils.snowflake_time(post.message_id)
        late = post.thread_id is not None and self.clock() - sent > LATE_ANNOUNCE
        if late:  # before tracking: no live answer may move the cursor until history is read
            self.recorder.awaiting_backfill.add(post.post_id)
        self.recorder.track(post)
        if late:
            task = asyncio.create_task(self._read_late(post), name="answers-late-backfill")
            self.late_backfills.add(task)
            task.add_done_callback(self.late_backfills.discard)

    async def _read_late(self, post: PromptPost) -> None:
        """Read a late-announced post's thread after its stored cursor (never before it, so
        nothing ``forget`` erased comes back), then its prompt message's reactions."""
        cursor = (await self.store.cursors()).get(post.post_id)
        if cursor is not None:
            self.recorder.backfill_from[post.post_id] = cursor
        await self.backfill.read_with_retry([post])
        await self.reactions.recover([post])

    async def thread_created(self, thread: discord.Thread) -> None:
        """A thread the bot opened on a prompt message it does not watch yet is tracked."""
        index = self.recorder.index
        if thread.owner_id != own_id(self.client) or index.lookup_thread(thread.id):
            return
        known = index.lookup_message(thread.id)  # a thread on a message shares its id
        if known is None:
            known = await self.store.posted_prompt(message_id=thread.id)
        if known is not None:
            self.recorder.track(with_thread(known, thread.id))


def with_thread(post: PromptPost, thread_id: int) -> PromptPost:
    """The same post with its thread."""
    return PromptPost(
        post.post_id, post.guild_id, post.channel_id, post.prompt_id, post.theme_id,
        post.message_id, thread_id, post.posted_at,
    )  # fmt: skip
