"""config.yaml → typed, validated settings. The token comes only from DISCORD_TOKEN."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from cronsim import CronSim, CronSimError

from bot.errors import InputError, Problem
from bot.yaml_nodes import NodeReader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelConfig:
    channel_id: int
    cron: str  # five-field cron expression, evaluated in ``timezone``
    timezone: str  # IANA name, e.g. "Europe/London"
    themes: tuple[str, ...] = ()  # theme ids this channel draws from; empty = all
    prompts: tuple[str, ...] = ()  # prompt ids this channel draws from; empty = all
    thread: bool = True
    auto_archive_minutes: int = 1440  # one of 60, 1440, 4320, 10080
    ping_role_id: int | None = None
    catch_up: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class DigestConfig:
    cron: str = "0 9 * * MON"
    timezone: str = "UTC"


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    moderator_role_ids: tuple[int, ...] = ()
    mod_log_channel_id: int | None = None
    channels: tuple[ChannelConfig, ...] = ()
    digest: DigestConfig | None = None  # weekly digest to the mod-log channel; None = off


@dataclass(frozen=True)
class Settings:
    database: Path = Path("data/bot.sqlite3")
    prompts_dir: Path = Path("prompts")
    log_level: str = "INFO"
    retention_days: int | None = None  # participation rows older than this are purged daily
    guilds: tuple[GuildConfig, ...] = field(default_factory=tuple)
    # A self-hosted Discord-compatible server; None means Discord itself.
    api_base: str | None = None  # e.g. http://127.0.0.1:8080/api/v10
    gateway_url: str | None = None  # e.g. ws://127.0.0.1:8080/gateway


# --- loading --------------------------------------------------------------------------------

_TOP_KEYS = (
    "database",
    "prompts_dir",
    "log_level",
    "retention_days",
    "guilds",
    "api_base",
    "gateway_url",
)
_GUILD_KEYS = ("guild_id", "moderator_role_ids", "mod_log_channel_id", "digest", "channels")
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
)
_DIGEST_KEYS = ("cron", "timezone")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_AUTO_ARCHIVE = (60, 1440, 4320, 10080)


def load_config(
    path: Path,
    known_themes: set[str] | None = None,
    known_prompts: set[str] | None = None,
) -> Settings:
    """Read and validate ``path``; raises InputError listing every problem with its line.

    Relative paths inside the file are relative to the file's folder. When ``known_themes`` /
    ``known_prompts`` are given, theme and prompt ids a channel names must be among them.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            [Problem(str(path), None, "config file not found (copy config.example.yaml)")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), None, f"cannot read config file: {exc}")]) from None
    reader = _ConfigReader(str(path), known_themes, known_prompts)
    settings = reader.settings(text, path.parent)
    if reader.problems:
        raise InputError(sorted(reader.problems, key=lambda p: p.line or 0))
    return settings


def token_from_env() -> str:
    """The bot token, from the DISCORD_TOKEN environment variable only."""
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise InputError(
            [
                Problem(
                    "DISCORD_TOKEN",
                    None,
                    "environment variable is not set; set it to the bot token",
                )
            ]
        )
    return token


