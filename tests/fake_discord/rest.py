"""REST routes of the fake server (API v10), each answering with Discord-shaped JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from tests.harness.app_payloads import application, command
from tests.harness.payloads import thread_create

from . import interactions
from . import payloads as p
from .control import BODY
from .gateway import Gateway
from .responses import error, reply
from .state import Guild, World

PREFIX = "/api/v10"
Found = Callable[[Any, web.Request, dict], Awaitable[web.Response]]
Route = Callable[[Any, web.Request], Awaitable[web.Response]]


def _needs(what: str) -> Callable[[Found], Route]:
    """Wrap a route that acts on a known channel, message or guild: it gets the object, or the
    bot gets Discord's 404 for an unknown one."""
    message, code = {
        "channel": ("Unknown Channel", 10003),
        "message": ("Unknown Message", 10008),
        "guild": ("Unknown Guild", 10004),
    }[what]

    def decorate(handler: Found) -> Route:
        async def route(self: Rest, request: web.Request) -> web.Response:
            found = getattr(self, "_" + what)(request)
            if found is None:
                return error(404, message, code)
            return await handler(self, request, found)

        return route

    return decorate


class Rest:
    def __init__(self, world: World, gateway: Gateway) -> None:
        self.world = world
        self.gateway = gateway
        self.interactions = interactions.Interactions(world, gateway)

    def routes(self) -> list[web.RouteDef]:
        r, c = PREFIX, PREFIX + "/channels/{channel_id:\\d+}"
        apps = PREFIX + "/applications/{app_id:\\d+}"
        return [
            web.get(r + "/users/@me", self.me),
            web.get(r + "/oauth2/applications/@me", self.application),
            web.get(r + "/applications/@me", self.application),
            web.get(r + "/gateway", self.gateway_url),
            web.get(r + "/gateway/bot", self.gateway_url),
            web.get(apps + "/commands", self.get_commands),
            web.put(apps + "/commands", self.put_commands),
            web.get(apps + "/guilds/{guild_id:\\d+}/commands", self.get_commands),
            web.put(apps + "/guilds/{guild_id:\\d+}/commands", self.put_commands),
            web.get(r + "/guilds/{guild_id:\\d+}", self.get_guild),
            web.get(r + "/guilds/{guild_id:\\d+}/channels", self.get_guild_channels),
            web.get(c, self.get_channel),
            web.patch(c, self.edit_channel),
            web.delete(c, self.delete_channel),
            web.get(c + "/messages", self.get_messages),
            web.post(c + "/messages", self.post_message),
            web.get(c + "/messages/{message_id:\\d+}", self.get_message),
            web.patch(c + "/messages/{message_id:\\d+}", self.edit_message),
            web.delete(c + "/messages/{message_id:\\d+}", self.delete_message),
            web.post(c + "/messages/{message_id:\\d+}/threads", self.thread_from_message),
            web.post(c + "/threads", self.thread_without_message),
            web.get(c + "/messages/{message_id:\\d+}/reactions/{emoji}", self.reaction_users),
            web.put(c + "/messages/{message_id:\\d+}/reactions/{emoji}/@me", self.no_content),
            web.delete(c + "/messages/{message_id:\\d+}/reactions/{emoji}/@me", self.no_content),
            web.put(c + "/thread-members/@me", self.no_content),
            web.delete(c + "/thread-members/@me", self.no_content),
            web.post(c + "/typing", self.no_content),
            *self.interactions.routes(PREFIX),
        ]

    async def no_content(self, request: web.Request) -> web.Response:
        return reply(None)

    async def me(self, request: web.Request) -> web.Response:
        return reply(self.world.bot)

    async def application(self, request: web.Request) -> web.Response:
        return reply(application(self.world.bot_id, self.world.bot))

    async def gateway_url(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return reply({"url": self.gateway._url(), "shards": 1, "session_start_limit": limit})

    def _scope(self, request: web.Request) -> int | None:
        guild_id = request.match_info.get("guild_id")
        return int(guild_id) if guild_id else None

    def _guild(self, request: web.Request) -> Guild | None:
        return self.world.guilds.get(int(request.match_info["guild_id"]))

    def _channel(self, request: web.Request) -> dict | None:
        return self.world.channels.get(int(request.match_info["channel_id"]))

    def _message(self, request: web.Request) -> dict | None:
        channel_id = int(request.match_info["channel_id"])
        return self.world.find_message(channel_id, int(request.match_info["message_id"]))

    async def get_commands(self, request: web.Request) -> web.Response:
        return reply(self.world.commands.get(self._scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        scope, app_id, ids = self._scope(request), self.world.bot_id, self.world.ids
        made = []
        for body in request[BODY] or []:
            command_id = ids.next()
            made.append(
                command(
                    body, command_id=command_id, app_id=app_id, guild_id=scope, version=command_id
                )
            )
        self.world.commands[scope] = made
        return reply(made)

    @_needs("guild")
    async def get_guild(self, request: web.Request, guild: Guild) -> web.Response:
        return reply(self.world.guild_create(guild))

    @_needs("guild")
    async def get_guild_channels(self, request: web.Request, guild: Guild) -> web.Response:
        return reply([self.world.channels[c] for c in guild.channel_ids])

    @_needs("channel")
    async def get_channel(self, request: web.Request, channel: dict) -> web.Response:
        return reply(channel)

    @_needs("channel")
    async def edit_channel(self, request: web.Request, channel: dict) -> web.Response:
        body = dict(request[BODY] or {})
        if "thread_metadata" in channel:
            for key in ("archived", "locked", "auto_archive_duration"):
                if key in body:
                    channel["thread_metadata"][key] = body.pop(key)
        channel.update({k: v for k, v in body.items() if k in ("name", "topic")})
        event = "THREAD_UPDATE" if "thread_metadata" in channel else "CHANNEL_UPDATE"
        await self.gateway.dispatch(event, channel)
        return reply(channel)

    @_needs("channel")
    async def delete_channel(self, request: web.Request, channel: dict) -> web.Response:
        del self.world.channels[int(channel["id"])]
        event = "THREAD_DELETE" if "thread_metadata" in channel else "CHANNEL_DELETE"
        await self.gateway.dispatch(event, channel)
        return reply(channel)

    @_needs("channel")
    async def get_messages(self, request: web.Request, channel: dict) -> web.Response:
        return reply(self.world.page(int(channel["id"]), dict(request.query)))

    @_needs("channel")
    async def post_message(self, request: web.Request, channel: dict) -> web.Response:
        body = request[BODY] or {}
        if not (body.get("content") or body.get("embeds") or body.get("components")):
            return error(400, "Cannot send an empty message", 50006)
        if body.get("enforce_nonce") and body.get("nonce"):  # Discord: the message it made
            nonce = str(body["nonce"])
            for earlier in self.world.history[int(channel["id"])]:
                if (
                    earlier.get("nonce") == nonce
                    and earlier["author"]["id"] == self.world.bot["id"]
                ):
                    return reply(earlier)
        message = self.world.add_message(int(channel["id"]), self.world.bot_id, body)
        await self.gateway.dispatch("MESSAGE_CREATE", self.world.gateway_message(message))
        return reply(message)

    @_needs("message")
    async def get_message(self, request: web.Request, message: dict) -> web.Response:
        return reply(message)

    @_needs("message")
    async def reaction_users(self, request: web.Request, message: dict) -> web.Response:
        emoji = unquote(request.match_info["emoji"])
        return reply(self.world.reaction_users(int(message["id"]), emoji, dict(request.query)))

    @_needs("message")
    async def edit_message(self, request: web.Request, message: dict) -> web.Response:
        body = request[BODY] or {}
        message.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        message["edited_timestamp"] = p.now_iso()
        await self.gateway.dispatch("MESSAGE_UPDATE", self.world.gateway_message(message))
        return reply(message)

    @_needs("message")
    async def delete_message(self, request: web.Request, message: dict) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        self.world.history[channel_id].remove(message)
        guild = self.world.guild_of(channel_id)
        gone = {"id": message["id"], "channel_id": message["channel_id"]}
        await self.gateway.dispatch("MESSAGE_DELETE", {**gone, "guild_id": str(guild.id)})
        return reply(None)

    @_needs("message")
    async def thread_from_message(self, request: web.Request, message: dict) -> web.Response:
        if any(str(t["id"]) == message["id"] for t in self.world.channels.values()):
            return error(400, "A thread has already been created for this message", 160004)
        body = {**(request[BODY] or {}), "type": 11}
        parent_id = int(request.match_info["channel_id"])
        # A thread started from a message has the message's id, as on Discord.
        thread_id = int(message["id"])
        thread = self.world.add_thread(parent_id, body["name"], thread_id=thread_id, body=body)
        message["thread"] = thread
        return await self._created(thread)

    @_needs("channel")
    async def thread_without_message(self, request: web.Request, channel: dict) -> web.Response:
        body = request[BODY] or {}
        thread = self.world.add_thread(int(channel["id"]), body["name"], thread_id=None, body=body)
        return await self._created(thread)

    async def _created(self, thread: dict) -> web.Response:
        await self.gateway.dispatch("THREAD_CREATE", thread_create(thread))
        return reply(thread, 201)
