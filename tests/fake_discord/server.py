"""FakeDiscord: a Discord-compatible server on 127.0.0.1 over real HTTP and WebSocket.

Start it in the test's event loop (``async with FakeDiscord() as server``), point a bot at
``server.api_base`` / ``server.gateway_url`` (bot.adapter.endpoints.apply_endpoints), then drive
it: ``send_as`` (a member posts), ``inject`` (any gateway event), ``invoke`` (a slash command),
``fail_next`` / ``hold_next`` (Discord misbehaving), and read what the bot did: ``requests``,
``messages``, ``threads``. Every wait is bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.harness.events import reaction as reaction_event

from .control import Failure, Hold, Request
from .gateway import Gateway
from .interactions import Interaction
from .pipeline import Pipeline
from .rest import PREFIX, Rest
from .state import World

log = logging.getLogger(__name__)


class FakeDiscord:
    def __init__(self, *, bot_id: int = 0, bot_name: str = "fakebot", port: int = 0) -> None:
        self.world = World(bot_id or 1_000_000_000_000_000_001, bot_name)
        self.gateway = Gateway(self.world, lambda: self.gateway_url, self._notify)
        self.rest = Rest(self.world, self.gateway)
        self.pipeline = Pipeline(PREFIX, self._notify)
        self._port = port
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self.pipeline.middleware], client_max_size=2**26)
        app.add_routes([web.get("/gateway", self.gateway.handle), *self.rest.routes()])
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

    async def __aenter__(self) -> FakeDiscord:
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

    # -- the world ---------------------------------------------------------------------------
    @property
    def bot_id(self) -> int:
        return self.world.bot_id

    def add_guild(
        self, guild_id: int, channels: dict[int, str] | list[int], name: str = "Fake guild"
    ) -> None:
        """Add a guild with text channels (id → name, or just ids). The @everyone role's id is
        the guild id; the bot is a member. Add guilds before the bot connects."""
        if not isinstance(channels, dict):
            channels = {c: f"channel-{i}" for i, c in enumerate(channels)}
        self.world.add_guild(guild_id, name, channels)

    def add_member(
        self, guild_id: int, user_id: int, name: str = "", roles: tuple[int, ...] = ()
    ) -> dict:
        return self.world.add_member(guild_id, user_id, name or f"member{user_id}", list(roles))

    def messages(self, channel_id: int) -> list[dict]:
        """Messages in a channel or thread, oldest first: as Discord holds them."""
        return list(self.world.history.get(channel_id, []))

    def threads(self, parent_id: int | None = None) -> list[dict]:
        return [
            c
            for c in self.world.channels.values()
            if "thread_metadata" in c and (parent_id is None or c["parent_id"] == str(parent_id))
        ]

    def commands(self, guild_id: int | None = None) -> list[dict]:
        """Application commands as last synced (guild_id None = global)."""
        return list(self.world.commands.get(guild_id, []))

    # -- driving the bot ---------------------------------------------------------------------
    async def inject(self, event: str, payload: Any) -> int:
        """Dispatch a gateway event to every connected bot; returns how many connections got it."""
        return await self.gateway.dispatch(event, payload)

    async def send_as(self, user_id: int, channel_id: int, content: str, **fields: Any) -> dict:
        """A guild member posts: stored in the channel's history and sent as MESSAGE_CREATE."""
        message = self.world.add_message(channel_id, user_id, {"content": content, **fields})
        await self.gateway.dispatch("MESSAGE_CREATE", self.world.gateway_message(message))
        return message

    async def react(
        self, user_id: int, channel_id: int, message_id: int, emoji: str = "👍"
    ) -> None:
        """A guild member reacts to a message: kept on the message (its ``reactions`` counts and
        the users listed per emoji) and sent as MESSAGE_REACTION_ADD."""
        message = self.world.find_message(channel_id, message_id)
        if message is None or not self.world.add_reaction(message, user_id, emoji):
            return
        guild = self.world.guild_of(channel_id)
        member = guild.members[user_id] if guild else None
        await self.gateway.dispatch(
            "MESSAGE_REACTION_ADD",
            reaction_event(
                user_id, message_id, channel_id, guild_id=guild.id if guild else None,
                emoji=emoji, member=member, message_author_id=int(message["author"]["id"]),
            ),
        )  # fmt: skip

    async def invoke(
        self,
        name: str,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        options: list | None = None,
    ) -> Interaction:
        """A member runs slash command ``name``; the record returned fills with the replies."""
        return await self.rest.interactions.invoke(
            name, guild_id, channel_id, user_id, options or []
        )

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
    def requests(self) -> list[Request]:
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
    ) -> Request:
        """Wait until ``count`` answered requests match regex ``path`` (and ``method``)."""
        pattern = re.compile(path)

        def found() -> Request | None:
            hits = [r for r in self.requests if r.status is not None and r.matches(method, pattern)]
            return hits[count - 1] if len(hits) >= count else None

        return await self.wait_for(found, timeout=timeout, what=f"{method or ''} {path} #{count}")

    def _notify(self) -> None:
        self._changed.set()
