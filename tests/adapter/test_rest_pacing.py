"""The bot keeps under Discord's global rate limit on its own: every REST request waits its turn,
so a burst of sends meets no global 429 (discord.py alone learns of the limit only from one)."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.adapter.rest_pacing import HEADROOM, RestPacer, in_background
from bot.config.settings import Settings
from bot.config.sharding import Sharding
from bot.devserver import DevServer, Limit, RateLimits
from tests.devserver.test_server import client_of

GUILD = 830000000000000001
CHANNELS = [830000000000000010 + n for n in range(6)]


class Clock:
    """Time that moves only when the pacer sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sent: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # others run meanwhile, as they would


async def send(pacer: RestPacer, clock: Clock, count: int) -> None:
    for _ in range(count):
        await pacer.wait()
        clock.sent.append(round(clock.now, 6))


async def test_requests_go_at_the_rate_and_a_held_up_loop_never_releases_a_flood():
    clock = Clock()
    pacer = RestPacer(10, burst=2, clock=clock.monotonic, sleep=clock.sleep)
    await send(pacer, clock, 4)
    assert clock.sent == [0.0, 0.0, 0.1, 0.2]  # the burst, then one every 0.1 s
    clock.now = 5.0  # the event loop held up (or a quiet spell): no debt carried over
    await send(pacer, clock, 4)
    assert clock.sent[4:] == [5.0, 5.0, 5.1, 5.2]
    seconds = [t for t in clock.sent if 5.0 <= t < 6.0]
    assert len(seconds) <= 10 + 2


def test_a_process_paces_at_its_share_of_the_limit_with_headroom():
    assert RestPacer.for_share(50).rate == pytest.approx(50 * HEADROOM)
    assert RestPacer.for_share(50).burst == 3
    assert RestPacer.for_share(50, 0.25).rate == pytest.approx(12.5 * HEADROOM)
    assert RestPacer.for_share(50, 0.25).burst == 1
    with pytest.raises(ValueError):
        RestPacer(0)


def test_the_bot_paces_its_http_client_at_the_configured_limit(make_bot, db_path):
    bot = make_bot(Settings(database=db_path, global_rate_limit=20))
    trace = bot.http.http_trace
    assert trace is not None
    [hook] = trace.on_request_start
    pacer = hook.__self__
    assert isinstance(pacer, RestPacer)
    assert pacer.rate == pytest.approx(20 * HEADROOM)


async def test_a_paced_client_sends_a_burst_with_no_global_429():
    limits = RateLimits(global_per_second=10, routes={}, default=Limit(1000, 1.0))
    server = DevServer(rate_limits=limits)
    server.add_guild(GUILD, CHANNELS)
    async with server:
        paced = discord.Client(
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            http_trace=RestPacer.for_share(10).trace(),
        )
        async with client_of(server, paced) as client:
            channels = [client.get_channel(c) for c in CHANNELS]
            sends = [c.send(f"m{n}") for n in range(3) for c in channels]  # type: ignore[union-attr]
            await asyncio.gather(*sends)
    assert server.limiter is not None and server.limiter.refusals == []
    for channel in CHANNELS:
        assert sorted(m["content"] for m in server.messages(channel)) == ["m0", "m1", "m2"]


async def test_requests_in_the_background_go_once_no_other_request_waits():
    clock = Clock()
    pacer = RestPacer(10, burst=1, clock=clock.monotonic, sleep=clock.sleep)
    order: list[str] = []

    async def request(name: str, background: bool = False) -> None:
        if background:
            with in_background():
                await pacer.wait()
        else:
            await pacer.wait()
        order.append(name)

    await pacer.wait()  # the burst is spent: whoever comes next waits for a token
    # The command sync asks while post 1 waits its turn, before posts 2 and 3 ask.
    await asyncio.gather(
        request("post 1"), request("command sync", background=True), request("post 2"),
        request("post 3"),
    )  # fmt: skip
    assert order == ["post 1", "post 2", "post 3", "command sync"]


def test_a_sharded_process_paces_at_its_shards_part_of_the_limit(make_bot, db_path):
    bot = make_bot(Settings(database=db_path, sharding=Sharding(4, (1,))))
    [hook] = bot.http.http_trace.on_request_start
    assert hook.__self__.rate == pytest.approx(50 / 4 * HEADROOM)
