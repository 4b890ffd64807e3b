"""The end of a prompt's poll: when Discord finalises its results (MESSAGE_UPDATE of the prompt
message with ``results.is_finalized``), a summary goes into the prompt's thread — each answer
with its votes and share — once: a nonce derived from the post, the posts already summarised in
this run, and after a restart a look at the thread for the summary before posting one. A poll
that ended while the bot was down is summarised when it starts again (polls last at most 32
days; posts older than that are not looked at). Only counts are shown, never who voted."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.adapter.context import message_channel, own_id
from bot.adapter.publisher import post_nonce
from bot.posting.types import PostRecord

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

log = logging.getLogger(__name__)

SUMMARY_PART = 99  # the nonce part of a post's poll summary (follow-ups count from 0)
HEADING = "The poll has ended"
LONGEST = timedelta(hours=768)  # Discord's longest poll
LOOKBACK = 100  # thread messages read for an earlier summary


def summary(answers: Sequence[tuple[str, int]]) -> str:
    """ "The poll has ended: …" with each answer's votes and share, in the poll's order."""
    total = sum(n for _, n in answers)
    if not total:
        return f"{HEADING}, with no votes."
    lines = [f"{HEADING}: {total} vote{'s' if total != 1 else ''}."]
    top = max(n for _, n in answers)
    for text, n in answers:
        mark = " ← most votes" if n == top else ""
        shown = discord.utils.escape_markdown(text)
        lines.append(f"• {shown}: {n} ({round(100 * n / total)}%){mark}")
    return "\n".join(lines)


def raw_answers(poll: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(text, votes) of each answer, from a poll as the gateway sends it."""
    counts = {int(c["id"]): int(c["count"]) for c in poll["results"].get("answer_counts", [])}
    return [
        (a["poll_media"].get("text") or "", counts.get(int(a["answer_id"]), 0))
        for a in poll["answers"]
    ]


class PollResults(commands.Cog):
    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.posts = services.stores.posting.posts
        self.summarised: set[int] = set()
        self.caught_up = False

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        poll = payload.data.get("poll")
        if not poll or not poll.get("results", {}).get("is_finalized"):
            return
        try:
            post = await self.posts.post_by_message(payload.message_id)
            if post is not None:
                await self.summarise(post, raw_answers(poll))
        except Exception:
            log.exception("summarising the poll of message %s failed", payload.message_id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self.caught_up:
            return
        self.caught_up = True
        try:
            await self.catch_up()
        except Exception:
            log.exception("looking for polls that ended while the bot was down failed")

    async def catch_up(self) -> int:
        """Summarise the polls that ended while the bot was down; returns how many."""
        now = self.services.clock()
        done = 0
        for post in await self.posts.posted_since(int((now - LONGEST).timestamp())):
            prompt = self.services.library.library.prompt(post.prompt_id or "")
            if prompt is None or prompt.poll is None or post.id in self.summarised:
                continue
            if not self.services.settings.serves(post.guild_id):
                continue  # another process's shard summarises it
            if post.posted_at is None:  # posted_since returns posted prompts only
                continue
            if post.posted_at + prompt.poll.hours * 3600 > now.timestamp():
                continue  # still open: its end comes as a MESSAGE_UPDATE
            try:
                done += await self._catch_up_one(post)
            except discord.HTTPException as exc:
                log.warning("post %s: its poll could not be read: %s", post.id, exc)
        return done

    async def _catch_up_one(self, post: PostRecord) -> int:
        if post.message_id is None or post.thread_id is None:  # no poll, or nowhere to summarise
            return 0
        where = post.channel_id
        if isinstance(self.bot.get_channel(where), discord.ForumChannel):
            where = post.thread_id  # a forum post's first message is inside it
        message = await message_channel(self.bot, where, post.guild_id).fetch_message(
            post.message_id
        )
        if message.poll is None or not message.poll.is_finalised():
            return 0
        thread = message_channel(self.bot, post.thread_id, post.guild_id)
        async for said in thread.history(limit=LOOKBACK):
            if said.author.id == own_id(self.bot) and said.content.startswith(HEADING):
                self.summarised.add(post.id)
                return 0
        answers = [(a.text, a.vote_count) for a in message.poll.answers]
        return int(await self.summarise(post, answers))

    async def summarise(self, post: PostRecord, answers: Sequence[tuple[str, int]]) -> bool:
        if post.thread_id is None or post.id in self.summarised:
            return False
        self.summarised.add(post.id)
        try:
            await message_channel(self.bot, post.thread_id, post.guild_id).send(
                summary(answers),
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=post_nonce(post.id, SUMMARY_PART),
            )
        except discord.HTTPException as exc:
            log.warning("post %s: poll summary not posted: %s", post.id, exc)
            return False
        log.info("post %s: poll summary posted in thread %s", post.id, post.thread_id)
        return True


COGS = [PollResults]
