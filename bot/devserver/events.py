"""Message, reaction and interaction payloads (MESSAGE_CREATE, MESSAGE_REACTION_ADD,
MESSAGE_DELETE, INTERACTION_CREATE), with the shapes Discord sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .payloads import Payload, iso, snowflake, snowflake_time, user

# Application command option types (Discord's ApplicationCommandOptionType).
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 6, 7, 8, 9, 10, 11


def message(
    channel_id: int,
    author: Payload,
    content: str = "",
    *,
    message_id: int | None = None,
    guild_id: int | None = None,
    member: Payload | None = None,
    at: datetime | None = None,
    reply_to: Payload | None = None,
    embeds: list[Payload] | None = None,
    mentions: list[Payload] | None = None,
    mention_roles: list[int] | None = None,
    components: list[Payload] | None = None,
    flags: int = 0,
    tts: bool = False,
    nonce: str | int | None = None,
    reference: Payload | None = None,
) -> Payload:
    """A message object as in MESSAGE_CREATE (``member`` without its ``user`` in guilds).

    ``reply_to`` makes it a reply (type 19) carrying message_reference and referenced_message;
    ``reference`` alone (a message_reference as sent) makes a reply without the message."""
    message_id = message_id or snowflake(at)
    data: Payload = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": iso(snowflake_time(message_id)),
        "edited_timestamp": None,
        "tts": tts,
        "mention_everyone": False,
        "mentions": list(mentions or []),
        "mention_roles": [str(r) for r in mention_roles or []],
        "attachments": [],
        "embeds": list(embeds or []),
        "components": list(components or []),
        "pinned": False,
        "type": 0,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = {k: v for k, v in member.items() if k != "user"}
    if nonce is not None:
        data["nonce"] = nonce
    if reference is not None:
        data["type"] = 19
        data["message_reference"] = reference
    if reply_to is not None:
        data["type"] = 19
        data["message_reference"] = {
            "type": 0,
            "message_id": reply_to["id"],
            "channel_id": reply_to["channel_id"],
            **({"guild_id": reply_to["guild_id"]} if "guild_id" in reply_to else {}),
        }
        data["referenced_message"] = reply_to
    return data


def message_delete(message_id: int, channel_id: int, guild_id: int | None = None) -> Payload:
    data: Payload = {"id": str(message_id), "channel_id": str(channel_id)}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def reaction(
    user_id: int,
    message_id: int,
    channel_id: int,
    *,
    guild_id: int | None = None,
    emoji: str = "👍",
    member: Payload | None = None,
    message_author_id: int | None = None,
) -> Payload:
    """MESSAGE_REACTION_ADD data (a normal reaction: ``type`` 0, not a burst)."""
    data: Payload = {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "emoji": {"id": None, "name": emoji, "animated": False},
        "burst": False,
        "burst_colors": [],
        "type": 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member is not None:
        data["member"] = member
    if message_author_id is not None:
        data["message_author_id"] = str(message_author_id)
    return data


def reaction_remove(user_id: int, message_id: int, channel_id: int, **kw: Any) -> Payload:
    """MESSAGE_REACTION_REMOVE data (no member, no author)."""
    data = reaction(user_id, message_id, channel_id, **kw)
    data.pop("member", None)
    data.pop("message_author_id", None)
    return data


def reaction_remove_all(message_id: int, channel_id: int, guild_id: int | None = None) -> Payload:
    """MESSAGE_REACTION_REMOVE_ALL data (every reaction on a message was removed)."""
    data: Payload = {"channel_id": str(channel_id), "message_id": str(message_id)}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def reaction_remove_emoji(
    message_id: int, channel_id: int, emoji: str = "👍", guild_id: int | None = None
) -> Payload:
    """MESSAGE_REACTION_REMOVE_EMOJI data (one emoji removed from a message; a partial emoji)."""
    data = reaction_remove_all(message_id, channel_id, guild_id)
    data["emoji"] = {"id": None, "name": emoji}
    return data


def option(name: str, value: Any, type: int | None = None) -> Payload:
    """One command option; its type is inferred from the Python value when not given."""
    if type is None:
        type = _infer_type(value)
    if type in (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT):
        value = str(value)
    return {"name": name, "type": type, "value": value}


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    return STRING


def command_data(
    path: str, options: list[Payload], *, command_id: int, guild_id: int | None
) -> Payload:
    """The ``data`` of an APPLICATION_COMMAND interaction for "root [group] sub" and its options."""
    names = path.split()
    nested = options
    if len(names) == 3:
        nested = [
            {"name": names[1], "type": SUB_COMMAND_GROUP, "options": [_sub(names[2], nested)]}
        ]
    elif len(names) == 2:
        nested = [_sub(names[1], nested)]
    data: Payload = {"id": str(command_id), "name": names[0], "type": 1, "options": nested}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def _sub(name: str, options: list[Payload]) -> Payload:
    return {"name": name, "type": SUB_COMMAND, "options": options}


def interaction(
    kind: int,
    data: Payload,
    *,
    application_id: int,
    channel: Payload,
    member: Payload | None = None,
    guild_id: int | None = None,
    app_permissions: int = 0,
    message: Payload | None = None,
    interaction_id: int | None = None,
    token: str | None = None,
) -> Payload:
    """INTERACTION_CREATE data. ``kind``: 2 application command, 3 component, 4 autocomplete.

    ``member`` carries ``permissions`` (the member's permissions in the channel) in guilds;
    without a guild the interaction has ``user`` instead (a DM)."""
    interaction_id = interaction_id or snowflake()
    payload: Payload = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "data": data,
        "channel_id": channel["id"],
        "channel": channel,
        "token": token or f"token-{interaction_id}",
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild_id is not None:
        payload.update(guild_id=str(guild_id), guild_locale="en-US", context=0)
        payload["member"] = member
        payload["authorizing_integration_owners"] = {"0": str(guild_id)}
    else:
        payload.update(context=1, user=(member or {}).get("user") or user(1))
    if message is not None:
        payload["message"] = message
    return payload


def button_data(custom_id: str, *, component_type: int = 2) -> Payload:
    """The ``data`` of a MESSAGE_COMPONENT interaction for a button (type 2) click."""
    return {"custom_id": custom_id, "component_type": component_type}


def modal_data(custom_id: str, values: dict[str, str]) -> Payload:
    """The ``data`` of a MODAL_SUBMIT interaction: each text input's value in its action row."""
    rows = [
        {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
        for key, value in values.items()
    ]
    return {"custom_id": custom_id, "components": rows}
