"""The scheduler's core: which slot is due in each channel, claiming it, posting it exactly once.

One ``tick(now)`` handles every configured channel concurrently, at most ``POSTING_LANES`` at a time
(each claims its slot when its turn comes); one channel's failure never stops the others. Per
channel: interrupted claims are recovered first (a claim whose message Discord already holds is
completed, not posted again); then the latest due slot is claimed — posted if still inside its
catch-up window, otherwise recorded as skipped and logged. Paused channels and pending moderator
skips claim the slot and mark it skipped (a skip is taken before a prompt is chosen, so it consumes
no prompt). ``next_wake(now)`` is when to run again.

The service is composed of small parts, each handed what it needs: ``Delivery`` (publishing a
claim with retries, recording its outcome), ``Recovery`` (claims a crash interrupted),
``ModeratorControls`` (the ``/topic`` requests, reached as ``service.controls``), ``LibraryWatch``
(the prompt files), over the ``PostingStores`` it is given.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.posting.channels import ChannelDirectory
from bot.posting.controls import ModeratorControls
from bot.posting.delivery import Delivery
from bot.posting.library import LibraryWatch
from bot.posting.notices import ModNotices
from bot.posting.pacing import ATTEMPT_TIMEOUT, STALE_AFTER, Pacing, ts
from bot.posting.ports import PostingStores
from bot.posting.recovery import Recovery, log_missed
from bot.posting.rotation import choose_next, pool_for
from bot.posting.types import (
    ChannelSummary,
    LibrarySource,
    Outcome,
    PostingError,
    PostRecord,
    PostRefused,
    PostUnavailable,
    Published,
    Publisher,
)
from bot.prompts.model import Prompt
from bot.schedule.cron import latest_slot, next_slot

log = logging.getLogger(__name__)

__all__ = [
    "POSTING_LANES",
    "STALE_AFTER",
    "ChannelSummary",
    "Outcome",
    "PostRefused",
    "PostUnavailable",
    "PostingError",
    "PostingService",
    "Published",
    "Publisher",
]

MAX_WAKE = timedelta(seconds=60)  # look at the prompt files at least this often
POSTING_LANES = 50  # channels claiming and posting at once (see tick)


class PostingService:
    def __init__(
        self,
        settings: Settings,
        store: PostingStores,
        library: LibrarySource,
        publisher: Publisher,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_posted: Callable[[Outcome], None] | None = None,
        attempt_timeout: float = ATTEMPT_TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store
        self.publisher = publisher
        self.pacing = Pacing(sleep, monotonic, attempt_timeout)
        self.directory = ChannelDirectory(settings)
        notices = ModNotices(publisher)
        self.notices = notices
        self.library = LibraryWatch(library, self.directory, notices)
        self.delivery = Delivery(
            store.posts, store.channels, library, publisher, notices, self.pacing, on_posted
        )
        self.recovery = Recovery(
            self.directory,
            store.posts,
            store.claims,
            store.channels,
            library,
            publisher,
            self.delivery,
            notices,
            self.pacing,
        )
        self.controls = ModeratorControls(
            self.directory, store.posts, store.channels, self.library, self.delivery
        )
        # Shared by overlapping passes: a pass started while a long one runs queues behind it.
        self._lanes = asyncio.Semaphore(POSTING_LANES)
        # Channels with a pass running or waiting for a lane, and the slot that pass is for.
        self._busy: dict[int, datetime | None] = {}

    # --- the loop's two calls ----------------------------------------------------------------

    async def tick(self, now: datetime) -> list[Outcome]:
        """Post whatever is due at ``now``; returns what happened per channel. A channel whose
        pass from an earlier tick is still running or waiting for a lane (a long burst, an
        outage) for the same slot is left to it rather than queued again."""
        started = self.pacing.monotonic()
        await self.library.check()
        retries, recovered = await self.recovery.recover(now, started)
        retries_of: dict[int, list[PostRecord]] = {}
        for claim in retries:
            retries_of.setdefault(claim.channel_id, []).append(claim)
        chosen = [
            (g, c)
            for g, c in self.channels()
            if c.channel_id in retries_of or not self._on_it(c, now)
        ]
        jobs = [
            self._in_lane(g, c, retries_of.get(c.channel_id, []), now, started) for g, c in chosen
        ]
        outcomes: list[Outcome] = recovered
        for (_, channel), result in zip(
            chosen, await asyncio.gather(*jobs, return_exceptions=True), strict=True
        ):
            if isinstance(result, BaseException):
                log.error("channel %s: posting pass failed", channel.channel_id, exc_info=result)
                outcomes.append(Outcome(channel.channel_id, "error", reason=str(result)))
            else:
                outcomes.extend(result)
        return outcomes

    def next_wake(self, now: datetime) -> datetime:
        """The earliest next slot of any channel, but no later than ``MAX_WAKE`` from now
        (each schedule worked out once, however many channels share it)."""
        wake = now + MAX_WAKE
        for cron, timezone in {(c.cron, c.timezone) for _, c in self.channels()}:
            try:
                wake = min(wake, next_slot(cron, timezone, now))
            except StopIteration:
                continue
        return wake

    def channels(self) -> list[tuple[GuildConfig, ChannelConfig]]:
        """Every configured channel with its guild."""
        return self.directory.all()

    # --- one channel -------------------------------------------------------------------------

    async def _in_lane(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        retries: list[PostRecord],
        now: datetime,
        started: float,
    ) -> list[Outcome]:
        """The channel's pass once one of the ``POSTING_LANES`` is free. When many channels
        are due at once (a popular cron minute), Discord's global rate limit sets the pace:
        a few channels at a time each claim their slot and post it while the rest wait their
        turn, unclaimed. Claiming all at once would leave the last ones waiting past the time
        a claim may wait for its message (``STALE_AFTER / 2``), and their posts to recovery."""
        slot = self._due(channel, now)
        self._busy[channel.channel_id] = slot
        try:
            async with self._lanes:
                return await self._channel_pass(guild, channel, retries, now, started)
        finally:
            if self._busy.get(channel.channel_id, slot) == slot:
                self._busy.pop(channel.channel_id, None)

    def _on_it(self, channel: ChannelConfig, now: datetime) -> bool:
        """True if a pass already running or waiting for a lane is for the slot due at
        ``now`` in ``channel`` (a newer slot due there gets a pass of its own)."""
        return channel.channel_id in self._busy and self._busy[channel.channel_id] == self._due(
            channel, now
        )

    @staticmethod
    def _due(channel: ChannelConfig, now: datetime) -> datetime | None:
        return latest_slot(channel.cron, channel.timezone, now)

    async def _channel_pass(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        retries: list[PostRecord],
        now: datetime,
        started: float,
    ) -> list[Outcome]:
        outcomes = [await self._resume(guild, channel, claim, now, started) for claim in retries]
        # The claim carries the time it is made, however long recovery and resumes took.
        now, started = self.pacing.clock_now(now, started), self.pacing.monotonic()
        slot = latest_slot(channel.cron, channel.timezone, now)
        posts = self.store.posts
        last = await posts.last_slot(channel.channel_id)
        if slot is None or (last is not None and last >= ts(slot)):
            return outcomes
        log_missed(channel, last, slot)
        post_id = await posts.claim_slot(guild.guild_id, channel.channel_id, ts(slot), ts(now))
        if post_id is None:
            return outcomes  # another process took it
        first = last is None  # no slot of this channel was ever claimed: the bot never ran here
        outcome = await self._handle_claim(guild, channel, post_id, slot, now, started, first)
        outcomes.append(outcome)
        return outcomes

    async def _handle_claim(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        post_id: int,
        slot: datetime,
        now: datetime,
        started: float,
        first: bool = False,
    ) -> Outcome:
        cid = channel.channel_id
        posts, state = self.store.posts, self.store.channels
        if slot + channel.catch_up < now:
            if first:  # from before the bot ever ran in this channel: nothing was missed
                log.info("channel %s: first run; slot %s is past, not posted", cid, slot)
            else:
                log.warning("channel %s: slot %s missed beyond its catch-up window", cid, slot)
            await posts.mark_skipped(post_id, ts(now))
            return Outcome(cid, "skipped", slot, post_id, reason="missed")
        if await state.is_paused(cid):
            await posts.mark_skipped(post_id, ts(now))
            return Outcome(cid, "skipped", slot, post_id, reason="paused")
        if await state.take_skip(cid):
            await posts.mark_skipped(post_id, ts(now))
            return Outcome(cid, "skipped", slot, post_id, reason="skip requested")
        prompt = await self._next_prompt(channel)
        if prompt is None:
            error = "no enabled prompts for this channel"
            if not await posts.mark_failed(post_id, error, ts(now), claimed_at=ts(now)):
                return Outcome(cid, "taken over", slot, post_id, reason="claim taken over")
            await self.notices.send(guild, f"<#{cid}>: no enabled prompts to post; slot skipped.")
            return Outcome(cid, "failed", slot, post_id, reason="no prompts")
        await posts.set_prompt(post_id, prompt.id, prompt.theme_id)
        deadline = self._deadline(channel, slot, now)
        return await self.delivery.deliver(
            guild, channel, post_id, prompt, now, deadline, started=started
        )

    async def _resume(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        claim: PostRecord,
        now: datetime,
        started: float,
    ) -> Outcome:
        """An interrupted claim handed back by recovery: finish it without posting twice."""
        assert claim.slot is not None  # recovery hands back scheduled claims only
        slot = datetime.fromtimestamp(claim.slot, UTC)
        library = self.library.library
        prompt = library.prompt(claim.prompt_id) if claim.prompt_id else None
        check = prompt is not None  # a prompt recorded: Discord may already hold the message
        if prompt is None:
            prompt = await self._next_prompt(channel)
            if prompt is None:
                await self.store.posts.mark_failed(
                    claim.id, "no enabled prompts", ts(now), claimed_at=claim.claimed_at
                )
                return Outcome(channel.channel_id, "failed", slot, claim.id, reason="no prompts")
            await self.store.posts.set_prompt(claim.id, prompt.id, prompt.theme_id)
        deadline = self._deadline(channel, slot, now)
        return await self.delivery.deliver(
            guild,
            channel,
            claim.id,
            prompt,
            now,
            deadline,
            since=claim.slot,
            check=check,
            claimed_at=claim.claimed_at,
            started=started,
        )

    @staticmethod
    def _deadline(channel: ChannelConfig, slot: datetime, now: datetime) -> datetime:
        """Retry until the catch-up window closes, but stop well before another process could
        take the claim as an interrupted one."""
        return min(slot + channel.catch_up, now + timedelta(seconds=STALE_AFTER // 2))

    async def _next_prompt(self, channel: ChannelConfig) -> Prompt | None:
        pool = pool_for(self.library.library, channel)
        chosen = choose_next(pool, await self.store.posts.history(channel.channel_id))
        return chosen[0] if chosen else None
