"""The local Discord server's sharding, as Discord does it: GET /gateway/bot recommends the
configured shard count, an IDENTIFY with ``shard: [id, count]`` hears only the guilds of that
shard (``(guild_id >> 22) % count``), events go only to their guild's shard, and discord.py's own
``AutoShardedClient`` runs on it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import aiohttp
import discord
import pytest

from bot.adapter.endpoints import apply_endpoints
from bot.devserver import DevServer

# Guild ids from 2024 whose shard (of 2) is known: (id >> 22) is even for the first.
ON_0 = 1_200_000_000_000_000_000 - ((1_200_000_000_000_000_000 >> 22) % 2 << 22)
ON_1 = ON_0 + (1 << 22)
CHANNEL_0, CHANNEL_1, MEMBER = 820000000000000001, 820000000000000002, 820000000000000003


@pytest.fixture
async def server():
    server = DevServer(shard_count=2)
    server.add_guild(ON_0, {CHANNEL_0: "zero"})
    server.add_guild(ON_1, {CHANNEL_1: "one"})
    for guild in (ON_0, ON_1):
        server.add_member(guild, MEMBER, "ada")
    async with server:
        yield server


@pytest.fixture(autouse=True)
def no_logged_errors(caplog):
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def test_the_guilds_are_on_the_shards_their_names_say():
    assert ((ON_0 >> 22) % 2, (ON_1 >> 22) % 2) == (0, 1)


class Connection:
    """A raw gateway connection: what a shard of a bot sends and receives."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def identify(self, shard: list[int] | None) -> None:
        hello = await self.receive()
        assert hello["op"] == 10
        data = {"token": "fake-token", "intents": 513, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await self.ws.send_str(json.dumps({"op": 2, "d": data}))

    async def receive(self) -> dict:
        message = await asyncio.wait_for(self.ws.receive(), 5)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        return json.loads(message.data)

    async def events(self, count: int) -> list[tuple[str, dict]]:
        frames = [await self.receive() for _ in range(count)]
        return [(f["t"], f["d"]) for f in frames]


@contextlib.asynccontextmanager
async def connection(server: DevServer, shard: list[int] | None):
    async with aiohttp.ClientSession() as session, session.ws_connect(server.gateway_url) as ws:
        conn = Connection(ws)
        await conn.identify(shard)
        yield conn


async def test_gateway_bot_recommends_the_configured_shard_count(server):
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.api_base + "/gateway/bot") as response,
    ):
        body = await response.json()
    assert body["shards"] == 2
    assert body["url"] == server.gateway_url


async def test_each_shard_hears_only_its_guilds_and_their_events(server):
    async with connection(server, [0, 2]) as zero, connection(server, [1, 2]) as one:
        [(ready, data), (created, guild)] = await one.events(2)
        assert (ready, data["shard"], data["guilds"]) == (
            "READY",
            [1, 2],
            [{"id": str(ON_1), "unavailable": True}],
        )
        assert (created, guild["id"]) == ("GUILD_CREATE", str(ON_1))
        [(ready, data), (created, guild)] = await zero.events(2)
        assert [g["id"] for g in data["guilds"]] == [str(ON_0)]
        assert guild["id"] == str(ON_0)
        await server.wait_for(lambda: server.connections == 2, timeout=5, what="two sessions")

        # a member's message in each guild reaches only the shard of that guild
        await server.send_as(MEMBER, CHANNEL_1, "on shard one")
        await server.send_as(MEMBER, CHANNEL_0, "on shard zero")
        [(event, message)] = await one.events(1)
        assert (event, message["content"]) == ("MESSAGE_CREATE", "on shard one")
        [(event, message)] = await zero.events(1)
        assert (event, message["content"]) == ("MESSAGE_CREATE", "on shard zero")

        # an event with no guild (a direct message) goes to shard 0, as on Discord
        dm = {"id": "1", "channel_id": "2", "author": {"id": str(MEMBER)}, "content": "hi"}
        assert await server.inject("MESSAGE_CREATE", dm) == 1
        assert (await zero.events(1))[0][1]["content"] == "hi"
        # guild events name their guild by id
        assert await server.inject("GUILD_UPDATE", {"id": str(ON_1), "name": "renamed"}) == 1
        assert (await one.events(1))[0][1]["name"] == "renamed"


async def test_an_unsharded_session_hears_every_guild(server):
    async with connection(server, None) as conn:
        [(_, ready), *created] = await conn.events(3)
        assert "shard" not in ready
        assert {g["id"] for g in ready["guilds"]} == {str(ON_0), str(ON_1)}
        assert {g["id"] for _, g in created} == {str(ON_0), str(ON_1)}
        assert await server.inject("GUILD_UPDATE", {"id": str(ON_1), "name": "x"}) == 1


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], ["0", 2]])
async def test_an_invalid_shard_is_closed_with_4010(server, shard):
    async with aiohttp.ClientSession() as session, session.ws_connect(server.gateway_url) as ws:
        await Connection(ws).identify(shard)
        closed = await asyncio.wait_for(ws.receive(), 5)
        assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4010
    assert server.connections == 0


class ShardedClient(discord.AutoShardedClient):
    """discord.py's sharded client, without the 5 s it waits between shards' IDENTIFYs
    (Discord's pace; the local server has none)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def test_discord_pys_sharded_client_asks_the_shard_count_and_runs_every_shard(server):
    """No shard count given: discord.py asks GET /gateway/bot, then identifies every shard."""
    apply_endpoints(server.api_base, server.gateway_url)
    client = ShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    heard: list[tuple[int | None, str]] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        heard.append((message.guild.shard_id if message.guild else None, message.content))

    try:
        async with client:
            await client.login("fake-token")
            task = asyncio.create_task(client.connect(reconnect=True))
            await asyncio.wait_for(client.wait_until_ready(), 10)
            assert client.shard_count == 2
            assert sorted(client.shards) == [0, 1]
            assert [i["shard"] for i in server.identifies] == [[0, 2], [1, 2]]
            assert {g.id: g.shard_id for g in client.guilds} == {ON_0: 0, ON_1: 1}
            await server.send_as(MEMBER, CHANNEL_1, "one")
            await server.send_as(MEMBER, CHANNEL_0, "zero")
            await server.wait_for(lambda: len(heard) == 2, timeout=5, what="both messages")
            assert sorted(heard) == [(0, "zero"), (1, "one")]

            # each shard resumes its own session after a drop and hears what it missed
            await server.drop_connections()
            await server.send_as(MEMBER, CHANNEL_1, "missed by one")
            await server.wait_for(lambda: len(heard) == 3, timeout=10, what="the missed message")
            assert heard[-1] == (1, "missed by one")
            await server.wait_for(lambda: server.connections == 2, timeout=10, what="both back")
            assert len(server.gateway.resumes) == 2 and len(server.identifies) == 2
            await client.close()
            await asyncio.wait_for(task, 5)
    finally:
        apply_endpoints(None, None)
    requests = [r.path for r in server.requests if r.path.startswith("/gateway")]
    assert requests == ["/gateway/bot"]
