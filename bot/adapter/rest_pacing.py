"""Keeping the bot under Discord's global rate limit before Discord has to say so.

discord.py paces each route by the bucket headers Discord sends, but it learns of the global
limit (50 requests a second per bot token) only from a 429, after a burst has crossed it: at a
busy cron minute, thousands of posts would each run into it. ``RestPacer`` spaces every REST
request of the bot's HTTP client evenly at a rate under the limit, through the ``http_trace``
hook discord.py offers (aiohttp awaits it before each request is sent). Interaction responses
go through another session and are not paced: Discord does not count them either.

The limit belongs to the token, so processes sharing one token (shards) share it: each takes
the part of it its shards are of all shards.

Requests made ``in_background()`` (registering slash commands at start: one per guild, a
thousand for a bot in a thousand servers) go only when no other request is waiting, so a
restart just before a busy cron minute never delays its posts.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import aiohttp

HEADROOM = 0.85  # pace at this part of the limit: arrival jitter never tips a second over it
_background = contextvars.ContextVar("rest_background", default=False)


@contextmanager
def in_background() -> Iterator[None]:
    """REST requests made inside this block (and the tasks it starts) yield to all others."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


class RestPacer:
    """A token bucket: ``rate`` requests a second, in the order they ask, and after a quiet
    spell (or the event loop held up) at most ``burst`` at once, so no second ever sees more than
    ``rate + burst`` requests."""

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a request rate must be positive, not {rate} (burst {burst})")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self._tokens = float(burst)
        self._filled_at = clock()
        self._lock = asyncio.Lock()  # waiters take turns in the order they came
        self._foreground = 0  # requests waiting that are not in the background
        self._idle = asyncio.Event()  # set while none is
        self._idle.set()

    @classmethod
    def for_share(cls, limit: float, share: float = 1.0) -> RestPacer:
        """A pacer for a process that owns ``share`` (0-1] of the token's ``limit``: at
        ``HEADROOM`` of it, with half the rest as its burst."""
        mine = limit * share
        return cls(mine * HEADROOM, burst=max(1, int(mine * (1 - HEADROOM) / 2)))

    async def wait(self) -> None:
        """Return at this request's turn (in the background: once no other request waits)."""
        if _background.get():
            while self._foreground:
                await self._idle.wait()
            await self._take()
            return
        self._foreground += 1
        self._idle.clear()
        try:
            await self._take()
        finally:
            self._foreground -= 1
            if not self._foreground:
                self._idle.set()

    async def _take(self) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                elapsed, self._filled_at = now - self._filled_at, now
                self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
                if self._tokens >= 1 - 1e-9:  # a whole token, give or take float rounding
                    self._tokens = max(self._tokens - 1, 0.0)
                    return
                await self.sleep((1 - self._tokens) / self.rate)

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
