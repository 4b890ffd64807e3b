"""The permission self-check at start: once the bot is ready (its first READY only), every
configured channel is checked (``bot.adapter.permissions``); each problem is logged per channel
and the guild's mod-log is told in one notice. ``/topic check`` runs the same check on demand."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.adapter.permissions import check_guild, report

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

log = logging.getLogger(__name__)


class SelfCheck(commands.Cog):
    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.notices = services.posting.notices
        self.done = False

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self.done:  # a reconnect without resume sends READY again; the check ran
            return
        self.done = True
        await self.run_check()

    async def run_check(self) -> None:
        for config in self.services.settings.guilds:
            checks = check_guild(self.bot, config)
            problems = [c for c in checks if not c.ok]
            for c in problems:
                log.warning("permission check, guild %s: %s", config.guild_id, c.line(for_log=True))
            if problems:
                text = "Permission check: the bot cannot do everything it needs here.\n"
                await self.notices.send(config, text + report(checks, everything=False))
            else:
                log.info("permission check, guild %s: every channel is ready", config.guild_id)


COGS = [SelfCheck]
