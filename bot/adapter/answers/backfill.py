"""After a restart: read each open prompt thread's history after the last answer seen there and
record what was posted while the bot was down (once: rows are idempotent).

Each thread is read after its read cursor (``post_cursor``): the newest answer message seen there,
never derived from the stored rows, so a restart does not bring back what ``forget`` or
retention erased.

A thread whose history cannot be read (Discord refuses, the connection drops, a database error)
is logged and skipped; the other threads are still read. It stays in ``awaiting_backfill``, so
live answers there are recorded but do not move its stored cursor, and it is read once more after
``retry_delay``. If that fails too, the cursor stays where it was for the rest of the run: the
next start reads the thread again from there. Reading twice is harmless; moving the cursor past
answers nobody has read would lose them for good."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import discord

from bot.adapter.answers.recorder import AnswerRecorder
from bot.adapter.context import message_channel
from bot.participation.types import PromptPost
from bot.participation.writer import BatchWriter

log = logging.getLogger(__name__)

BACKFILL_LIMIT = 1000  # messages read per thread after a restart
RETRY_DELAY = 60.0  # seconds before threads that could not be read are tried once more


class ThreadBackfill:
    """Reads open prompt threads' history for the answers the recorder missed."""

    def __init__(
        self,
        client: discord.Client,
        recorder: AnswerRecorder,
        writer: BatchWriter,
        limit: int = BACKFILL_LIMIT,
        retry_delay: float = RETRY_DELAY,
    ) -> None:
        self.client = client
        self.recorder = recorder
        self.writer = writer
        self.limit = limit
        self.retry_delay = retry_delay

    async def read_with_retry(self, posts: Iterable[PromptPost] | None = None) -> int:
        """``read``, then once more after ``retry_delay`` seconds for the threads that could
        not be read; returns answers queued."""
        posts = list(self.recorder.index if posts is None else posts)
        total = await self.read(posts)
        waiting = self.recorder.awaiting_backfill
        unread = [p for p in posts if p.thread_id is not None and p.post_id in waiting]
        if unread:
            delay = self.retry_delay
            log.info("backfill: %d threads not read; trying again in %.0fs", len(unread), delay)
            await asyncio.sleep(delay)
            total += await self.read(unread)
        return total

    async def read(self, posts: Iterable[PromptPost] | None = None) -> int:
        """Queue the missed answers of every given post with a thread (default: every indexed
        post); returns answers queued.

        Reads at most ``limit`` messages per thread, oldest first, after the thread's read
        cursor as it was when the recorder loaded (``backfill_from``, taken before the gateway
        delivered any live answer, so answers recorded live meanwhile cannot hide the missed
        ones), or after the prompt message when nothing was seen there. A thread that cannot be
        read is skipped and logged (it stays in ``awaiting_backfill``); the others are still
        read.
        """
        source = self.recorder.index if posts is None else posts
        threads = [p for p in source if p.thread_id is not None]
        log.info("backfill: reading %d prompt threads", len(threads))
        total = 0
        for n, post in enumerate(threads, 1):
            try:
                found = await self._read_one(post)
            except discord.HTTPException as exc:
                log.warning("backfill: thread %s not readable: %s", post.thread_id, exc)
                continue
            except Exception as exc:
                log.warning("backfill: thread %s not read: %r", post.thread_id, exc)
                continue
            total += found
            log.info(
                "backfill: thread %d/%d (%s): %d answers", n, len(threads), post.thread_id, found
            )
        await self.writer.flush()
        log.info("backfill done: %d answers recorded from history", total)
        return total

    async def _read_one(self, post: PromptPost) -> int:
        recorder = self.recorder
        if post.thread_id is None:  # no thread: nothing was answered there
            return 0
        after = max(recorder.backfill_from.get(post.post_id, 0), post.message_id)
        thread = message_channel(self.client, post.thread_id, post.guild_id)
        found = 0
        async for message in thread.history(after=discord.Object(after), limit=self.limit):
            found += await recorder.record(message)
            after = max(after, message.id)
        recorder.backfill_from[post.post_id] = after  # read through here: a second pass goes on
        recorder.awaiting_backfill.discard(post.post_id)
        self.writer.saw(post.post_id, after)  # the stored cursor may move on now
        return found
