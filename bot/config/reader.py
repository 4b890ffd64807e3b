"""The config file's sections (top level, guilds, digest, channels) read into settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node

from bot.config.care_values import CARE_KEYS, CareValues
from bot.config.database import parse_database
from bot.config.facilitation_values import (
    CHANNEL_FACILITATION_KEYS,
    GUILD_WELCOME_KEYS,
    FacilitationValues,
)
from bot.config.model import ChannelConfig, DigestConfig, GuildConfig, Settings
from bot.config.schedule_values import ScheduleValues
from bot.config.sharding import SHARD_KEYS, ShardValues
from bot.config.values import ConfigValues
from bot.errors import Problem
from bot.yaml_nodes import NodeReader

_TOP_KEYS = (
    "database",
    "prompts_dir",
    "log_level",
    "retention_days",
    "guilds",
    "api_base",
    "gateway_url",
    *SHARD_KEYS,
    "global_rate_limit",
)
_GUILD_KEYS = (
    "guild_id",
    "moderator_role_ids",
    "mod_log_channel_id",
    "digest",
    "channels",
    "max_pending_suggestions",
    "max_suggestions_per_day",
    "timezone",
    "starter_channels",
    "starter_cooldown",
    "starter_daily_limit",
    *CARE_KEYS,
    *GUILD_WELCOME_KEYS,
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
    *CHANNEL_FACILITATION_KEYS,
    "pin",
    "forum_tags",
)
_DIGEST_KEYS = ("cron", "timezone")
FORUM_TAG_MAX = 20  # Discord's limit on a tag's name


class ConfigNodes(NodeReader):
    """The node reader of a config file: a ``token`` key gets its own explanation."""

    def unknown_key(self, node: Node, key: Any, allowed: tuple[str, ...], what: str) -> None:
        if key == "token":
            self.problem(node, "the token is never read from a file: set DISCORD_TOKEN instead")
        else:
            super().unknown_key(node, key, allowed, what)


class ConfigReader:
    """The config file's sections, read with the value checks it composes; problems collect
    on the one node reader they share."""

    def __init__(
        self,
        path: str,
        themes: set[str] | None,
        prompts: set[str] | None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.nodes = ConfigNodes(path)
        self.shards = ShardValues(self.nodes, env or {})
        self.values = ConfigValues(self.nodes)
        self.schedule = ScheduleValues(self.nodes)
        self.care = CareValues(self.nodes, self.values)
        self.facilitation = FacilitationValues(self.nodes, self.values)
        self.known_themes = themes
        self.known_prompts = prompts
        self.guild_ids: set[int] = set()
        self.channel_ids: set[int] = set()

    @property
    def problems(self) -> list[Problem]:
        return self.nodes.problems

    def settings(self, text: str, base: Path) -> Settings:
        """The whole file; relative paths in it are taken from ``base``."""
        nodes, values = self.nodes, self.values
        root = nodes.compose(text)
        fields = {} if root is None else nodes.mapping(root, "the config file", _TOP_KEYS) or {}
        return Settings(
            database=parse_database(
                nodes.get(fields, "database", values.database, str(Settings.database)), base
            ),
            prompts_dir=base
            / nodes.get(fields, "prompts_dir", values.path, str(Settings.prompts_dir)),
            log_level=nodes.get(fields, "log_level", values.log_level, Settings.log_level),
            retention_days=nodes.get(fields, "retention_days", values.positive, None),
            guilds=tuple(
                g for g in map(self.guild, nodes.items(fields.get("guilds"), "guilds")) if g
            ),
            api_base=nodes.get(fields, "api_base", values.http_url, None),
            gateway_url=nodes.get(fields, "gateway_url", values.ws_url, None),
            sharding=self.shards.sharding(fields),
            global_rate_limit=nodes.get(
                fields, "global_rate_limit", values.positive, Settings.global_rate_limit
            ),
        )

    def guild(self, node: Node) -> GuildConfig | None:
        nodes, values = self.nodes, self.values
        fields = nodes.mapping(node, "a guild", _GUILD_KEYS)
        if fields is None:
            return None
        guild_id = nodes.require(fields, "guild_id", values.snowflake, node, "a guild")
        if guild_id is not None and guild_id in self.guild_ids:
            nodes.problem(node, f"guild {guild_id} is listed twice")
        self.guild_ids.add(guild_id)
        channels = [self.channel(item) for item in nodes.items(fields.get("channels"), "channels")]
        guild = GuildConfig(
            guild_id=guild_id,
            moderator_role_ids=values.snowflakes(
                fields.get("moderator_role_ids"), "moderator_role_ids"
            ),
            mod_log_channel_id=nodes.get(fields, "mod_log_channel_id", values.snowflake, None),
            channels=tuple(c for c in channels if c),
            digest=nodes.get(fields, "digest", self.digest, None),
            timezone=nodes.get(fields, "timezone", self.schedule.timezone, None),
            **{
                key: nodes.get(fields, key, values.positive, getattr(GuildConfig, key))
                for key in ("max_pending_suggestions", "max_suggestions_per_day")
            },
            **self.care.care(fields, node),
            **self.facilitation.guild(fields),
            **self.starters(fields),
        )
        return guild if guild_id is not None else None

    def starters(self, fields: dict[str, Node]) -> dict[str, Any]:
        """Where and how often members may ask for a conversation starter (``/starter``)."""
        nodes, values = self.nodes, self.values
        return {
            "starter_channels": values.snowflakes(
                fields.get("starter_channels"), "starter_channels"
            ),
            "starter_cooldown": nodes.get(
                fields, "starter_cooldown", self.schedule.duration, GuildConfig.starter_cooldown
            ),
            "starter_daily_limit": nodes.get(
                fields, "starter_daily_limit", values.positive, GuildConfig.starter_daily_limit
            ),
        }

    def forum_tags(self, node: Node | None) -> tuple[tuple[str, str], ...]:
        """``{theme-id: tag name}``: the forum tag each theme's posts carry (names are looked
        up among the forum's tags at start)."""
        if node is None or self.nodes.is_null(node):
            return ()
        if not isinstance(node, MappingNode):
            self.nodes.problem(node, "forum_tags must map theme ids to forum tag names")
            return ()
        pairs = []
        for key_node, value_node in node.value:
            theme = self.nodes.string(key_node, "a theme id in forum_tags")
            tag = self.nodes.string(value_node, f"the forum tag of {theme}")
            if theme is None or tag is None:
                continue
            if self.known_themes is not None and theme not in self.known_themes:
                self.nodes.problem(key_node, f"unknown theme {theme!r}")
            elif not 0 < len(tag) <= FORUM_TAG_MAX:
                self.nodes.problem(
                    value_node, f"a forum tag name is 1 to {FORUM_TAG_MAX} characters long"
                )
            else:
                pairs.append((theme, tag))
        return tuple(pairs)

    def digest(self, node: Node, key: str) -> DigestConfig | None:
        nodes, schedule = self.nodes, self.schedule
        fields = nodes.mapping(node, key, _DIGEST_KEYS)
        if fields is None:
            return None
        return DigestConfig(
            cron=nodes.get(fields, "cron", schedule.cron, DigestConfig.cron),
            timezone=nodes.get(fields, "timezone", schedule.timezone, DigestConfig.timezone),
        )

    def channel(self, node: Node) -> ChannelConfig | None:
        nodes, values, schedule = self.nodes, self.values, self.schedule
        fields = nodes.mapping(node, "a channel", _CHANNEL_KEYS)
        if fields is None:
            return None
        required = {
            key: nodes.require(fields, key, convert, node, "a channel")
            for key, convert in (
                ("channel_id", values.snowflake),
                ("cron", schedule.cron),
                ("timezone", schedule.timezone),
            )
        }
        if required["channel_id"] is not None and required["channel_id"] in self.channel_ids:
            nodes.problem(node, f"channel {required['channel_id']} is listed twice")
        self.channel_ids.add(required["channel_id"])
        optional = {
            "themes": values.ids(fields.get("themes"), "themes", self.known_themes, "theme"),
            "prompts": values.ids(fields.get("prompts"), "prompts", self.known_prompts, "prompt"),
            "thread": nodes.get(fields, "thread", values.boolean, ChannelConfig.thread),
            "auto_archive_minutes": nodes.get(
                fields,
                "auto_archive_minutes",
                values.auto_archive,
                ChannelConfig.auto_archive_minutes,
            ),
            "ping_role_id": nodes.get(fields, "ping_role_id", values.snowflake, None),
            "catch_up": nodes.get(fields, "catch_up", schedule.duration, ChannelConfig.catch_up),
            "ping_sensitive": nodes.get(
                fields, "ping_sensitive", values.boolean, ChannelConfig.ping_sensitive
            ),
            **self.facilitation.channel(fields),
            "pin": nodes.get(fields, "pin", values.boolean, ChannelConfig.pin),
            "forum_tags": self.forum_tags(fields.get("forum_tags")),
        }
        if None in required.values():
            return None
        return ChannelConfig(**required, **optional)
