"""After a restart: read each open prompt thread's history after the last answer seen there and
record what was posted while the bot was down (once: rows are idempotent).

Each thread is read after its read cursor (``post_cursor``): the newest answer message seen there,
never derived from the stored rows, so a restart does not bring back what ``forget`` or
retention erased."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.adapter.answers import AnswersCog
    from bot.thread_index import PromptPost

log = logging.getLogger(__name__)


async def backfill_threads(
    cog: AnswersCog, limit: int, posts: list[PromptPost] | None = None
) -> int:
    """Queue the missed answers of every indexed post with a thread; returns answers queued.

    Reads at most ``limit`` messages per thread, oldest first, after the thread's read cursor
    as it was when the cog loaded (``cog.backfill_from``, taken before the gateway delivered any
    live answer, so answers recorded live meanwhile cannot hide the missed ones), or after the
    prompt message when nothing was seen there. Reading a message twice is harmless. A thread
    Discord refuses or no longer has is skipped and logged; the others are still read.
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
