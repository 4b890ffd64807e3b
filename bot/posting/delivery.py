"""Publishing a claimed post: retries with growing pauses for outages (checking first whether
Discord took the earlier attempt), the outcome recorded, notices to moderators (failures, a
channel's prompt pool running low). ``on_posted`` is called with each post's outcome right after
it is recorded, so listeners start without waiting for the rest of a pass.

Outcomes besides posted and failed: ``deferred`` (too late to start an attempt under the claim;
recovery settles it later) and ``taken over`` (the claim was no longer ours when the result was to
be recorded)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.config.settings import ChannelConfig, GuildConfig
from bot.posting.notices import ModNotices
from bot.posting.pacing import STALE_AFTER, Pacing, ts, utc
from bot.posting.ports import ChannelStates, PostRecords
from bot.posting.rotation import cycle_position, pool_for
from bot.posting.types import (
    LibrarySource,
    Outcome,
    PostRefused,
    PostUnavailable,
    Published,
    Publisher,
)
from bot.prompts.model import Prompt

log = logging.getLogger(__name__)

BACKOFF_FIRST, BACKOFF_MAX = 5.0, 120.0
LOW_POOL = 3


class Delivery:
    def __init__(
        self,
        posts: PostRecords,
        channels: ChannelStates,
        prompts: LibrarySource,
        publisher: Publisher,
        notices: ModNotices,
        pacing: Pacing,
        on_posted: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.posts = posts
        self.channels = channels
        self.prompts = prompts
        self.publisher = publisher
        self.notices = notices
        self.pacing = pacing
        self.on_posted = on_posted  # told of each post the moment it is recorded

    async def deliver(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        post_id: int,
        prompt: Prompt,
        now: datetime,
        deadline: datetime,
        *,
        since: int | None = None,
        check: bool = False,
        claimed_at: int | None = None,
        started: float | None = None,
    ) -> Outcome:
        """Publish a claimed post, retrying transient failures with growing pauses until
        ``deadline``; before each retry, look whether Discord took the earlier attempt.

        ``claimed_at`` is the claim's own time (default ``now``); ``started`` the monotonic
        reading taken with ``now`` (default: on entry). Time is counted from there, work done
        before this call included, and no attempt starts later than ``STALE_AFTER / 2`` after
        the claim: past ``STALE_AFTER`` another pass may take the claim as interrupted."""
        since = ts(now) if since is None else since
        claimed_at = ts(now) if claimed_at is None else claimed_at
        started = self.pacing.monotonic() if started is None else started
        before = self.pacing.monotonic() - started
        limit = min(deadline, utc(claimed_at) + timedelta(seconds=STALE_AFTER // 2))
        waited, delay, error = 0.0, BACKOFF_FIRST, None

        def current() -> datetime:
            # Injected pauses count even where they take no real time.
            return now + timedelta(seconds=max(before + waited, self.pacing.monotonic() - started))

        def fail(error: str):
            return self._failed(guild, channel, post_id, prompt, error, current(), claimed_at)

        while True:
            if current() > limit:
                return (
                    self._deferred(channel, post_id, prompt) if error is None else await fail(error)
                )
            try:
                published = await self._attempt(guild, channel, post_id, prompt, since, check)
            except PostRefused as exc:
                return await fail(str(exc))
            except PostUnavailable as exc:
                error = str(exc)
                if current() + timedelta(seconds=delay) > limit:
                    return await fail(error)
                log.warning("channel %s: %s; retrying in %.0fs", channel.channel_id, exc, delay)
                await self.pacing.sleep(delay)
                waited, delay, check = waited + delay, min(delay * 2, BACKOFF_MAX), True
                continue
            at = current()
            return await self.posted(guild, channel, post_id, prompt, published, at, claimed_at)

    def _deferred(self, channel: ChannelConfig, post_id: int, prompt: Prompt) -> Outcome:
        """Too late to start an attempt under this claim: it is left for recovery, which looks on
        Discord before anything else."""
        log.warning(
            "channel %s: no time left to post %s (post %s) under its claim; left for recovery",
            channel.channel_id,
            prompt.id,
            post_id,
        )
        return Outcome(channel.channel_id, "deferred", None, post_id, prompt.id, reason="late")

    async def _attempt(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        post_id: int,
        prompt: Prompt,
        since: int,
        check: bool,
    ) -> Published:
        """One look-then-publish; an attempt hanging past ``attempt_timeout`` is an outage."""
        timeout = self.pacing.attempt_timeout
        try:
            async with asyncio.timeout(timeout):
                found = (
                    await self.publisher.find_published(channel, prompt, since, post_id)
                    if check
                    else None
                )
                return found or await self.publisher.publish(guild, channel, prompt, post_id)
        except TimeoutError as exc:
            raise PostUnavailable(f"no answer from Discord in {timeout:.0f}s") from exc

    async def posted(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        post_id: int,
        prompt: Prompt,
        published: Published,
        at: datetime,
        claimed_at: int,
    ) -> Outcome:
        """Record the post's message (if the claim is still ours), announce it, check the pool."""
        cid = channel.channel_id
        if not await self.posts.mark_posted(
            post_id,
            prompt.id,
            prompt.theme_id,
            published.message_id,
            published.thread_id,
            ts(at),
            claimed_at=claimed_at,
        ):
            log.warning("channel %s: message %s not recorded", cid, published.message_id)
            return taken_over(cid, post_id, prompt)
        log.info("channel %s: posted %s (post %s)", cid, prompt.id, post_id)
        record = await self.posts.post(post_id)
        slot = utc(record.slot) if record is not None and record.slot is not None else None
        outcome = Outcome(
            cid,
            "posted",
            slot,
            post_id,
            prompt.id,
            message_id=published.message_id,
            thread_id=published.thread_id,
        )
        self._announce(outcome)
        await self._check_pool(guild, channel, at)
        return outcome

    def _announce(self, outcome: Outcome) -> None:
        if self.on_posted is None:
            return
        try:
            self.on_posted(outcome)
        except Exception:
            log.exception("announcing post %s failed", outcome.post_id)

    async def _failed(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        post_id: int,
        prompt: Prompt,
        error: str,
        at: datetime,
        claimed_at: int,
    ) -> Outcome:
        cid = channel.channel_id
        if not await self.posts.mark_failed(post_id, error, ts(at), claimed_at=claimed_at):
            return taken_over(cid, post_id, prompt)
        log.warning("channel %s: post %s failed: %s", cid, post_id, error)
        await self.notices.send(guild, f"Could not post prompt `{prompt.id}` in <#{cid}>: {error}")
        return Outcome(cid, "failed", None, post_id, prompt.id, reason=error)

    async def _check_pool(self, guild: GuildConfig, channel: ChannelConfig, at: datetime) -> None:
        """Tell moderators once per cycle when fewer than 3 unused prompts remain (remembered in
        the database, so neither a restart nor a second process repeats it)."""
        pool = pool_for(self.prompts.library, channel)
        left, cycle = cycle_position(pool, await self.posts.history(channel.channel_id))
        if not pool or left >= LOW_POOL:
            return
        cid = channel.channel_id
        if not await self.channels.claim_low_pool_notice(guild.guild_id, cid, cycle, ts(at)):
            return
        await self.notices.send(
            guild,
            f"<#{cid}> has {left} unused prompt(s) left in this cycle; after that prompts"
            " start repeating. Add prompts or widen the channel's themes.",
        )


def taken_over(channel_id: int, post_id: int, prompt: Prompt) -> Outcome:
    """The claim was settled or taken over by another pass, which records and announces it."""
    reason = "claim taken over by another pass"
    return Outcome(channel_id, "taken over", None, post_id, prompt.id, reason=reason)
