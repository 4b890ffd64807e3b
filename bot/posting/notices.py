"""Notices to moderators (the guild's mod-log channel): a failed notice is logged, never raised,
so it cannot undo what it reports."""

from __future__ import annotations

import logging

from bot.config.settings import GuildConfig
from bot.posting.types import Publisher

log = logging.getLogger(__name__)


class ModNotices:
    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher

    async def send(self, guild: GuildConfig, text: str) -> None:
        try:
            await self.publisher.notify_mods(guild, text)
        except Exception:
            log.exception("could not send a notice to guild %s's mod-log", guild.guild_id)
