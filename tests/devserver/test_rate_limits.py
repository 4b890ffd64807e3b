"""Discord's rate limits as the local server emulates them: the global limit per bot token, the
per-route buckets per channel, their headers, and 429s in Discord's shape, which discord.py
itself understands (it paces by the headers and waits out a 429)."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import discord
import pytest

from bot.devserver import DevServer, Limit, RateLimits
from bot.devserver.ratelimits import MESSAGES, RateLimiter
from tests.devserver.test_server import client_of

GUILD, CHANNEL, OTHER = 820000000000000001, 820000000000000002, 820000000000000003
SEND = "/channels/{channel_id}/messages"


class Clock:
    """Monotonic and wall time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_800_000_000.0 + self.now


def limiter(limits: RateLimits) -> tuple[RateLimiter, Clock]:
    clock = Clock()
    return RateLimiter(limits, clock=clock.monotonic, wall=clock.wall), clock


def send(limiter: RateLimiter, channel: int, token: str = "Bot a"):
    path = f"/channels/{channel}/messages"
    return limiter.check("POST", path, SEND, {"channel_id": str(channel)}, token)


def test_the_global_limit_refuses_the_51st_request_in_a_second_for_that_token_only():
    limits = RateLimits(routes={}, default=Limit(1000, 1.0))
    rl, clock = limiter(limits)
    for n in range(50):
        clock.now = 100.0 + n * 0.01
        assert send(rl, CHANNEL + n).refusal is None
    clock.now = 100.6
    refused = send(rl, OTHER)
    assert refused.refusal is not None and refused.refusal.is_global
    assert refused.body == {
        "message": "You are being rate limited.",
        "retry_after": 0.4,
        "global": True,
    }
    assert refused.headers["X-RateLimit-Global"] == "true"
    assert refused.headers["X-RateLimit-Scope"] == "global"
    assert refused.headers["Retry-After"] == "1"
    assert send(rl, OTHER, token="Bot b").refusal is None  # another bot's token
    callback = "/interactions/{webhook_id}/{webhook_token}/callback"
    params = {"webhook_id": "9", "webhook_token": "t"}
    answer = rl.check("POST", "/interactions/9/t/callback", callback, params, "")
    assert answer.refusal is None  # interaction responses are outside the global limit
    clock.now = 100.0 + 1.0  # the first request leaves the window
    assert send(rl, OTHER).refusal is None
    assert send(rl, OTHER + 1).refusal is not None
    assert [r.is_global for r in rl.refusals] == [True, True]


def test_messages_are_five_per_five_seconds_per_channel_with_discords_headers():
    rl, clock = limiter(RateLimits())
    answers = [send(rl, CHANNEL) for _ in range(5)]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
    first = answers[0].headers
    assert first["X-RateLimit-Limit"] == "5"
    assert first["X-RateLimit-Reset-After"] == "5.000"
    assert float(first["X-RateLimit-Reset"]) == pytest.approx(clock.wall() + 5.0)

    clock.now += 1.5
    refused = send(rl, CHANNEL)
    assert refused.refusal is not None and not refused.refusal.is_global
    assert refused.body["retry_after"] == pytest.approx(3.5)
    assert refused.body["global"] is False
    assert refused.headers["Retry-After"] == "4"
    assert refused.headers["X-RateLimit-Scope"] == "user"
    assert refused.headers["X-RateLimit-Remaining"] == "0"

    other = send(rl, OTHER)  # another channel: a bucket of its own, the same route's hash
    assert other.refusal is None and other.headers["X-RateLimit-Remaining"] == "4"
    assert other.headers["X-RateLimit-Bucket"] == first["X-RateLimit-Bucket"]
    thread = rl.check(
        "POST",
        f"/channels/{CHANNEL}/messages/5/threads",
        "/channels/{channel_id}/messages/{message_id}/threads",
        {"channel_id": str(CHANNEL), "message_id": "5"},
        "Bot a",
    )
    assert thread.refusal is None  # another route: its own bucket
    assert thread.headers["X-RateLimit-Bucket"] != first["X-RateLimit-Bucket"]

    clock.now += 3.5  # the window opened by the first message is over
    assert send(rl, CHANNEL).headers["X-RateLimit-Remaining"] == "4"


async def serve(limits: RateLimits) -> DevServer:
    server = DevServer(rate_limits=limits)
    server.add_guild(GUILD, [CHANNEL, OTHER])
    return await server.start()


@pytest.fixture
async def limited():
    """Two messages per half second per channel; the global limit out of the way."""
    server = await serve(RateLimits(global_per_second=1000, routes={MESSAGES: Limit(2, 0.5)}))
    yield server
    await server.close()


async def test_429s_travel_in_discords_shape_over_http(limited):
    url = f"{limited.api_base}/channels/{CHANNEL}/messages"
    headers = {"Authorization": "Bot token"}
    async with aiohttp.ClientSession() as http:
        answers = []
        for n in range(3):
            async with http.post(url, json={"content": f"m{n}"}, headers=headers) as response:
                answers.append((response.status, dict(response.headers), await response.read()))
    assert [status for status, _, _ in answers] == [200, 200, 429]
    _, ok, _ = answers[0]
    assert ok["X-RateLimit-Remaining"] == "1" and ok["X-RateLimit-Limit"] == "2"
    assert {"X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} <= ok.keys()
    _, refused, body = answers[2]
    assert refused["Content-Type"] == "application/json"
    assert refused["Via"] and refused["Retry-After"] == "1"
    data = json.loads(body)
    assert data["global"] is False and 0 < data["retry_after"] <= 0.5
    assert [m["content"] for m in limited.messages(CHANNEL)] == ["m0", "m1"]


async def test_discord_py_paces_itself_by_the_bucket_headers(limited):
    async with client_of(limited) as client:
        channel = client.get_channel(CHANNEL)
        assert isinstance(channel, discord.TextChannel)
        await asyncio.gather(*(channel.send(f"m{n}") for n in range(6)))
    # Two per half second in one channel: discord.py waited for each reset, never refused.
    assert limited.limiter.refusals == []
    assert sorted(m["content"] for m in limited.messages(CHANNEL)) == [f"m{n}" for n in range(6)]


async def test_discord_py_waits_out_a_global_429_and_sends_each_message_once():
    server = await serve(RateLimits(global_per_second=4, default=Limit(1000, 1.0), routes={}))
    try:
        async with client_of(server) as client:
            channels = [client.get_channel(c) for c in (CHANNEL, OTHER)]
            assert all(isinstance(c, discord.TextChannel) for c in channels)
            # six at once: over the limit, and each retried fewer than discord.py's five times
            sends = [c.send(f"m{n}") for n in range(3) for c in channels]  # type: ignore[union-attr]
            await asyncio.gather(*sends)
    finally:
        await server.close()
    assert server.limiter is not None
    assert server.limiter.refusals and all(r.is_global for r in server.limiter.refusals)
    for channel in (CHANNEL, OTHER):
        assert sorted(m["content"] for m in server.messages(channel)) == [f"m{n}" for n in range(3)]
