"""The configured guilds and their discussion channels, as the posting service looks them up."""

from __future__ import annotations

from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.posting.types import PostingError


class ChannelDirectory:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def all(self) -> list[tuple[GuildConfig, ChannelConfig]]:
        """Every configured channel with its guild, in config order."""
        return [(g, c) for g in self.settings.guilds for c in g.channels]

    def guilds(self) -> tuple[GuildConfig, ...]:
        return self.settings.guilds

    def serves(self, guild_id: int) -> bool:
        """True if the guild is on this process's shards (always, without sharding)."""
        return self.settings.serves(guild_id)

    def guild(self, guild_id: int) -> GuildConfig | None:
        return self.settings.guild(guild_id)

    def of_channel(self, channel_id: int) -> tuple[GuildConfig, ChannelConfig] | None:
        return next((gc for gc in self.all() if gc[1].channel_id == channel_id), None)

    def find(self, guild_id: int, channel_id: int) -> tuple[GuildConfig, ChannelConfig]:
        """The configured guild and channel; PostingError if the channel has no schedule."""
        for guild, channel in self.all():
            if guild.guild_id == guild_id and channel.channel_id == channel_id:
                return guild, channel
        raise PostingError(f"<#{channel_id}> is not a discussion channel in the bot's config.")
