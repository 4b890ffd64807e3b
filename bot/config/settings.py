"""config.yaml → typed, validated settings. The token comes only from DISCORD_TOKEN.

The file's sections are read by :mod:`bot.config.reader`, its values checked by
:mod:`bot.config.values` and :mod:`bot.config.schedule_values`; everything callers need is here.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.config.schedule_values import cron_problem
from bot.errors import InputError, Problem

log = logging.getLogger(__name__)

__all__ = [
    "ChannelConfig",
    "DigestConfig",
    "GuildConfig",
    "Settings",
    "cron_problem",
    "load_config",
    "token_from_env",
]


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
    ping_sensitive: bool = False  # ping the role with sensitive prompts too


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
    max_pending_suggestions: int = 3  # per member
    max_suggestions_per_day: int = 5  # per member, any 24 hours
    # Anonymous answers and care for heavy topics.
    anonymous_answers: str = "off"  # "off", "all" or "sensitive" (config: false/true/sensitive)
    reveal_role_ids: tuple[int, ...] = ()  # who may look up an anonymous author; none = no one
    anonymous_per_hour: int = 5  # anonymous answers a member may post per hour
    care_note: str | None = None  # shown with sensitive prompts
    support_links: tuple[str, ...] = ()  # shown with sensitive prompts, under the care note


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
    from bot.config.reader import ConfigReader  # it builds the dataclasses above

    reader = ConfigReader(str(path), known_themes, known_prompts)
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
