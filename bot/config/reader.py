"""The config file's sections (top level, guilds, digest, channels) read into settings.

Imported by :func:`bot.config.settings.load_config` when it runs, since this module builds the
dataclasses that ``bot.config.settings`` defines.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from bot.config.care_values import CARE_KEYS, CareValues
from bot.config.schedule_values import ScheduleValues
from bot.config.settings import ChannelConfig, DigestConfig, GuildConfig, Settings
from bot.config.values import ConfigValues

log = logging.getLogger(__name__)

_TOP_KEYS = (
    "database",
    "prompts_dir",
    "log_level",
    "retention_days",
    "guilds",
    "api_base",
    "gateway_url",
)
_GUILD_KEYS = (
    "guild_id",
    "moderator_role_ids",
    "mod_log_channel_id",
    "digest",
    "channels",
    "max_pending_suggestions",
    "max_suggestions_per_day",
    *CARE_KEYS,
)
_CHANNEL_KEYS = (
    "channel_id",
    "cron",
    "timezone",
    "themes",
    "prompts",
    "thread",
    "auto_archive_minutes",
    "ping_role_id",
    "catch_up",
    "ping_sensitive",
)
_DIGEST_KEYS = ("cron", "timezone")


class ConfigReader(ConfigValues, ScheduleValues, CareValues):
    """The config file's sections on top of the value checks; problems collect as it reads."""

    def __init__(self, path: str, themes: set[str] | None, prompts: set[str] | None) -> None:
        super().__init__(path)
        self.known_themes = themes
        self.known_prompts = prompts
        self.guild_ids: set[int] = set()
        self.channel_ids: set[int] = set()

    def unknown_key(self, node: Node, key: Any, allowed: tuple[str, ...], what: str) -> None:
        if key == "token":
            self.problem(node, "the token is never read from a file: set DISCORD_TOKEN instead")
        else:
            super().unknown_key(node, key, allowed, what)

    def settings(self, text: str, base: Path) -> Settings:
        """The whole file; relative paths in it are taken from ``base``."""
        root = self.compose(text)
        fields = {} if root is None else self.mapping(root, "the config file", _TOP_KEYS) or {}
        return Settings(
            database=base / self.get(fields, "database", self.string, str(Settings.database)),
            prompts_dir=base
            / self.get(fields, "prompts_dir", self.string, str(Settings.prompts_dir)),
            log_level=self.get(fields, "log_level", self.log_level, Settings.log_level),
            retention_days=self.get(fields, "retention_days", self.positive, None),
            guilds=tuple(
                g for g in map(self.guild, self.items(fields.get("guilds"), "guilds")) if g
            ),
            api_base=self.get(fields, "api_base", self.http_url, None),
            gateway_url=self.get(fields, "gateway_url", self.ws_url, None),
        )

    def guild(self, node: Node) -> GuildConfig | None:
        fields = self.mapping(node, "a guild", _GUILD_KEYS)
        if fields is None:
            return None
        guild_id = self.require(fields, "guild_id", self.snowflake, node, "a guild")
        if guild_id is not None and guild_id in self.guild_ids:
            self.problem(node, f"guild {guild_id} is listed twice")
        self.guild_ids.add(guild_id)
        channels = [self.channel(item) for item in self.items(fields.get("channels"), "channels")]
        guild = GuildConfig(
            guild_id=guild_id,
            moderator_role_ids=self.snowflakes(
                fields.get("moderator_role_ids"), "moderator_role_ids"
            ),
            mod_log_channel_id=self.get(fields, "mod_log_channel_id", self.snowflake, None),
            channels=tuple(c for c in channels if c),
            digest=self.get(fields, "digest", self.digest, None),
            **{
                key: self.get(fields, key, self.positive, getattr(GuildConfig, key))
                for key in ("max_pending_suggestions", "max_suggestions_per_day")
            },
            **self.care(fields, node),
        )
        return guild if guild_id is not None else None

    def digest(self, node: Node, key: str) -> DigestConfig | None:
        fields = self.mapping(node, key, _DIGEST_KEYS)
        if fields is None:
            return None
        return DigestConfig(
            cron=self.get(fields, "cron", self.cron, DigestConfig.cron),
            timezone=self.get(fields, "timezone", self.timezone, DigestConfig.timezone),
        )

    def channel(self, node: Node) -> ChannelConfig | None:
        fields = self.mapping(node, "a channel", _CHANNEL_KEYS)
        if fields is None:
            return None
        required = {
            key: self.require(fields, key, convert, node, "a channel")
            for key, convert in (
                ("channel_id", self.snowflake),
                ("cron", self.cron),
                ("timezone", self.timezone),
            )
        }
        if required["channel_id"] is not None and required["channel_id"] in self.channel_ids:
            self.problem(node, f"channel {required['channel_id']} is listed twice")
        self.channel_ids.add(required["channel_id"])
        optional = {
            "themes": self.ids(fields.get("themes"), "themes", self.known_themes, "theme"),
            "prompts": self.ids(fields.get("prompts"), "prompts", self.known_prompts, "prompt"),
            "thread": self.get(fields, "thread", self.boolean, ChannelConfig.thread),
            "auto_archive_minutes": self.get(
                fields,
                "auto_archive_minutes",
                self.auto_archive,
                ChannelConfig.auto_archive_minutes,
            ),
            "ping_role_id": self.get(fields, "ping_role_id", self.snowflake, None),
            "catch_up": self.get(fields, "catch_up", self.duration, ChannelConfig.catch_up),
            "ping_sensitive": self.get(
                fields, "ping_sensitive", self.boolean, ChannelConfig.ping_sensitive
            ),
        }
        if None in required.values():
            return None
        return ChannelConfig(**required, **optional)
