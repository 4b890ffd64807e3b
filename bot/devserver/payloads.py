"""Discord API payloads with the shapes Discord sends (gateway events and REST bodies).

Plain dicts, no discord.py import: these are what goes over the wire. Ids are strings, as on the
wire; every function accepts ints. Message ids encode their creation time like real snowflakes, so
``discord.Message.created_at`` is meaningful: pass ``at=`` to pin it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
BASE_TIME = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
_counter = itertools.count(1)
# @everyone's permissions in a new server: view, send, embed, attach, history, react,
# application commands, public threads and sending in threads.
DEFAULT_EVERYONE = sum(1 << b for b in (10, 11, 14, 15, 16, 6, 31, 35, 38))

Payload = dict[str, Any]


def snowflake(at: datetime | None = None) -> int:
    """A fresh unique id timestamped ``at`` (default: a fixed base time plus a tick per id)."""
    n = next(_counter)
    when = at if at is not None else BASE_TIME + timedelta(seconds=n)
    ms = int(when.timestamp() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (n % (1 << 22))


def snowflake_time(value: int | str) -> datetime:
    """The creation time encoded in a snowflake."""
    ms = (int(value) >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def user(user_id: int, name: str | None = None, *, bot: bool = False) -> Payload:
    name = name or f"user{user_id % 10000}"
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def role(role_id: int, name: str = "role", *, permissions: int = 0, position: int = 1) -> Payload:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def everyone_role(guild_id: int, *, permissions: int = 0) -> Payload:
    """The @everyone role: its id is the guild id and its position is 0."""
    return role(guild_id, "@everyone", permissions=permissions, position=0)


def member(
    user_id: int,
    roles: list[int] | tuple[int, ...] = (),
    *,
    name: str | None = None,
    bot: bool = False,
    joined_at: datetime = BASE_TIME,
) -> Payload:
    """A guild member object, including its user (as in GUILD_CREATE and GET member)."""
    return {
        "user": user(user_id, name, bot=bot),
        "nick": None,
        "avatar": None,
        "roles": [str(r) for r in roles],
        "joined_at": iso(joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }


def overwrite(target_id: int, *, kind: str = "role", allow: int = 0, deny: int = 0) -> Payload:
    """A permission overwrite; ``kind`` is "role" (type 0) or "member" (type 1)."""
    return {
        "id": str(target_id),
        "type": 0 if kind == "role" else 1,
        "allow": str(allow),
        "deny": str(deny),
    }


def text_channel(
    channel_id: int,
    guild_id: int,
    name: str = "general",
    *,
    position: int = 0,
    parent_id: int | None = None,
    overwrites: list[Payload] | None = None,
    topic: str | None = None,
) -> Payload:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": list(overwrites or []),
        "nsfw": False,
        "topic": topic,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": str(parent_id) if parent_id else None,
        "default_auto_archive_duration": 1440,
        "flags": 0,
    }


def forum_tag(tag_id: int, name: str, *, moderated: bool = False) -> Payload:
    """A tag a forum's posts may carry (``available_tags``)."""
    return {
        "id": str(tag_id), "name": name, "moderated": moderated,
        "emoji_id": None, "emoji_name": None,
    }  # fmt: skip


def forum_channel(
    channel_id: int,
    guild_id: int,
    name: str = "forum",
    *,
    position: int = 0,
    tags: Sequence[Payload] = (),
    overwrites: list[Payload] | None = None,
    media: bool = False,
) -> Payload:
    """A forum channel (type 15), or a media channel (type 16): every message starts a post."""
    return {
        "id": str(channel_id),
        "type": 16 if media else 15,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": list(overwrites or []),
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "default_auto_archive_duration": 1440,
        "default_thread_rate_limit_per_user": 0,
        "available_tags": list(tags),
        "default_reaction_emoji": None,
        "default_sort_order": None,
        "default_forum_layout": 0,
        "flags": 0,
    }


def thread(
    thread_id: int,
    guild_id: int,
    parent_id: int,
    name: str = "thread",
    *,
    owner_id: int,
    type: int = 11,
    archived: bool = False,
    locked: bool = False,
    auto_archive_duration: int = 1440,
    message_count: int = 0,
    created: datetime | None = None,
) -> Payload:
    """A thread channel (type 11 public, 12 private) with its thread_metadata."""
    created = created or snowflake_time(thread_id)
    return {
        "id": str(thread_id),
        "type": type,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": message_count,
        "member_count": 1,
        "total_message_sent": message_count,
        "flags": 0,
        "applied_tags": [],
        "thread_metadata": {
            "archived": archived,
            "auto_archive_duration": auto_archive_duration,
            "archive_timestamp": iso(created),
            "locked": locked,
            "create_timestamp": iso(created),
        },
    }


def thread_create(thread_payload: Payload, *, newly_created: bool = True) -> Payload:
    """THREAD_CREATE event data: the thread plus ``newly_created`` (absent means "joined")."""
    return {**thread_payload, "newly_created": newly_created}


def guild(
    guild_id: int,
    name: str = "guild",
    *,
    channels: Sequence[Payload] = (),
    roles: Sequence[Payload] = (),
    members: Sequence[Payload] = (),
    threads: Sequence[Payload] = (),
    owner_id: int = 1,
    everyone_permissions: int = DEFAULT_EVERYONE,
    joined_at: datetime = BASE_TIME,
) -> Payload:
    """GUILD_CREATE data. Adds the @everyone role (id = guild id) unless given; member_count is
    the number of members listed, so discord.py treats the guild as fully chunked."""
    all_roles = list(roles)
    if not any(r["id"] == str(guild_id) for r in all_roles):
        all_roles.insert(0, everyone_role(guild_id, permissions=everyone_permissions))
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "owner_id": str(owner_id),
        "unavailable": False,
        "large": False,
        "member_count": len(members),
        "joined_at": iso(joined_at),
        "roles": all_roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "channels": [{k: v for k, v in c.items() if k != "guild_id"} for c in channels],
        "threads": list(threads),
        "members": list(members),
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "application_id": None,
    }


class Snowflakes:
    """Increasing snowflake ids stamped with the current time, as Discord issues them."""

    def __init__(self) -> None:
        self._last = 0
        self._counter = itertools.count()

    def next(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, stamp | (next(self._counter) & 0xFFF))
        return self._last
