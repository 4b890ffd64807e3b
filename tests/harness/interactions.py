"""INTERACTION_CREATE payloads built the way Discord builds them for this bot: option types
from the bot's own command tree, ``resolved`` objects for user/channel/role options, and the
member's channel permissions computed by discord.py from the guild's roles and overwrites."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord

from bot.devserver import events, payloads
from bot.devserver.payloads import Payload
from bot.devserver.requests import Request
from bot.devserver.state import DiscordState

EPHEMERAL = 64


def find_command(tree: discord.app_commands.CommandTree, path: str, guild_id: int | None):
    names = path.split()
    scope = discord.Object(guild_id) if guild_id else None
    found = tree.get_command(names[0], guild=scope) or tree.get_command(names[0])
    for name in names[1:]:
        found = found.get_command(name) if isinstance(found, discord.app_commands.Group) else None
    return found


def option_types(command: Any) -> dict[str, int]:
    """Option name → Discord option type, from a discord.py command's public parameters."""
    if not isinstance(command, discord.app_commands.Command):
        return {}
    return {param.display_name: param.type.value for param in command.parameters}


class InteractionBuilder:
    def __init__(self, bot: discord.Client, state: DiscordState) -> None:
        self.bot = bot
        self.s = state

    def member(self, guild_id: int, user_id: int, channel_id: int) -> Payload:
        """The member as an interaction carries it: with its permissions in the channel."""
        data = self.s.members.get((guild_id, user_id))
        if data is None:
            raise LookupError(f"member {user_id} is not in the GUILD_CREATE of guild {guild_id}")
        return {**data, "permissions": str(self._permissions(guild_id, data, channel_id))}

    def _permissions(self, guild_id: int, member_data: Payload, channel_id: int) -> int:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} was never sent (use FakeDiscord.connect)")
        member = discord.Member(data=member_data, guild=guild, state=self.bot._connection)
        channel = guild.get_channel_or_thread(channel_id)
        return (channel.permissions_for(member) if channel else member.guild_permissions).value

    def channel(self, channel_id: int, permissions: int) -> Payload:
        data = self.s.channels.get(channel_id)
        if data is None:
            raise LookupError(f"channel {channel_id} is unknown to the fake Discord")
        return {**data, "permissions": str(permissions)}

    def resolve(self, guild_id: int, kind: int, value: Any, resolved: dict) -> Any:
        """Adds the object an id option refers to into ``resolved``; returns the wire value."""
        target = int(getattr(value, "id", value))
        if kind == events.MENTIONABLE:
            kind = events.USER if (guild_id, target) in self.s.members else events.ROLE
        if kind == events.USER:
            m = self.s.members.get((guild_id, target))
            user = m["user"] if m else payloads.user(target)
            resolved.setdefault("users", {})[str(target)] = user
            if m:
                perms = self._permissions(guild_id, m, guild_id)
                member = {k: v for k, v in m.items() if k != "user"}
                resolved.setdefault("members", {})[str(target)] = {
                    **member,
                    "permissions": str(perms),
                }
        elif kind == events.CHANNEL:
            resolved.setdefault("channels", {})[str(target)] = self.channel(target, 0)
        elif kind == events.ROLE:
            roles = {r["id"]: r for r in self.s.guilds[guild_id]["roles"]}
            resolved.setdefault("roles", {})[str(target)] = roles[str(target)]
        return str(target)

    def options(self, path: str, given: dict[str, Any], guild_id: int | None) -> list[Payload]:
        types = option_types(find_command(self.bot.tree, path, guild_id))
        resolved: dict[str, dict] = {}
        out = []
        for name, value in given.items():
            kind = types.get(name) or events.option(name, value)["type"]
            if kind in (events.USER, events.CHANNEL, events.ROLE, events.MENTIONABLE):
                value = self.resolve(guild_id, kind, value, resolved)
            out.append(events.option(name, value, kind))
        self.last_resolved = resolved
        return out


@dataclass
class Replies:
    """What the bot answered to one interaction: the callback, then follow-ups and edits."""

    interaction_id: int
    requests: list[Request] = field(default_factory=list)

    @property
    def callback(self) -> Request | None:
        return next((r for r in self.requests if r.path.endswith("/callback")), None)

    @property
    def messages(self) -> list[Payload]:
        """Every message body the bot sent in reply (callback data, follow-ups, edits)."""
        out = []
        for r in self.requests:
            body = r.json or {}
            if r.path.endswith("/callback"):
                body = body.get("data") or {}
            if r.method in ("POST", "PATCH") and body:
                out.append(body)
        return out

    @property
    def content(self) -> str:
        """All text the member sees: contents and embed titles/descriptions, joined."""
        parts = []
        for m in self.messages:
            parts.append(m.get("content") or "")
            for e in m.get("embeds") or []:
                parts += [e.get("title") or "", e.get("description") or ""]
                parts += [f"{f['name']} {f['value']}" for f in e.get("fields", [])]
        return "\n".join(p for p in parts if p)

    @property
    def ephemeral(self) -> bool:
        """True when the first message the member sees is only visible to them (flags 64)."""
        first = self.messages[0] if self.messages else {}
        return bool(int(first.get("flags") or 0) & EPHEMERAL)

    @property
    def callback_type(self) -> int | None:
        return self.callback.json["type"] if self.callback else None
