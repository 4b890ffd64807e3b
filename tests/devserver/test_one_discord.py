"""One model of Discord, two transports: a discord.py client sees the same Discord whether its
requests are answered in-process (tests/harness) or over real HTTP and WebSocket by the server
the demo ships (bot.devserver). Each rule below is written once, in bot/devserver/state.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord
import pytest

from bot.adapter.endpoints import apply_endpoints
from bot.devserver import DevServer
from tests.discord_harness import FakeDiscord, payloads

GUILD, CHANNEL, MEMBER = 830000000000000001, 830000000000000002, 830000000000000003


@contextlib.asynccontextmanager
async def in_process() -> AsyncIterator[discord.Client]:
    client = discord.Client(intents=discord.Intents.default())
    async with client, FakeDiscord(client) as fd:
        guild = payloads.guild(
            GUILD,
            channels=[payloads.text_channel(CHANNEL, GUILD, "prompts")],
            members=[fd.bot_member(), payloads.member(MEMBER)],
        )
        await fd.connect(guild)
        yield client


@contextlib.asynccontextmanager
async def over_http() -> AsyncIterator[discord.Client]:
    server = DevServer()
    server.add_guild(GUILD, {CHANNEL: "prompts"})
    server.add_member(GUILD, MEMBER, "ada")
    async with server:
        apply_endpoints(server.api_base, server.gateway_url)
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        try:
            async with client:
                await client.login("fake-token")
                task = asyncio.create_task(client.connect(reconnect=False))
                await asyncio.wait_for(client.wait_until_ready(), 30)
                yield client
                await client.close()
                await asyncio.wait_for(task, 30)
        finally:
            apply_endpoints(None, None)


@pytest.fixture(params=[in_process, over_http], ids=["in-process", "http"])
async def channel(request) -> AsyncIterator[discord.TextChannel]:
    async with request.param() as client:
        yield client.get_channel(CHANNEL)


async def test_an_empty_message_is_refused(channel):
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send()
    assert (refused.value.status, refused.value.code) == (400, 50006)


async def test_a_message_has_at_most_one_thread_and_it_shares_the_message_id(channel):
    message = await channel.send("prompt")
    thread = await message.create_thread(name="answers")
    assert thread.id == message.id
    with pytest.raises(discord.HTTPException) as refused:
        await message.create_thread(name="again")
    assert (refused.value.status, refused.value.code) == (400, 160004)


async def test_a_send_repeated_with_its_nonce_returns_the_first_message(channel):
    """discord.py sends every nonce with enforce_nonce."""
    first = await channel.send("prompt", nonce="post-7")
    again = await channel.send("prompt", nonce="post-7")
    other = await channel.send("prompt", nonce="post-8")
    assert again.id == first.id != other.id
    history = [m.id async for m in channel.history(limit=10)]
    assert history == [other.id, first.id]  # newest first, as Discord pages


async def test_an_unknown_channel_is_404(channel):
    with pytest.raises(discord.NotFound) as missing:
        await channel.guild.get_channel(CHANNEL)._state.http.get_channel(CHANNEL + 99)
    assert missing.value.code == 10003
