"""FakeDiscord: a discord.py client connected in-process to the model of Discord in
``bot.devserver`` (the same model the HTTP + WebSocket server serves).

Gateway events go through discord.py's real ``DiscordWebSocket.received_message`` → state parsers
→ ``bot.dispatch``; REST calls are answered by the fake server and recorded. This is the only
place that reaches into discord.py internals; it is written against discord.py 2.7.1.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import discord
from discord.gateway import DiscordWebSocket
from discord.webhook.async_ import async_context

from bot.devserver import payloads
from bot.devserver.app_routes import AppRoutes
from bot.devserver.pins import PinRoutes
from bot.devserver.polls import PollRoutes
from bot.devserver.requests import Request
from bot.devserver.state import ChannelRoutes, DiscordState, Handler

from .actions import Actions
from .errors import ErrorLog
from .transport import Transport

BOT_USER_ID = 1_000_000_000_000_000_001
APPLICATION_ID = 1_000_000_000_000_000_002
_webhook_owners: list[FakeDiscord] = []


class FakeDiscord(Actions):
    """``async with FakeDiscord(bot) as fd:`` logs the bot in (running its ``setup_hook``), records
    REST traffic, feeds gateway events and fails on unacknowledged errors at exit."""

    def __init__(
        self,
        bot: discord.Client,
        *,
        bot_user_id: int = BOT_USER_ID,
        application_id: int = APPLICATION_ID,
        clock: Callable[[], datetime] | None = None,
        echo: bool = True,
        settle_timeout: float = 5.0,
        join: FakeDiscord | None = None,
    ) -> None:
        """``join``: another process of the same bot, connected to the same Discord (its model,
        REST answers and recording are shared); every gateway event then goes to both, as
        Discord sends events to every connection of a bot."""
        self.bot = bot
        self.clock = clock
        if join is None:
            self.bot_user = payloads.user(bot_user_id, "DiscussionBot", bot=True)
            self.server = DiscordState(self.bot_user, application_id, self._new_id)
            self.server.echo = echo
            self.apps = AppRoutes(self.server)
            self.pins = PinRoutes(self.server)
            routes = {**ChannelRoutes(self.server).routes(), **self.pins.routes()}
            routes |= PollRoutes(self.server).routes()
            self.transport = Transport({**routes, **self.apps.routes()})
            self.peers: list[FakeDiscord] = []
        else:
            self.bot_user, self.server, self.apps = join.bot_user, join.server, join.apps
            self.pins = join.pins
            self.transport, self.peers = join.transport, join.peers
        self.errors = ErrorLog()
        self.settle_timeout = settle_timeout
        self._seq = 0
        self._ws: DiscordWebSocket | None = None

    # ----- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        await self.stop(check=exc_type is None)

    async def start(self) -> None:
        self.errors.install()
        self.bot.http.request = self.transport.http_request
        self.transport.max_ratelimit_timeout = self.bot.http.max_ratelimit_timeout
        _install_webhook_router(self)
        await self.bot.login("fake-token")  # GET /users/@me, application info, then setup_hook
        registering = getattr(self.bot, "commands_registered", None)
        if registering is not None:
            await registering  # the slash commands, registered in the background
        self._ws = self._gateway()
        self.peers.append(self)

    async def stop(self, *, check: bool = True) -> None:
        if self in self.peers:
            self.peers.remove(self)
        try:
            if not self.bot.is_closed():
                await self.bot.close()
        finally:
            _uninstall_webhook_router(self)
            self.errors.uninstall()
        if check:
            self.errors.assert_none()

    def _gateway(self) -> DiscordWebSocket:
        ws = DiscordWebSocket(socket=None, loop=self.bot.loop)  # type: ignore[arg-type]
        state = self.bot._connection
        ws.token = self.bot.http.token
        ws._connection = state
        ws._discord_parsers = state.parsers
        ws._dispatch = self.bot.dispatch
        ws.call_hooks = state.call_hooks
        ws.shard_id = None
        ws.session_id = "fake-session"
        return ws

    def _new_id(self) -> int:
        return payloads.snowflake(self.clock() if self.clock else None)

    # ----- gateway ---------------------------------------------------------------------------
    async def send(self, event: str, data: dict[str, Any]) -> None:
        """Feed one gateway dispatch (op 0) and wait until everything it started has finished."""
        before = asyncio.all_tasks()
        await self._flush_echo()  # Discord's own consequences of earlier requests come first
        await self._feed(event, data)
        await self.settle(before)

    async def _flush_echo(self) -> None:
        while self.server.gateway_echo:
            await self._feed(*self.server.gateway_echo.pop(0))

    async def _feed(self, event: str, data: dict[str, Any], *, to_peers: bool = True) -> None:
        if event == "GUILD_CREATE":
            self.server.learn_guild(data)
        elif event in ("THREAD_CREATE", "CHANNEL_CREATE", "THREAD_UPDATE"):
            self.server.channels[int(data["id"])] = data
        elif event == "MESSAGE_CREATE":
            data = self._as_delivered(data)
            self.server.store_message(data)
        elif event == "INTERACTION_CREATE":
            self.apps.record(data)
        for fd in self.peers if to_peers else [self]:
            await fd._receive(event, data)

    async def _receive(self, event: str, data: dict[str, Any]) -> None:
        """One dispatch on this process's gateway connection."""
        self._seq += 1
        frame = {"op": 0, "t": event, "s": self._seq, "d": data}
        await self._ws.received_message(json.dumps(frame))

    def _as_delivered(self, data: dict[str, Any]) -> dict[str, Any]:
        """Without the message content intent Discord blanks content, embeds, attachments and
        components of guild messages that neither come from the bot nor mention it."""
        if self.bot.intents.message_content or data["author"]["id"] == self.bot_user["id"]:
            return data
        if "guild_id" not in data or any(u["id"] == self.bot_user["id"] for u in data["mentions"]):
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    async def settle(self, before: set[asyncio.Task] | None = None) -> None:
        """Run the tasks started since ``before`` (default: since this call) until each is done
        or waiting on a timer, delivering the gateway events Discord would send as a consequence
        (THREAD_CREATE, the bot's own MESSAGE_CREATE). Nothing sleeps: the fake answers at once;
        the only real waiting is for database threads. A task still busy after
        ``settle_timeout`` seconds (e.g. blocked forever on a queue) fails the test."""
        before = asyncio.all_tasks() if before is None else before
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settle_timeout
        while True:
            for _ in range(3):
                await asyncio.sleep(0)
            await self._flush_echo()
            new = asyncio.all_tasks() - before - {asyncio.current_task()}
            for task in [t for t in new if t.done()]:
                self.errors.check_task(task)
                before.add(task)
            busy = [t for t in new if not t.done() and not _idle(t, loop)]
            if not busy and not self.server.gateway_echo:
                return
            if loop.time() > deadline:
                raise AssertionError(f"tasks still running after {self.settle_timeout}s: {busy}")
            if busy:
                await asyncio.wait(busy, timeout=0.01, return_when=asyncio.FIRST_COMPLETED)

    def take_errors(self) -> list[str]:
        """Errors logged so far (and acknowledge them, so the test does not fail at exit)."""
        return self.errors.take()

    # ----- REST ------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Request]:
        return self.transport.requests

    def requests_to(self, method: str, pattern: str) -> list[Request]:
        """Requests matching e.g. ("POST", "/channels/{id}/messages") or an exact path."""
        return [r for r in self.requests if r.matches(method, pattern)]

    def fail_next(self, method: str, pattern: str, status: int = 403, **kw: Any) -> None:
        """Answer the next matching request with an error; see Transport.fail_next."""
        self.transport.fail_next(method, pattern, status, **kw)

    def respond(self, method: str, route: str, handler: Handler) -> None:
        """Add or replace the answer for a discord.py route template; ``handler(request,
        path_params)`` returns ``(status, body)``."""
        self.transport.routes[(method.upper(), route)] = handler

    def set_history(self, channel_id: int, messages: list[dict[str, Any]]) -> None:
        """Messages GET /channels/{id}/messages will return (any order; served newest first).
        A channel the fake has not seen yet becomes a thread of the messages' guild (Discord
        answers 404 for a channel it does not know)."""
        if channel_id not in self.server.channels and messages:
            guild_id = int(messages[0].get("guild_id") or 0)
            guild = self.server.guilds.get(guild_id, {"channels": []})
            parent = next((int(c["id"]) for c in guild["channels"] if c["type"] == 0), channel_id)
            owner = self.server.bot_id
            thread = payloads.thread(channel_id, guild_id, parent, owner_id=owner)
            self.server.channels[channel_id] = thread
        for m in messages:
            self.server.store_message(m)

    @property
    def rate_limit_sleeps(self) -> list[float]:
        return self.transport.sleeps


def _idle(task: asyncio.Task, loop: asyncio.AbstractEventLoop) -> bool:
    """True when the task waits on a timer (asyncio.sleep, wait_for timeouts, view timeouts,
    ``tasks.loop`` intervals): it would only move on when real time passes."""
    waiter = getattr(task, "_fut_waiter", None)
    if waiter is None or waiter.done():  # done: the task resumes at the next turn of the loop
        return False
    timers = getattr(loop, "_scheduled", [])
    return any(h._args and h._args[0] is waiter for h in timers if not h.cancelled())


async def _route_webhook(route: Any, session: Any = None, **kwargs: Any) -> Any:
    token = route.webhook_token
    owner = next((f for f in _webhook_owners if token in f.apps.interactions), None)
    owner = owner or _webhook_owners[-1]
    return await owner.transport.webhook_request(route, session, **kwargs)


def _install_webhook_router(fd: FakeDiscord) -> None:
    if not _webhook_owners:
        async_context.get().request = _route_webhook
    _webhook_owners.append(fd)


def _uninstall_webhook_router(fd: FakeDiscord) -> None:
    if fd in _webhook_owners:
        _webhook_owners.remove(fd)
    if not _webhook_owners:
        vars(async_context.get()).pop("request", None)
