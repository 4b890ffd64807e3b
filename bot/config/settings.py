"""config.yaml → typed, validated settings. The token comes only from DISCORD_TOKEN.

The file's sections are read by :mod:`bot.config.reader`, its values checked by
:mod:`bot.config.values` and :mod:`bot.config.schedule_values`, into the types of
:mod:`bot.config.model`; everything callers need is here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from bot.config.model import ChannelConfig, DigestConfig, GuildConfig, Settings
from bot.config.reader import ConfigReader
from bot.config.schedule_values import cron_problem
from bot.config.sharding import Sharding
from bot.errors import InputError, Problem
from bot.yaml_nodes import FileTooLarge, read_capped

__all__ = [
    "MAX_CONFIG_BYTES",
    "ChannelConfig",
    "DigestConfig",
    "GuildConfig",
    "Settings",
    "Sharding",
    "cron_problem",
    "load_config",
    "placeholder_ids",
    "token_from_env",
]

# A bot in thousands of servers lists them all: 1,000 guilds of three channels are about 370 KiB
# written out in full, 10,000 about 4 MiB (read in about 5 s).
MAX_CONFIG_BYTES = 16 * 1024 * 1024


def load_config(
    path: Path,
    known_themes: set[str] | None = None,
    known_prompts: set[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read and validate ``path``; raises InputError listing every problem with its line.

    Relative paths inside the file are relative to the file's folder. When ``known_themes`` /
    ``known_prompts`` are given, theme and prompt ids a channel names must be among them.
    ``env`` (the process's environment unless given) may set ``SHARD_COUNT`` and
    ``SHARD_IDS``, which win over the file's ``shard_count`` and ``shard_ids``.
    """
    path = Path(path)
    try:
        text = read_capped(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise InputError(
            [Problem(str(path), None, "config file not found (copy config.example.yaml)")]
        ) from None
    except FileTooLarge as exc:
        raise InputError([Problem(str(path), None, str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), None, f"cannot read config file: {exc}")]) from None
    reader = ConfigReader(
        str(path), known_themes, known_prompts, os.environ if env is None else env
    )
    settings = reader.settings(text, path.parent)
    if reader.problems:
        raise InputError(sorted(reader.problems, key=lambda p: p.line or 0))
    return settings


def placeholder_ids(settings: Settings) -> list[int]:
    """Ids written as one digit repeated (111111111111111111, as in config.example.yaml):
    placeholders, not ids Discord gave out."""
    ids = []
    for guild in settings.guilds:
        ids += [guild.guild_id, *guild.moderator_role_ids, guild.mod_log_channel_id]
        ids += guild.starter_channels
        for channel in guild.channels:
            ids += [channel.channel_id, channel.ping_role_id]
    return [i for i in dict.fromkeys(ids) if i is not None and i > 9 and len(set(str(i))) == 1]


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
