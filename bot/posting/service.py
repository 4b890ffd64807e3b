"""The scheduler's core: which slot is due in each channel, claiming it, posting it exactly once.

One ``tick(now)`` handles every configured channel concurrently; one channel's failure never
stops the others. Per channel: interrupted claims are recovered first (a claim whose message
Discord already holds is completed, not posted again); then the latest due slot is claimed —
posted if still inside its catch-up window, otherwise recorded as skipped and logged. Paused
channels and pending moderator skips claim the slot and mark it skipped (a skip is taken before
a prompt is chosen, so it consumes no prompt). ``next_wake(now)`` is when to run again.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.posting.controls import ModeratorControls
from bot.posting.delivery import ATTEMPT_TIMEOUT, STALE_AFTER, Delivery, ts
from bot.posting.recovery import Recovery, log_missed
from bot.posting.rotation import choose_next, pool_for
from bot.posting.types import (
    ChannelSummary,
    LibrarySource,
    Outcome,
    PostingError,
    PostRefused,
    PostUnavailable,
    Published,
    Publisher,
)
from bot.prompts.model import Prompt
from bot.schedule.cron import latest_slot, next_slot
from bot.store.posts import PostStore

log = logging.getLogger(__name__)

__all__ = [
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


class PostingService(ModeratorControls, Recovery, Delivery):
    def __init__(
        self,
        settings: Settings,
        store: PostStore,
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
        self.holder = library
        self.publisher = publisher
        self.sleep = sleep
        self.monotonic = monotonic  # real elapsed time, added to the ``now`` each pass is given
        self.attempt_timeout = attempt_timeout
        self.on_posted = on_posted  # told of each post the moment it is recorded
        self._reported_problems: tuple[str, ...] = ()

    # --- the loop's two calls ----------------------------------------------------------------

    async def tick(self, now: datetime) -> list[Outcome]:
        """Post whatever is due at ``now``; returns what happened per channel."""
        started = self.monotonic()
        await self.check_library()
        retries, recovered = await self._recover(now, started)
        jobs = [
            self._channel_pass(
                g, c, [r for r in retries if r["channel_id"] == c.channel_id], now, started
            )
            for g, c in self.channels()
        ]
        outcomes: list[Outcome] = recovered
        for (_, channel), result in zip(
            self.channels(), await asyncio.gather(*jobs, return_exceptions=True), strict=True
        ):
            if isinstance(result, BaseException):
                log.error("channel %s: posting pass failed", channel.channel_id, exc_info=result)
                outcomes.append(Outcome(channel.channel_id, "error", reason=str(result)))
            else:
                outcomes.extend(result)
        return outcomes

    def next_wake(self, now: datetime) -> datetime:
        """The earliest next slot of any channel, but no later than ``MAX_WAKE`` from now."""
        wake = now + MAX_WAKE
        for _, channel in self.channels():
            try:
                wake = min(wake, next_slot(channel.cron, channel.timezone, now))
            except StopIteration:
                continue
        return wake

    # --- configuration lookups ---------------------------------------------------------------

    def channels(self) -> list[tuple[GuildConfig, ChannelConfig]]:
        return [(g, c) for g in self.settings.guilds for c in g.channels]

    # --- prompt library ----------------------------------------------------------------------

    async def check_library(self) -> list:
        """Reload the prompt files if they changed; report new problems to every mod-log."""
        changed = getattr(self.holder, "changed", None)
        if changed is None or not changed():
            return []
        return await self.reload_library()

    async def reload_library(self) -> list:
        problems = self.holder.reload()
        text = tuple(str(p) for p in problems)
        if problems and text != self._reported_problems:
            notice = "Prompt files have problems; the last good prompts stay in use:\n" + "\n".join(
                text[:20]
            )
            for guild in self.settings.guilds:
                await self._notify(guild, notice)
        self._reported_problems = text
        return problems

    # --- one channel -------------------------------------------------------------------------

    def _guild(self, guild_id: int) -> GuildConfig | None:
        return next((g for g in self.settings.guilds if g.guild_id == guild_id), None)

    async def _channel_pass(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        retries: list,
        now: datetime,
        started: float,
    ) -> list[Outcome]:
        outcomes = [await self._resume(guild, channel, row, now, started) for row in retries]
        # The claim carries the time it is made, however long recovery and resumes took.
        now, started = self.clock_now(now, started), self.monotonic()
        slot = latest_slot(channel.cron, channel.timezone, now)
        last = await self.store.last_slot(channel.channel_id)
        if slot is None or (last is not None and last >= ts(slot)):
            return outcomes
        log_missed(channel, last, slot)
        post_id = await self.store.claim_slot(guild.guild_id, channel.channel_id, ts(slot), ts(now))
        if post_id is None:
            return outcomes  # another process took it
        outcomes.append(await self._handle_claim(guild, channel, post_id, slot, now, started))
        return outcomes

    async def _handle_claim(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        post_id: int,
        slot: datetime,
        now: datetime,
        started: float,
    ) -> Outcome:
        cid = channel.channel_id
        if slot + channel.catch_up < now:
            log.warning("channel %s: slot %s missed beyond its catch-up window", cid, slot)
            await self.store.mark_skipped(post_id, ts(now))
            return Outcome(cid, "skipped", slot, post_id, reason="missed")
        if await self.store.is_paused(cid):
            await self.store.mark_skipped(post_id, ts(now))
            return Outcome(cid, "skipped", slot, post_id, reason="paused")
        if await self.store.take_skip(cid):
            await self.store.mark_skipped(post_id, ts(now))
            return Outcome(cid, "skipped", slot, post_id, reason="skip requested")
        prompt = await self._next_prompt(channel)
        if prompt is None:
            error = "no enabled prompts for this channel"
            if not await self.store.mark_failed(post_id, error, ts(now), claimed_at=ts(now)):
                return Outcome(cid, "taken over", slot, post_id, reason="claim taken over")
            await self._notify(guild, f"<#{cid}>: no enabled prompts to post; slot skipped.")
            return Outcome(cid, "failed", slot, post_id, reason="no prompts")
        await self.store.set_prompt(post_id, prompt.id, prompt.theme_id)
        deadline = self._deadline(channel, slot, now)
        return await self.deliver(guild, channel, post_id, prompt, now, deadline, started=started)

    async def _resume(
        self,
        guild: GuildConfig,
        channel: ChannelConfig,
        row: sqlite3.Row,
        now: datetime,
        started: float,
    ) -> Outcome:
        """An interrupted claim handed back by the store: finish it without posting twice."""
        slot = datetime.fromtimestamp(row["slot"], UTC)
        prompt = self.holder.library.prompt(row["prompt_id"]) if row["prompt_id"] else None
        check = prompt is not None  # a prompt recorded: Discord may already hold the message
        if prompt is None:
            prompt = await self._next_prompt(channel)
            if prompt is None:
                held = row["claimed_at"]
                await self.store.mark_failed(
                    row["id"], "no enabled prompts", ts(now), claimed_at=held
                )
                return Outcome(channel.channel_id, "failed", slot, row["id"], reason="no prompts")
            await self.store.set_prompt(row["id"], prompt.id, prompt.theme_id)
        deadline = self._deadline(channel, slot, now)
        return await self.deliver(
            guild,
            channel,
            row["id"],
            prompt,
            now,
            deadline,
            since=row["slot"],
            check=check,
            claimed_at=row["claimed_at"],
            started=started,
        )

    @staticmethod
    def _deadline(channel: ChannelConfig, slot: datetime, now: datetime) -> datetime:
        """Retry until the catch-up window closes, but stop well before another process could
        take the claim as an interrupted one."""
        return min(slot + channel.catch_up, now + timedelta(seconds=STALE_AFTER // 2))

    async def _next_prompt(self, channel: ChannelConfig) -> Prompt | None:
        pool = pool_for(self.holder.library, channel)
        chosen = choose_next(pool, await self.store.history(channel.channel_id))
        return chosen[0] if chosen else None
