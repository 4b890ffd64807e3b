"""The application and its commands as Discord's REST API returns them (both fakes answer with
these)."""

from __future__ import annotations

from .payloads import Payload


def application(app_id: int, owner: Payload, *, flags: int = 0) -> Payload:
    """GET /oauth2/applications/@me: the bot's application, owned by ``owner`` (a user)."""
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
        "flags": flags,
        "tags": [],
        "interactions_endpoint_url": None,
    }


def command(
    body: Payload, *, command_id: int | str, app_id: int, guild_id: int | None, version: int
) -> Payload:
    """A synced application command: the body the bot sent, completed with Discord's defaults
    and ids (``guild_id`` None for a global command)."""
    data = {
        "type": 1,
        "description": "",
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
        "version": str(version),
    }
    perms = data["default_member_permissions"]
    data["default_member_permissions"] = None if perms is None else str(perms)
    return data
