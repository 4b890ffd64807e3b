"""The end of a prompt's poll: when Discord finalises its results (MESSAGE_UPDATE of the prompt
message with ``results.is_finalized``), a summary goes into the prompt's thread — each answer
with its votes and share — once (a nonce derived from the post, and the posts already
summarised in this run). Only counts are shown, never who voted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.adapter.publisher import post_nonce

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.adapter.services import Services

log = logging.getLogger(__name__)

SUMMARY_PART = 99  # the nonce part of a post's poll summary (follow-ups count from 0)


def summary(poll: dict[str, Any]) -> str:
    """ "The poll has ended: …" with each answer's votes and share, in the poll's order."""
    counts = {int(c["id"]): int(c["count"]) for c in poll["results"].get("answer_counts", [])}
    total = sum(counts.values())
    if not total:
        return "The poll has ended, with no votes."
    lines = [f"The poll has ended: {total} vote{'s' if total != 1 else ''}."]
    top = max(counts.values())
    for answer in poll["answers"]:
        n = counts.get(int(answer["answer_id"]), 0)
        text = discord.utils.escape_markdown(answer["poll_media"].get("text") or "")
        mark = " ← most votes" if n == top else ""
        lines.append(f"• {text}: {n} ({round(100 * n / total)}%){mark}")
    return "\n".join(lines)


class PollResults(commands.Cog):
    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.posts = services.posts
        self.summarised: set[int] = set()

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        poll = payload.data.get("poll")
        if not poll or not poll.get("results", {}).get("is_finalized"):
            return
        try:
            await self.summarise(payload.message_id, poll)
        except Exception:
            log.exception("summarising the poll of message %s failed", payload.message_id)

    async def summarise(self, message_id: int, poll: dict[str, Any]) -> None:
        post = await self.posts.post_by_message(message_id)
        if post is None or post.thread_id is None or post.id in self.summarised:
            return
        self.summarised.add(post.id)
        thread = self.bot.get_channel(post.thread_id) or await self.bot.fetch_channel(
            post.thread_id
        )
        try:
            await thread.send(
                summary(poll),
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=post_nonce(post.id, SUMMARY_PART),
            )
        except discord.HTTPException as exc:
            log.warning("post %s: poll summary not posted: %s", post.id, exc)
            return
        log.info("post %s: poll summary posted in thread %s", post.id, post.thread_id)


COGS = [PollResults]
