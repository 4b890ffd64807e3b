"""Crash recovery for the scheduler: claims that never got their message.

A claim older than ``STALE_AFTER`` with no message was interrupted (the process died or lost its
connection mid-post). Discord is asked first whether it already holds the post: if so the claim
is completed (recorded as posted and announced), never posted again. Otherwise a scheduled claim
still inside its catch-up window gets one retry (or is skipped if its channel was paused since);
anything else is marked failed and the moderators are told. A look that gets no answer (an
outage, or none within ``attempt_timeout``) decides nothing: the claim waits for a later pass.
Every step is a conditional update that only one process can win.

Slots missed while the bot was down are only counted for the log, and the count stops at
``MISSED_COUNT_CAP``: a per-minute schedule after months of downtime costs a few thousand cron
steps, not hundreds of thousands.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.config.settings import ChannelConfig
from bot.posting.channels import ChannelDirectory
from bot.posting.delivery import Delivery
from bot.posting.notices import ModNotices
from bot.posting.pacing import STALE_AFTER, Pacing, ts
from bot.posting.ports import ChannelStates, ClaimResolution, PostRecords
from bot.posting.types import (
    LibrarySource,
    Outcome,
    PostRecord,
    PostRefused,
    PostUnavailable,
    Published,
    Publisher,
)
from bot.prompts.model import Prompt
from bot.schedule.cron import latest_slot, slots_between

log = logging.getLogger(__name__)

MISSED_COUNT_CAP = 10_000


class Recovery:
    def __init__(
        self,
        directory: ChannelDirectory,
        posts: PostRecords,
        claims: ClaimResolution,
        channels: ChannelStates,
        prompts: LibrarySource,
        publisher: Publisher,
        delivery: Delivery,
        notices: ModNotices,
        pacing: Pacing,
    ) -> None:
        self.directory = directory
        self.posts = posts
        self.claims = claims
        self.channels = channels
        self.prompts = prompts
        self.publisher = publisher
        self.delivery = delivery
        self.notices = notices
        self.pacing = pacing

    async def recover(
        self, now: datetime, started: float
    ) -> tuple[list[PostRecord], list[Outcome]]:
        """Resolve interrupted claims: the ones to post again now, and what became of others."""
        retries, outcomes = [], []
        for claim in await self.claims.stale_claims(ts(now) - STALE_AFTER):
            if not self.directory.serves(claim.guild_id):
                continue  # another process's shard: it recovers its own claims
            try:
                result = await self._recover_one(claim, now, started)
            except Exception:
                log.exception("could not recover interrupted post %s", claim.id)
                continue
            if result is True:
                retry = await self.posts.post(claim.id)
                if retry is not None:
                    retries.append(retry)
            elif isinstance(result, Outcome):
                outcomes.append(result)
        return retries, outcomes

    async def _recover_one(
        self, claim: PostRecord, now: datetime, started: float
    ) -> bool | Outcome:
        """Discord already holds the message → recorded as posted (and announced); else one
        retry inside the catch-up window unless paused; else failed, moderators told. No answer
        from Discord → left for a later pass; a refused look → no retry (never post blind)."""
        pair = self.directory.of_channel(claim.channel_id)
        guild, channel = pair or (self.directory.guild(claim.guild_id), None)
        library = self.prompts.library
        prompt = library.prompt(claim.prompt_id) if claim.prompt_id else None
        answered = channel is None or prompt is None  # no message Discord could hold
        if guild is not None and channel is not None and prompt is not None:
            try:
                found = await self._look(channel, prompt, claim)
            except PostUnavailable as exc:
                log.warning("post %s: %s; left for a later pass", claim.id, exc)
                return False
            except PostRefused as exc:
                log.warning("post %s: cannot look for its message: %s", claim.id, exc)
                found = None
            else:
                answered = True
            if found is not None:
                now = self.pacing.clock_now(now, started)
                if await self.claims.adopt_claim(claim.id, claim.claimed_at, ts(now)):
                    return await self.delivery.posted(
                        guild, channel, claim.id, prompt, found, now, ts(now)
                    )
                return False
        now = self.pacing.clock_now(now, started)
        cid = claim.channel_id
        scheduled = claim.kind == "scheduled" and claim.slot is not None
        if answered and channel is not None and scheduled and claim.attempts < 1:
            assert claim.slot is not None  # scheduled
            inside = claim.slot + channel.catch_up.total_seconds() >= now.timestamp()
            if inside and await self.channels.is_paused(cid):
                await self.claims.skip_interrupted(claim.id, claim.claimed_at)
                slot = datetime.fromtimestamp(claim.slot, UTC)
                return Outcome(cid, "skipped", slot, claim.id, reason="paused")
            if inside:
                log.warning("retrying interrupted post %s in channel %s", claim.id, cid)
                return await self.claims.take_retry(claim.id, claim.claimed_at, ts(now))
        error = "interrupted before posting"
        if await self.claims.fail_interrupted(claim.id, claim.claimed_at, error):
            log.warning("interrupted post %s in channel %s marked failed", claim.id, cid)
            what = f"prompt `{claim.prompt_id}`" if claim.prompt_id else "a prompt"
            text = f"Could not post {what} in <#{cid}>: {error} (the bot was restarted)."
            if guild is not None:
                await self.notices.send(guild, text)
            return Outcome(cid, "failed", None, claim.id, claim.prompt_id, reason=error)
        return False

    async def _look(
        self, channel: ChannelConfig, prompt: Prompt, claim: PostRecord
    ) -> Published | None:
        """The claim's own message if Discord holds it, within ``attempt_timeout``; a message
        another post already owns is never taken."""
        since = claim.slot if claim.slot is not None else claim.claimed_at
        timeout = self.pacing.attempt_timeout
        try:
            async with asyncio.timeout(timeout):
                found = await self.publisher.find_published(channel, prompt, since, claim.id)
        except TimeoutError as exc:
            raise PostUnavailable(f"no answer from Discord in {timeout:.0f}s") from exc
        if found is not None:
            owner = await self.posts.post_by_message(found.message_id)
            if owner is not None and owner.id != claim.id:
                log.warning(
                    "post %s: message %s belongs to post %s; not taken",
                    claim.id,
                    found.message_id,
                    owner.id,
                )
                return None
        return found


def log_missed(channel: ChannelConfig, last: int | None, slot: datetime) -> None:
    """Log the slots after ``last`` and before ``slot`` that nobody posted (the bot was down)."""
    if last is None:
        return
    start, end = datetime.fromtimestamp(last, UTC), slot - timedelta(seconds=1)
    count, first = count_missed(channel.cron, channel.timezone, start, end)
    if not count or first is None:
        return
    final = latest_slot(channel.cron, channel.timezone, end) or first
    many = f"more than {MISSED_COUNT_CAP:,}" if count > MISSED_COUNT_CAP else str(count)
    log.warning(
        "channel %s: %s slot(s) from %s to %s were missed while the bot was down; skipped",
        channel.channel_id,
        many,
        first.isoformat(),
        final.isoformat(),
    )


def count_missed(cron: str, tz: str, start: datetime, end: datetime) -> tuple[int, datetime | None]:
    """How many slots fall in ``(start, end]`` (counting stops past ``MISSED_COUNT_CAP``) and the
    first of them. Reads the range a window at a time, widening windows that hold few slots."""
    count, first, window, low = 0, None, timedelta(days=1), start
    while low < end and count <= MISSED_COUNT_CAP:
        high = min(low + window, end)
        found = slots_between(cron, tz, low, high)
        if found:
            count, first = count + len(found), first or found[0]
        if len(found) < MISSED_COUNT_CAP // 10:
            window *= 2
        low = high
    return count, first