class _ConfigReader(NodeReader):
    """The config file's sections on top of the generic node checks."""

    def __init__(self, path: str, themes: set[str] | None, prompts: set[str] | None) -> None:
        super().__init__(path)
        self.known_themes = themes
        self.known_prompts = prompts
        self.guild_ids: set[int] = set()
        self.channel_ids: set[int] = set()

    def unknown_key(self, node: yaml.Node, key: Any, allowed: tuple[str, ...], what: str) -> None:
        if key == "token":
            self.problem(node, "the token is never read from a file: set DISCORD_TOKEN instead")
        else:
            super().unknown_key(node, key, allowed, what)

    def settings(self, text: str, base: Path) -> Settings:
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

    # --- sections ----------------------------------------------------------------------------

    def guild(self, node: yaml.Node) -> GuildConfig | None:
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
        )
        return guild if guild_id is not None else None

    def digest(self, node: yaml.Node, key: str) -> DigestConfig | None:
        fields = self.mapping(node, key, _DIGEST_KEYS)
        if fields is None:
            return None
        return DigestConfig(
            cron=self.get(fields, "cron", self.cron, DigestConfig.cron),
            timezone=self.get(fields, "timezone", self.timezone, DigestConfig.timezone),
        )

    def channel(self, node: yaml.Node) -> ChannelConfig | None:
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
        }
        if None in required.values():
            return None
        return ChannelConfig(**required, **optional)

    # --- values ------------------------------------------------------------------------------

    def log_level(self, node: yaml.Node, key: str) -> str | None:
        value = self.string(node, key)
        if value is not None and value.upper() not in _LOG_LEVELS:
            self.problem(node, f"{key} must be one of {', '.join(_LOG_LEVELS)}")
            return None
        return value.upper() if value else None

    def http_url(self, node: yaml.Node, key: str) -> str | None:
        return self._url(node, key, ("http", "https"))

    def ws_url(self, node: yaml.Node, key: str) -> str | None:
        return self._url(node, key, ("ws", "wss"))

    def _url(self, node: yaml.Node, key: str, schemes: tuple[str, ...]) -> str | None:
        value = self.string(node, key)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.hostname:
            wanted = " or ".join(f"{s}://" for s in schemes)
            self.problem(node, f"{key} must be a {wanted} URL with a host, got {value!r}")
            return None
        return value

    def cron(self, node: yaml.Node, key: str) -> str | None:
        value = self.string(node, key)
        if value is None:
            return None
        problem = cron_problem(value)
        if problem:
            self.problem(node, f"{key} {value!r}: {problem}")
            return None
        return value

    def timezone(self, node: yaml.Node, key: str) -> str | None:
        value = self.string(node, key)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a long name
            self.problem(node, f"{key} {value!r} is not an IANA timezone name (e.g. Europe/London)")
            return None
        return value

    def auto_archive(self, node: yaml.Node, key: str) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or value not in _AUTO_ARCHIVE:
            self.problem(
                node, f"{key} must be one of {', '.join(map(str, _AUTO_ARCHIVE))} (minutes)"
            )
            return None
        return value

    def duration(self, node: yaml.Node, key: str) -> timedelta | None:
        value = self.scalar(node)
        if isinstance(value, str) and value.strip().isdecimal():  # not "²"
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = f"{value}m"
        match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
        if not match or not any(match.groups()):
            self.problem(node, f"{key} must be a duration like 1h, 30m, 90s or 1h30m (or minutes)")
            return None
        h, m, s = (int(g[:-1]) if g else 0 for g in match.groups())
        try:
            return timedelta(hours=h, minutes=m, seconds=s)
        except OverflowError:
            self.problem(node, f"{key} is far too long")
            return None

    def ids(self, node: yaml.Node, key: str, known: set[str] | None, kind: str) -> tuple[str, ...]:
        found = []
        for item in self.items(node, key):
            value = self.string(item, f"each entry of {key}")
            if value is None:
                continue
            if known is not None and value not in known:
                self.problem(item, f"unknown {kind} {value!r}")
            found.append(value)
        return tuple(found)


_DURATION = re.compile(r"(\d+h)?\s*(\d+m)?\s*(\d+s)?")


def cron_problem(expr: str) -> str | None:
    """Why ``expr`` is not a usable five-field cron expression, or None if it is fine."""
    if len(expr.split()) != 5:
        return "a cron expression has five fields: minute hour day-of-month month day-of-week"
    try:
        next(CronSim(expr, datetime(2000, 1, 1, tzinfo=UTC)))
    except CronSimError as exc:
        return str(exc)
    except StopIteration:
        return "this schedule never fires"
    return None
