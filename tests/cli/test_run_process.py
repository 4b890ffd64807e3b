"""``python -m bot run`` as a real process against the local Discord-compatible server: an
event discord.py cannot read is dropped while the bot stays connected, and a token revoked
while running ends the process with the same line and exit code as a bad token at start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.devserver import DevServer
from tests.bot_process import YEARLY, finish, start, stop, write_config

pytestmark = pytest.mark.slow  # real bot processes; see tests/conftest.py

GUILD, CHANNEL, MEMBER = 830000000000000001, 830000000000000002, 830000000000000003


@pytest.fixture
async def server():
    server = DevServer()
    server.add_guild(GUILD, {CHANNEL: "prompts"})
    server.add_member(GUILD, MEMBER, "ada")
    async with server:
        yield server


async def start_bot(tmp_path: Path, server: DevServer) -> asyncio.subprocess.Process:
    config = f"channels:\n  - {{channel_id: {CHANNEL}, {YEARLY}}}"
    return await start(write_config(tmp_path, server, GUILD, config))


async def test_unreadable_events_are_dropped_and_the_bot_stays_connected(server, tmp_path):
    proc = await start_bot(tmp_path, server)
    try:
        await server.wait_for_identify(1, timeout=20)
        await server.wait_for_request(r"/commands$", method="PUT", timeout=20)
        channel = {"id": str(CHANNEL), "guild_id": str(GUILD), "type": 0, "name": "renamed"}
        assert await server.inject("CHANNEL_UPDATE", channel) == 1  # no "position"
        message = await server.send_as(MEMBER, CHANNEL, "hello")
        edited = {**message, "guild_id": str(GUILD), "author": {"username": "ghost"}}
        assert await server.inject("MESSAGE_UPDATE", edited) == 1  # an author without id
        # Still the same connection, and still served: a command is answered after them.
        reply = await server.invoke(
            "participation me", guild_id=GUILD, channel_id=CHANNEL, user_id=MEMBER
        )
        await server.wait_for(lambda: reply.callbacks, timeout=10, what="a reply")
        assert server.connections == 1 and len(server.identifies) == 1
        assert proc.returncode is None
    finally:
        code, output = await stop(proc)
    assert code == 0, output
    assert "dropped a CHANNEL_UPDATE gateway event" in output
    assert "dropped a MESSAGE_UPDATE gateway event" in output
    assert "Traceback" not in output


async def test_a_token_revoked_while_running_exits_2_like_a_bad_token_at_start(server, tmp_path):
    proc = await start_bot(tmp_path, server)
    try:
        await server.wait_for_identify(1, timeout=20)
        await server.wait_for_request(r"/commands$", method="PUT", timeout=20)
        await server.drop_connections(4004)
    finally:
        code, output = await finish(proc)
    assert code == 2, output
    assert output.rstrip().splitlines()[-1] == "DISCORD_TOKEN: Discord rejected this token"
    assert "Traceback" not in output and "unexpected error" not in output
