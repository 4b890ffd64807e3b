"""Slash command interactions: INTERACTION_CREATE out, callback and follow-up webhooks in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.harness import events

from . import payloads as p
from .control import BODY
from .gateway import Gateway
from .responses import error, reply
from .state import World

EPHEMERAL = 64


@dataclass
class Interaction:
    """One invoked command and everything the bot answered to it."""

    id: int
    token: str
    channel_id: int
    user: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)  # bodies of /callback
    messages: list[dict[str, Any]] = field(default_factory=list)  # original + follow-ups

    @property
    def texts(self) -> list[str]:
        return [m["content"] for m in self.messages]


class Interactions:
    def __init__(self, world: World, gateway: Gateway) -> None:
        self.world = world
        self.gateway = gateway
        self.by_token: dict[str, Interaction] = {}

    def routes(self, prefix: str) -> list[web.RouteDef]:
        hook = prefix + "/webhooks/{app_id:\\d+}/{token}"
        return [
            web.post(prefix + "/interactions/{id:\\d+}/{token}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(hook + "/messages/{message_id}", self.get_message),
            web.patch(hook + "/messages/{message_id}", self.edit_message),
            web.delete(hook + "/messages/{message_id}", self.delete_message),
        ]

    async def invoke(
        self, name: str, guild_id: int, channel_id: int, user_id: int, options: list[dict]
    ) -> Interaction:
        guild = self.world.guilds[guild_id]
        command = next(
            (
                c
                for c in self.world.commands.get(guild_id, []) + self.world.commands.get(None, [])
                if c["name"] == name
            ),
            {"id": str(self.world.ids.next())},
        )
        user = self.world.users[user_id]
        interaction = Interaction(
            self.world.ids.next(), secrets.token_urlsafe(24), channel_id, user
        )
        self.by_token[interaction.token] = interaction
        member = {**guild.members[user_id], "permissions": str(p.EVERYONE_PERMISSIONS)}
        data = events.command_data(name, options, command_id=int(command["id"]), guild_id=guild_id)
        payload = events.interaction(
            2,
            data,
            application_id=self.world.bot_id,
            channel=self.world.channels[channel_id],
            member=member,
            guild_id=guild_id,
            app_permissions=p.ADMINISTRATOR,
            interaction_id=interaction.id,
            token=interaction.token,
        )
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _message(self, interaction: Interaction, body: dict) -> dict:
        flags = int(body.get("flags") or 0)
        if flags & EPHEMERAL:  # only the invoking member sees it: not in channel history
            channel = self.world.channels[interaction.channel_id]
            message = p.message(self.world.ids.next(), channel, self.world.bot, body)
        else:
            message = self.world.add_message(interaction.channel_id, self.world.bot_id, body)
        message["interaction_metadata"] = {
            "id": str(interaction.id),
            "type": 2,
            "user": interaction.user,
            "authorizing_integration_owners": {},
        }
        interaction.messages.append(message)
        return message

    async def callback(self, request: web.Request) -> web.Response:
        interaction = self.by_token.get(request.match_info["token"])
        if interaction is None or interaction.callbacks:
            return error(400, "Interaction has already been acknowledged.", 40060)
        body = request[BODY] or {}
        interaction.callbacks.append(body)
        kind, data = body.get("type"), body.get("data") or {}
        resource: dict[str, Any] = {"type": kind}
        if kind == 4:
            resource["message"] = self._message(interaction, data)
        if "with_response" not in request.query:
            return reply(None)
        return reply(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": 2,
                    "response_message_id": resource.get("message", {}).get("id"),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
                },
                "resource": resource,
            }
        )

    def _find(self, request: web.Request) -> tuple[Interaction | None, dict | None]:
        interaction = self.by_token.get(request.match_info["token"])
        if interaction is None or not interaction.messages:
            return interaction, None
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            return interaction, interaction.messages[0]
        return interaction, next((m for m in interaction.messages if m["id"] == wanted), None)

    async def followup(self, request: web.Request) -> web.Response:
        interaction = self.by_token.get(request.match_info["token"])
        if interaction is None:
            return error(404, "Unknown Webhook", 10015)
        message = self._message(interaction, request[BODY] or {})
        return reply(message if request.query.get("wait") in ("true", "1") else None)

    async def get_message(self, request: web.Request) -> web.Response:
        _, message = self._find(request)
        return reply(message) if message else error(404, "Unknown Message", 10008)

    async def edit_message(self, request: web.Request) -> web.Response:
        interaction, message = self._find(request)
        if interaction is None:
            return error(404, "Unknown Webhook", 10015)
        body = request[BODY] or {}
        if message is None:  # editing the original of a deferred response creates it
            return reply(self._message(interaction, body))
        message.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        return reply(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        interaction, message = self._find(request)
        if message is None:
            return error(404, "Unknown Message", 10008)
        interaction.messages.remove(message)
        return reply(None)
