"""After a restart: read each open prompt thread's history after the last answer seen there and
record what was posted while the bot was down (once: rows are idempotent).

Each thread is read after its read cursor (``post_cursor``): the newest answer message seen there,
never derived from the stored rows, so a restart does not bring back what ``forget`` or
retention erased.

A thread whose history cannot be read (Discord refuses, the connection drops, a database error)
is logged and skipped; the other threads are still read. It stays in ``awaiting_backfill``, so
live answers there are recorded but do not move its stored cursor, and it is read once more after
``RETRY_DELAY``. If that fails too, the cursor stays where it was for the rest of the run: the
next start reads the thread again from there. Reading twice is harmless; moving the cursor past
answers nobody has read would lose them for good."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.adapter.answers.cog import AnswersCog
    from bot.participation.types import PromptPost

log = logging.getLogger(__name__)

RETRY_DELAY = 60.0  # seconds before threads that could not be read are tried once more


async def backfill_with_retry(
    cog: AnswersCog, limit: int, posts: list[PromptPost] | None = None, delay: float = RETRY_DELAY
) -> int:
    """``backfill_threads``, then once more after ``delay`` seconds for the threads that could
    not be read; returns answers queued."""
    total = await backfill_threads(cog, limit, posts)
    unread = [
        p
        for p in (cog.index if posts is None else posts)
        if p.thread_id is not None and p.post_id in cog.awaiting_backfill
    ]
    if unread:
        log.info("backfill: %d threads not read; trying again in %.0fs", len(unread), delay)
        await asyncio.sleep(delay)
        total += await backfill_threads(cog, limit, unread)
    return total


async def backfill_threads(
    cog: AnswersCog, limit: int, posts: list[PromptPost] | None = None
) -> int:
    """Queue the missed answers of every indexed post with a thread; returns answers queued.

    Reads at most ``limit`` messages per thread, oldest first, after the thread's read cursor
    as it was when the cog loaded (``cog.backfill_from``, taken before the gateway delivered any
    live answer, so answers recorded live meanwhile cannot hide the missed ones), or after the
    prompt message when nothing was seen there. Reading a message twice is harmless. A thread
    that cannot be read is skipped and logged (it stays in ``cog.awaiting_backfill``); the
    others are still read.
    """
    posts = [p for p in (cog.index if posts is None else posts) if p.thread_id is not None]
    log.info("backfill: reading %d prompt threads", len(posts))
    total = 0
    for n, post in enumerate(posts, 1):
        try:
            found = await _backfill_one(cog, post, limit)
        except discord.HTTPException as exc:
            log.warning("backfill: thread %s not readable: %s", post.thread_id, exc)
            continue
        except Exception as exc:
            log.warning("backfill: thread %s not read: %r", post.thread_id, exc)
            continue
        total += found
        log.info("backfill: thread %d/%d (%s): %d answers", n, len(posts), post.thread_id, found)
    await cog.writer.flush()
    log.info("backfill done: %d answers recorded from history", total)
    return total


async def _backfill_one(cog: AnswersCog, post: PromptPost, limit: int) -> int:
    after = max(cog.backfill_from.get(post.post_id, 0), post.message_id)
    thread = cog.bot.get_channel(post.thread_id) or cog.bot.get_partial_messageable(
        post.thread_id, guild_id=post.guild_id
    )
    found = 0
    async for message in thread.history(after=discord.Object(after), limit=limit):
        found += await cog.record(message)
        after = max(after, message.id)
    cog.backfill_from[post.post_id] = after  # read through here: a second pass goes on from it
    cog.awaiting_backfill.discard(post.post_id)
    cog.writer.saw(post.post_id, after)  # the stored cursor may move on now
    return found
