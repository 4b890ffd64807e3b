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
import sqlite3
from datetime import UTC, datetime, timedelta

from bot.config.settings import ChannelConfig
from bot.posting.delivery import STALE_AFTER, ts
from bot.posting.types import Outcome, PostRefused, PostUnavailable, Published
from bot.prompts.model import Prompt
from bot.schedule.cron import latest_slot, slots_between

log = logging.getLogger(__name__)

MISSED_COUNT_CAP = 10_000


class Recovery:
    async def _recover(self, now: datetime, started: float) -> tuple[list, list[Outcome]]:
        """Resolve interrupted claims: the ones to post again now, and what became of others."""
        retries, outcomes = [], []
        for row in await self.store.stale_claims(ts(now) - STALE_AFTER):
            try:
                result = await self._recover_one(row, now, started)
            except Exception:
                log.exception("could not recover interrupted post %s", row["id"])
                continue
            if result is True:
                retries.append(await self.store.post(row["id"]))
            elif isinstance(result, Outcome):
                outcomes.append(result)
        return retries, outcomes

    async def _recover_one(self, row: sqlite3.Row, now: datetime, started: float) -> bool | Outcome:
        """Discord already holds the message → recorded as posted (and announced); else one
        retry inside the catch-up window unless paused; else failed, moderators told. No answer
        from Discord → left for a later pass; a refused look → no retry (never post blind)."""
        pair = next((gc for gc in self.channels() if gc[1].channel_id == row["channel_id"]), None)
        guild, channel = pair or (self._guild(row["guild_id"]), None)
        prompt = self.holder.library.prompt(row["prompt_id"]) if row["prompt_id"] else None
        answered = channel is None or prompt is None  # no message Discord could hold
        if not answered:
            try:
                found = await self._look(channel, prompt, row)
            except PostUnavailable as exc:
                log.warning("post %s: %s; left for a later pass", row["id"], exc)
                return False
            except PostRefused as exc:
                log.warning("post %s: cannot look for its message: %s", row["id"], exc)
                found = None
            else:
                answered = True
            if found is not None:
                now = self.clock_now(now, started)
                if await self.store.adopt_claim(row["id"], row["claimed_at"], ts(now)):
                    return await self._posted(
                        guild, channel, row["id"], prompt, found, now, ts(now)
                    )
                return False
        now = self.clock_now(now, started)
        cid = row["channel_id"]
        if answered and channel is not None and row["kind"] == "scheduled" and row["attempts"] < 1:
            inside = row["slot"] + channel.catch_up.total_seconds() >= now.timestamp()
            if inside and await self.store.is_paused(cid):
                await self.store.skip_interrupted(row["id"], row["claimed_at"])
                slot = datetime.fromtimestamp(row["slot"], UTC)
                return Outcome(cid, "skipped", slot, row["id"], reason="paused")
            if inside:
                log.warning("retrying interrupted post %s in channel %s", row["id"], cid)
                return await self.store.take_retry(row["id"], row["claimed_at"], ts(now))
        error = "interrupted before posting"
        if await self.store.fail_interrupted(row["id"], row["claimed_at"], error):
            log.warning("interrupted post %s in channel %s marked failed", row["id"], cid)
            what = f"prompt `{row['prompt_id']}`" if row["prompt_id"] else "a prompt"
            text = f"Could not post {what} in <#{cid}>: {error} (the bot was restarted)."
            if guild is not None:
                await self._notify(guild, text)
            return Outcome(cid, "failed", None, row["id"], row["prompt_id"], reason=error)
        return False

    async def _look(
        self, channel: ChannelConfig, prompt: Prompt, row: sqlite3.Row
    ) -> Published | None:
        """Whether Discord holds the claim's message, within ``attempt_timeout``."""
        since = row["slot"] if row["slot"] is not None else row["claimed_at"]
        try:
            async with asyncio.timeout(self.attempt_timeout):
                return await self.publisher.find_published(channel, prompt, since)
        except TimeoutError as exc:
            raise PostUnavailable(f"no answer from Discord in {self.attempt_timeout:.0f}s") from exc


def log_missed(channel: ChannelConfig, last: int | None, slot: datetime) -> None:
    """Log the slots after ``last`` and before ``slot`` that nobody posted (the bot was down)."""
    if last is None:
        return
    start, end = datetime.fromtimestamp(last, UTC), slot - timedelta(seconds=1)
    count, first = count_missed(channel.cron, channel.timezone, start, end)
    if not count:
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
