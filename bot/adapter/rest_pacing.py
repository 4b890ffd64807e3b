"""Keeping the bot under Discord's global rate limit before Discord has to say so.

discord.py paces each route by the bucket headers Discord sends, but it learns of the global
limit (50 requests a second per bot token) only from a 429, after a burst has crossed it: at a
busy cron minute, thousands of posts would each run into it. ``RestPacer`` spaces every REST
request of the bot's HTTP client evenly at a rate under the limit, through the ``http_trace``
hook discord.py offers (aiohttp awaits it before each request is sent). Interaction responses
go through another session and are not paced: Discord does not count them either.

The limit belongs to the token, so processes sharing one token (shards) share it: each takes
the part of it its shards are of all shards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace

import aiohttp

HEADROOM = 0.9  # pace at this part of the limit: arrival jitter never tips a second over it


class RestPacer:
    """Hands out send times ``1 / rate`` seconds apart, in the order requests ask for them."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"a request rate must be positive, not {rate}")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0

    @classmethod
    def for_share(cls, limit: float, share: float = 1.0) -> RestPacer:
        """A pacer for a process that owns ``share`` (0-1] of the token's ``limit``."""
        return cls(limit * share * HEADROOM)

    async def wait(self) -> None:
        """Return at this request's turn."""
        now = self.clock()
        turn = max(now, self._next)
        self._next = turn + self.interval
        if turn > now:
            await self.sleep(turn - now)

    def trace(self) -> aiohttp.TraceConfig:
        """The ``http_trace`` to give discord.py's client: each request waits its turn."""
        config = aiohttp.TraceConfig()
        config.on_request_start.append(self._on_request_start)
        return config

    async def _on_request_start(
        self,
        session: aiohttp.ClientSession,
        context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        await self.wait()
