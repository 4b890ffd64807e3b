"""Scheduled report work: the weekly digest to each guild's mod-log channel at its configured
cron slot, and the daily purge of participation older than ``retention_days``.

The loop sleeps until the next due time (no polling). ``run_due(now)`` does one pass and is what
tests call with their own ``now``. A digest slot missed while the bot was down is not sent late:
the next one comes at the following slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.charts import chart_file, draw_chart, quiet_note
from bot.adapter.context import message_channel
from bot.charts.types import CHART_KINDS
from bot.reports.builders import server_report
from bot.reports.digest import MAX_MESSAGE, weekly_digest_text
from bot.schedule.cron import next_slot

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services
    from bot.config.settings import GuildConfig

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)
PURGE_EVERY = timedelta(days=1)


class ReportTasks(commands.Cog, name="ReportTasks"):
    def __init__(
        self,
        bot: DiscussionBot,
        services: Services,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.services = services
        self._sleep = sleep
        self.next_digest: dict[int, datetime] = {}
        self.next_purge: datetime | None = None
        self._task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        self.plan(self.services.clock())
        self._task = asyncio.create_task(self.run(), name="report-tasks")

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task  # stopped before the bot writes the last queued rows

    def plan(self, now: datetime) -> None:
        """Due times from ``now``: each guild's next digest slot; a purge at once."""
        for guild in self.services.settings.guilds:
            if guild.digest is not None and guild.mod_log_channel_id is not None:
                self.next_digest[guild.guild_id] = next_slot(
                    guild.digest.cron, guild.digest.timezone, now
                )
        if self.services.settings.retention_days:
            self.next_purge = now

    def next_due(self) -> datetime | None:
        times = [*self.next_digest.values(), *([self.next_purge] if self.next_purge else [])]
        return min(times, default=None)

    async def run(self) -> None:
        """Sleep until the next due time, do what is due, forever. Errors are logged."""
        await self.bot.wait_until_ready()
        while (due := self.next_due()) is not None:
            delay = (due - self.services.clock()).total_seconds()
            if delay > 0:
                await self._sleep(delay)
            try:
                await self.run_due(self.services.clock())
            except Exception:
                log.exception("scheduled report work failed; trying again at the next slot")

    async def run_due(self, now: datetime) -> None:
        """Post every digest due at ``now``, purge if due, and plan the next times."""
        for guild_id, due in list(self.next_digest.items()):
            if due <= now:
                guild = self.services.settings.guild(guild_id)
                if guild is None or guild.digest is None:  # only configured digests are planned
                    del self.next_digest[guild_id]
                    continue
                self.next_digest[guild_id] = next_slot(
                    guild.digest.cron, guild.digest.timezone, now
                )
                # Another process of the bot on this database plans the same slot: once.
                act = f"digest:{guild_id}:{int(due.timestamp())}"
                if await self.services.stores.claims.claim_act(act, int(now.timestamp())):
                    await self.post_digest(guild, now)
        if self.next_purge is not None and self.next_purge <= now:
            self.next_purge = now + PURGE_EVERY
            await self.purge(now)

    async def post_digest(self, guild: GuildConfig, now: datetime) -> None:
        """The last week's server report as plain text in the mod-log channel, pinging nobody."""
        if guild.mod_log_channel_id is None:  # a digest is planned only with a mod-log channel
            return
        await self.services.writer.flush()
        end = int(now.timestamp())
        since = int((now - WEEK).timestamp())
        report = await server_report(self.services.stores.reports, guild.guild_id, since, end)
        text, files = await self.digest_charts(guild, weekly_digest_text(report), end)
        channel = message_channel(self.bot, guild.mod_log_channel_id, guild.guild_id)
        try:
            await channel.send(text, files=files, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.error("weekly digest for guild %s not posted: %s", guild.guild_id, exc)
            return
        log.info("weekly digest posted in guild %s", guild.guild_id)

    async def digest_charts(
        self, guild: GuildConfig, text: str, now: int
    ) -> tuple[str, list[discord.File]]:
        """The three charts of the last 28 days for the digest; a line under the text for those
        that cannot be drawn (one line when the server was too quiet for any)."""
        files, drawn = [], []
        for kind in CHART_KINDS:
            reply = await draw_chart(self.services, guild, guild.guild_id, kind, now)
            drawn.append(reply)
            if reply.chart is not None:
                files.append(chart_file(reply.chart))
        notes = [r.note for r in drawn if r.note]
        if all(r.quiet for r in drawn):
            notes = [quiet_note(drawn[0].activity, drawn[0].days)]
        for note in notes:
            if len(text) + 1 + len(note) <= MAX_MESSAGE:
                text += "\n" + note
        return text, files

    async def purge(self, now: datetime) -> int:
        """Delete participation older than ``retention_days``; returns rows deleted."""
        days = self.services.settings.retention_days
        if days is None:  # purges are planned only with a retention
            return 0
        cutoff = int((now - timedelta(days=days)).timestamp())
        deleted = await self.services.stores.participation.purge_older_than(cutoff)
        deleted += await self.services.stores.anonymous.purge_older_than(cutoff)
        log.info("retention: %d participation records older than %s deleted", deleted, cutoff)
        return deleted
