"""DevServer: the model of Discord served on 127.0.0.1 over real HTTP and WebSocket.

Start it in an event loop (``async with DevServer() as server``), point a bot at
``server.api_base`` / ``server.gateway_url`` (the ``api_base`` and ``gateway_url`` settings), then
drive it: ``send_as`` (a member posts), ``react``, ``inject`` (any gateway event), ``invoke`` (a
slash command), ``fail_next`` / ``hold_next`` (Discord misbehaving), and read what the bot did:
``requests``, ``messages``, ``threads``. Every wait is bounded by a timeout. With
``shard_count`` GET /gateway/bot recommends that many shards, and each gateway connection hears
only the guilds of the shard it identified for (see ``bot.devserver.gateway``). The REST answers
come from the same model the in-process test transport uses (``bot.devserver.state``).
Given ``rate_limits`` (``RateLimits()`` is Discord's), it enforces them as Discord does, headers
and 429s included; ``limiter`` counts what it let through and what it refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from . import events, payloads
from .app_routes import AppRoutes, Interaction
from .control import BODY, Failure, Hold, LoggedRequest, error, reply
from .gateway import Gateway
from .pins import PinRoutes
from .pipeline import Pipeline
from .polls import PollRoutes, count_vote, finalise, vote_event
from .ratelimits import RateLimiter, RateLimits
from .requests import Request
from .state import ChannelRoutes, DiscordState, Handler, route_params

PREFIX = "/api/v10"
BOT_USER_ID = 1_000_000_000_000_000_001
APPLICATION_ID = 1_000_000_000_000_000_002
ALL_PERMISSIONS = (1 << 53) - 1


class DevServer:
    def __init__(
        self,
        *,
        bot_id: int = BOT_USER_ID,
        bot_name: str = "DiscussionBot",
        application_id: int = APPLICATION_ID,
        port: int = 0,
        new_id: Callable[[], int] | None = None,
        shard_count: int = 1,
        rate_limits: RateLimits | None = None,
    ) -> None:
        if shard_count < 1:
            raise ValueError("shard_count must be at least 1")
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        bot_user = payloads.user(bot_id, bot_name, bot=True)
        self.state = DiscordState(bot_user, application_id, new_id or payloads.Snowflakes().next)
        self.apps = AppRoutes(self.state)
        self.pins = PinRoutes(self.state)
        self.routes: dict[tuple[str, str], Handler] = {
            **self.pins.routes(),  # before /messages/{message_id}, which "pins" would match
            **ChannelRoutes(self.state).routes(),
            **PollRoutes(self.state).routes(),
            **self.apps.routes(),
            ("GET", "/gateway"): self._gateway_info,
            ("GET", "/gateway/bot"): self._gateway_info,
        }
        self.gateway = Gateway(self.state, lambda: self.gateway_url, self._notify)
        self.pipeline = Pipeline(PREFIX, self._notify)
        # Discord's rate limits, emulated only when asked for (``RateLimits()``: Discord's own).
        self.limiter = RateLimiter(rate_limits) if rate_limits is not None else None
        self._port = port
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> DevServer:
        app = web.Application(middlewares=[self.pipeline.middleware], client_max_size=2**26)
        app.add_routes(
            [
                web.get("/gateway", self.gateway.handle),
                web.route("*", PREFIX + "/{tail:.*}", self.rest),
            ]
        )
        self._runner = web.AppRunner(app, shutdown_timeout=2.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        self.pipeline.release_all()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> DevServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def port(self) -> int:
        return self._port

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._port}{PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    # -- the transport -----------------------------------------------------------------------
    async def rest(self, request: web.Request) -> web.Response:
        """Answer one REST request from the model, then send on the gateway what Discord would
        announce as its consequence (before the response, as Discord usually does)."""
        path = request.path[len(PREFIX) :]
        found = self._route(request.method, path)
        if found is None:
            return error(404, "404: Not Found")
        template, params, handler = found
        headers: dict[str, str] | None = None
        if self.limiter is not None:
            token = request.headers.get("Authorization", "")
            verdict = self.limiter.check(request.method, path, template, params, token)
            if verdict.refusal is not None:
                return reply(verdict.body, 429, verdict.headers)
            headers = verdict.headers
        body, files = request[BODY]
        via = "webhook" if path.startswith(("/webhooks/", "/interactions/")) else "http"
        req = Request(request.method, path, template, body, files, None, dict(request.query), via)
        status, data = handler(req, params)
        for event, payload in self.state.take_echo():
            await self.gateway.dispatch(event, payload)
        if status == 204:
            return reply(None, headers=headers)
        return reply(data, status, headers)

    def _route(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        for (m, template), handler in self.routes.items():
            if m == method:
                params = route_params(template, path)
                if params is not None:
                    return template, params, handler
        return None

    def _gateway_info(self, req: Request, p: dict[str, str]) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return 200, {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": limit,
        }

    # -- the world ---------------------------------------------------------------------------
    @property
    def bot_id(self) -> int:
        return self.state.bot_id

    def add_guild(
        self,
        guild_id: int,
        channels: dict[int, str] | list[int],
        name: str = "Fake guild",
        *,
        roles: Sequence[dict] = (),
    ) -> dict:
        """Add a guild with text channels (id → name, or just ids). The @everyone role's id is
        the guild id; the bot is a member with an administrator role. Add guilds before the bot
        connects (or it sees them at its next IDENTIFY)."""
        if not isinstance(channels, dict):
            channels = {c: f"channel-{i}" for i, c in enumerate(channels)}
        return self.state.add_guild(guild_id, channels, name, roles=list(roles))

    def add_member(
        self, guild_id: int, user_id: int, name: str = "", roles: tuple[int, ...] = ()
    ) -> dict:
        return self.state.add_member(guild_id, user_id, name or f"member{user_id}", roles)

    def messages(self, channel_id: int) -> list[dict]:
        """Messages in a channel or thread, oldest first: as Discord holds them."""
        return self.state.channel_messages(channel_id)

    def threads(self, parent_id: int | None = None) -> list[dict]:
        return self.state.threads(parent_id)

    def pinned(self, channel_id: int) -> list[int]:
        """Ids of the channel's pinned messages, the latest pinned first."""
        return self.pins.pinned(channel_id)

    def commands(self, guild_id: int | None = None) -> list[dict]:
        """Application commands as last synced (guild_id None = global)."""
        return list(self.apps.commands.get(guild_id, []))

    def permissions(self, guild_id: int, user_id: int) -> int:
        """A member's guild permissions: @everyone's and its roles', all with Administrator
        (channel overwrites are not modelled here)."""
        member = self.state.members[(guild_id, user_id)]
        roles = {r["id"]: r for r in self.state.guilds[guild_id]["roles"]}
        value = 0
        for role_id in [str(guild_id), *member["roles"]]:
            value |= int(roles.get(role_id, {}).get("permissions", 0))
        return ALL_PERMISSIONS if value & (1 << 3) else value

    # -- driving the bot ---------------------------------------------------------------------
    async def inject(self, event: str, payload: Any) -> int:
        """Dispatch a gateway event to every connected bot on its guild's shard; returns how
        many connections got it."""
        return await self.gateway.dispatch(event, payload)

    async def send_as(self, user_id: int, channel_id: int, content: str, **fields: Any) -> dict:
        """A guild member posts: stored in the channel's history and sent as MESSAGE_CREATE."""
        message = self.state.member_message(channel_id, user_id, content, **fields)
        self.state.store_message(message)
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    async def react(
        self, user_id: int, channel_id: int, message_id: int, emoji: str = "👍"
    ) -> None:
        """A guild member reacts to a message: kept on the message (its ``reactions`` counts and
        the users listed per emoji) and sent as MESSAGE_REACTION_ADD."""
        guild_id = self.state.guild_of(channel_id)
        message = self.state.messages.get(message_id)
        member = self.state.members.get((guild_id, user_id)) if guild_id else None
        user = member["user"] if member else payloads.user(user_id)
        if message is None or not self.state.add_reaction(message, user, emoji):
            return
        payload = self.state.reaction_event(user_id, channel_id, message_id, emoji)
        await self.gateway.dispatch("MESSAGE_REACTION_ADD", payload)

    async def vote(
        self, user_id: int, message_id: int, answer_id: int, *, remove: bool = False
    ) -> None:
        """A member votes for (or takes back a vote for) an answer of a poll the bot posted:
        the poll's counts follow, and MESSAGE_POLL_VOTE_ADD (or _REMOVE) is sent."""
        message = self.state.messages[message_id]
        if not count_vote(message, answer_id, user_id, self.state.votes, add=not remove):
            return
        guild_id = self.state.guild_of(int(message["channel_id"]))
        event = "MESSAGE_POLL_VOTE_REMOVE" if remove else "MESSAGE_POLL_VOTE_ADD"
        await self.gateway.dispatch(event, vote_event(user_id, message, answer_id, guild_id))

    async def end_poll(self, message_id: int) -> None:
        """The poll of a message ends: its results are final, sent as MESSAGE_UPDATE."""
        message = finalise(self.state.messages[message_id], datetime.now(UTC))
        await self.gateway.dispatch("MESSAGE_UPDATE", self.state.with_bot_member(message))

    def member_interaction(
        self,
        kind: int,
        data: dict,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        message: dict | None = None,
    ) -> dict:
        """The INTERACTION_CREATE payload of a member's command (2), button press (3) or form
        (5) in ``channel_id``, with the member's permissions there, as Discord sends it."""
        member = {
            **self.state.members[(guild_id, user_id)],
            "permissions": str(self.permissions(guild_id, user_id)),
        }
        return events.interaction(
            kind,
            data,
            application_id=self.state.application_id,
            channel={**self.state.channels[channel_id], "permissions": member["permissions"]},
            member=member,
            guild_id=guild_id,
            app_permissions=ALL_PERMISSIONS,
            message=message,
            interaction_id=self.state.new_id(),
        )

    async def interact(self, payload: dict) -> Interaction:
        """Send ``payload`` (from :meth:`member_interaction`) to the bot; the record returned
        fills with the replies."""
        interaction = self.apps.record(payload)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def invoke(
        self,
        name: str,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        options: list | None = None,
    ) -> Interaction:
        """A member runs slash command ``name`` ("topic post"); the record returned fills with
        the replies. ``options`` are option payloads (``events.option(name, value)``)."""
        command_id, scope = self.apps.synced_command(name, guild_id)
        data = events.command_data(name, options or [], command_id=command_id, guild_id=scope)
        return await self.interact(
            self.member_interaction(
                2, data, guild_id=guild_id, channel_id=channel_id, user_id=user_id
            )
        )

    async def click(self, custom_id: str, *, message_id: int, user_id: int) -> Interaction:
        """A member presses the button ``custom_id`` on a message the bot sent; the record
        returned fills with the replies (an edit in place is callback type 7)."""
        message = self.state.messages[message_id]
        channel_id = int(message["channel_id"])
        guild_id = self.state.guild_of(channel_id)
        if guild_id is None:
            raise ValueError(f"channel {channel_id} is in no guild: no member can press there")
        payload = self.member_interaction(
            3,
            events.button_data(custom_id),
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            message=message,
        )
        return await self.interact(payload)

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        body: dict | None = None,
        *,
        retry_after: float = 0.5,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests whose path (below /api/v10) matches regex ``path``
        with ``status``: 403 Missing Permissions, 404, 429 with Retry-After and ``retry_after``
        (sent as Discord does, so discord.py sleeps and retries), or 5xx (discord.py retries
        500/502/504 itself, after 1 s, 3 s, 5 s...)."""
        failure = Failure(method.upper(), re.compile(path), status, body, retry_after, times)
        self.pipeline.failures.append(failure)

    def hold_next(self, method: str, path: str, *, apply_first: bool = True) -> Hold:
        """Keep the next matching request waiting until ``hold.release()``. With ``apply_first``
        the request takes effect at once (message stored, event dispatched) and only the response
        waits: Discord did it, the bot has not heard. Otherwise nothing happens until release."""
        hold = Hold(method.upper(), re.compile(path), apply_first)
        self.pipeline.holds.append(hold)
        return hold

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway connection from the server side; clients RESUME."""
        await self.gateway.drop(code)

    # -- what happened, and waiting for it ----------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        """Every REST request so far, oldest first (``status`` None while unanswered)."""
        return self.pipeline.requests

    @property
    def identifies(self) -> list[dict]:
        return list(self.gateway.identifies)

    @property
    def connections(self) -> int:
        return len(self.gateway.connected)

    async def wait_for(self, predicate: Callable[[], Any], *, timeout: float, what: str) -> Any:
        """Wait until ``predicate()`` is truthy, return its value; TimeoutError names ``what``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (value := predicate()):
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake Discord: no {what} within {timeout} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.25))
        return value

    async def wait_for_identify(self, count: int = 1, timeout: float = 10.0) -> dict:
        """Wait until ``count`` IDENTIFYs in all have arrived; returns the count-th one."""
        ids = self.gateway.identifies
        await self.wait_for(lambda: len(ids) >= count, timeout=timeout, what=f"IDENTIFY #{count}")
        return ids[count - 1]

    async def wait_for_request(
        self, path: str, *, method: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> LoggedRequest:
        """Wait until ``count`` answered requests match regex ``path`` (and ``method``)."""
        pattern = re.compile(path)

        def found() -> LoggedRequest | None:
            hits = [r for r in self.requests if r.status is not None and r.matches(method, pattern)]
            return hits[count - 1] if len(hits) >= count else None

        return await self.wait_for(found, timeout=timeout, what=f"{method or ''} {path} #{count}")

    def _notify(self) -> None:
        self._changed.set()
