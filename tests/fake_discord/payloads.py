"""JSON bodies shaped like Discord API v10 objects (users, members, guilds, channels, messages)."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
# Permissions of @everyone in a fake guild: view, send, read history, embed, attach, react,
# use application commands, create public threads, send in threads.
EVERYONE_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 14) | (1 << 15) | (1 << 6)
EVERYONE_PERMISSIONS |= (1 << 31) | (1 << 35) | (1 << 38)
ADMINISTRATOR = 1 << 3

Json = dict[str, Any]


class Snowflakes:
    """Increasing snowflake ids whose timestamps are the current time, as Discord issues them."""

    def __init__(self) -> None:
        self._last = 0
        self._counter = itertools.count()

    def next(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, stamp | (next(self._counter) & 0xFFF))
        return self._last


def iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).isoformat()


def snowflake_iso(snowflake: int) -> str:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return iso(datetime.fromtimestamp(ms / 1000, UTC))


def user(user_id: int, name: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(author: Json, roles: list[int], joined_at: str) -> Json:
    return {
        "user": author,
        "nick": None,
        "avatar": None,
        "roles": [str(r) for r in roles],
        "joined_at": joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }


def role(role_id: int, name: str, permissions: int, position: int) -> Json:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: int, guild_id: int, name: str, position: int) -> Json:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "default_auto_archive_duration": 1440,
    }


def thread(
    thread_id: int, parent: Json, name: str, owner_id: int, *, kind: int = 11, archive: int = 1440
) -> Json:
    return {
        "id": str(thread_id),
        "type": kind,
        "guild_id": parent["guild_id"],
        "parent_id": parent["id"],
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": archive,
            "archive_timestamp": iso(),
            "locked": False,
            "invitable": True,
            "create_timestamp": iso(),
        },
    }


def message(message_id: int, channel: Json, author: Json, body: Json) -> Json:
    """A message as the REST API returns it; ``body`` is what the sender posted."""
    message = {
        "id": str(message_id),
        "channel_id": channel["id"],
        "type": 19 if body.get("message_reference") else 0,
        "author": author,
        "content": body.get("content") or "",
        "timestamp": snowflake_iso(message_id),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "flags": int(body.get("flags") or 0),
    }
    # Discord leaves these keys out when unset; discord.py reads them only when present.
    message.update({k: body[k] for k in ("nonce", "message_reference") if body.get(k)})
    return message


def application(app_id: int, owner: Json) -> Json:
    return {
        "id": str(app_id),
        "name": owner["username"],
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "team": None,
        "flags": 0,
        "tags": [],
    }


def command(command_id: int, app_id: int, guild_id: int | None, body: Json) -> Json:
    return {
        "type": 1,
        "options": [],
        "default_member_permissions": None,
        "dm_permission": True,
        "nsfw": False,
        "contexts": None,
        "integration_types": [0],
        **body,
        "id": str(command_id),
        "application_id": str(app_id),
        "guild_id": str(guild_id) if guild_id else None,
        "version": str(command_id),
    }
