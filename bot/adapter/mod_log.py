"""Notes to a guild's mod-log channel: where every act that touches a member's privacy (a
lookup, an export, a reveal) is recorded for the moderators."""

from __future__ import annotations

import logging

import discord

from bot.config.settings import GuildConfig

log = logging.getLogger(__name__)

MESSAGE_MAX = 2000


async def post_to_mod_log(client: discord.Client, guild: GuildConfig | None, text: str) -> bool:
    """Post ``text`` (pinging nobody) to the guild's mod-log channel; False if it has none or
    Discord refused (logged)."""
    if guild is None or guild.mod_log_channel_id is None:
        return False
    try:
        await client.get_partial_messageable(guild.mod_log_channel_id).send(
            text[:MESSAGE_MAX], allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.HTTPException as exc:
        log.warning("mod-log of guild %s refused: %s", guild.guild_id, exc)
        return False
    return True
