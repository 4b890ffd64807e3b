"""The fake Discord server and the endpoint switch, exercised by real discord.py clients:
one in a separate process that is killed with SIGKILL and restarted, one in this process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapter.endpoints import DISCORD_API_BASE, DISCORD_GATEWAY_URL, apply_endpoints
from bot.devserver import DevServer

REPO = Path(__file__).resolve().parents[2]
GUILD, CHANNEL, MEMBER = 810000000000000001, 810000000000000002, 810000000000000003
THREADS = r"^/channels/\d+/messages/\d+/threads$"
REACTION = r"^/channels/\d+/messages/\d+/reactions/.+/@me$"


@pytest.fixture
async def server():
    server = DevServer()
    server.add_guild(GUILD, {CHANNEL: "prompts"})
    server.add_member(GUILD, MEMBER, "ada")
    async with server:
        yield server


@pytest.fixture(autouse=True)
def no_logged_errors(caplog):
    """discord.py only logs exceptions raised in listeners and parsers: fail the test on them."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
def endpoints():
    """Leave discord.py pointing at Discord after a test that moved it."""
    yield apply_endpoints
    apply_endpoints(None, None)


async def start_bot(server: DevServer, out: Path, log) -> asyncio.subprocess.Process:
    args = [server.api_base, server.gateway_url, str(GUILD), str(CHANNEL), str(out)]
    return await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "tests.harness.smoke_bot", *args],
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        },
        stdout=log,
        stderr=log,
    )


async def kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.kill()
        await asyncio.wait_for(proc.wait(), 5)


def test_apply_endpoints_sends_rest_and_gateway_to_the_given_server(endpoints):
    endpoints("http://127.0.0.1:8080/api/v10/", "ws://127.0.0.1:8080/gateway?v=9")
    assert Route("GET", "/users/@me").url == "http://127.0.0.1:8080/api/v10/users/@me"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:8080/gateway"
    endpoints(None, None)
    assert Route("GET", "/users/@me").url == DISCORD_API_BASE + "/users/@me"
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == DISCORD_GATEWAY_URL


@pytest.mark.parametrize(
    ("api_base", "gateway_url", "setting"),
    [
        ("discord.example/api/v10", None, "api_base"),
        ("ws://127.0.0.1:8080/api/v10", None, "api_base"),
        (None, "https://127.0.0.1:8080/gateway", "gateway_url"),
        (None, "wss:///gateway", "gateway_url"),
        ("http://admin:hunter2@127.0.0.1:8080/api/v10", None, "api_base"),
    ],
)
def test_apply_endpoints_rejects_urls_that_cannot_work(endpoints, api_base, gateway_url, setting):
    with pytest.raises(ValueError, match=setting) as refused:
        endpoints(api_base, gateway_url)
    assert "hunter2" not in str(refused.value)
    assert Route.BASE == DISCORD_API_BASE


@pytest.mark.slow
async def test_bot_process_posts_reads_answers_and_reconnects_after_sigkill(server, tmp_path):
    out, log = tmp_path / "bot.out", (tmp_path / "bot.log").open("w")
    procs: list[asyncio.subprocess.Process] = []
    try:
        async with asyncio.timeout(20):
            procs.append(await start_bot(server, out, log))
            identify = await server.wait_for_identify(1)
            assert identify["token"] == "fake-token"
            await server.wait_for_request(THREADS, method="POST")
            (thread,) = server.threads(CHANNEL)
            (post,) = server.messages(CHANNEL)
            assert post["content"] == "Today's prompt"
            assert (thread["id"], thread["type"]) == (post["id"], 11)  # public, started on the post
            assert [c["name"] for c in server.commands(GUILD)] == ["ping"]
            thread_id = int(thread["id"])
            await server.wait_for_request(f"^/channels/{thread_id}/messages$", method="POST")

            await server.send_as(MEMBER, thread_id, "first answer")
            await server.wait_for_request(REACTION, method="PUT")
            assert f"{thread_id} {MEMBER} first answer" in out.read_text().splitlines()

            await kill(procs[0])
            assert procs[0].returncode == -9
            await server.wait_for(lambda: server.connections == 0, timeout=5, what="disconnect")

            procs.append(await start_bot(server, out, log))
            await server.wait_for_identify(2)
            await server.wait_for_request(THREADS, method="POST", count=2)
            second = server.threads(CHANNEL)[1]["id"]
            await server.wait_for_request(f"^/channels/{second}/messages$", method="POST")
            await server.send_as(MEMBER, thread_id, "answer after restart")
            await server.wait_for_request(REACTION, method="PUT", count=2)
    finally:
        for proc in procs:
            await kill(proc)
        log.close()
        log_text = (tmp_path / "bot.log").read_text()
        print(log_text)  # shown by pytest when the test fails
    assert "Traceback" not in log_text
    lines = out.read_text().splitlines()
    assert f"{thread_id} {MEMBER} answer after restart" in lines
    assert len([line for line in lines if line.startswith("ready ")]) == 2
    assert not [line for line in lines if line.startswith("ERROR")], lines
    assert [m["content"] for m in server.messages(thread_id)] == [
        "Answers go here",
        "first answer",
        "answer after restart",
    ]


@contextlib.asynccontextmanager
async def client_of(server: DevServer, client: discord.Client | None = None):
    """A discord.py client in this process, connected to the fake server and ready."""
    apply_endpoints(server.api_base, server.gateway_url)
    client = client or discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    try:
        async with client:
            await client.login("fake-token")
            task = asyncio.create_task(client.connect(reconnect=True))
            await asyncio.wait_for(client.wait_until_ready(), 5)
            yield client
            await client.close()
            await asyncio.wait_for(task, 5)
    finally:
        apply_endpoints(None, None)


async def test_history_pages_newest_first_and_scripted_errors_reach_the_client(server):
    async with client_of(server) as client:
        for n in range(5):
            await server.send_as(MEMBER, CHANNEL, f"m{n}")
        channel = client.get_channel(CHANNEL)
        assert [m.content async for m in channel.history(limit=3)] == ["m4", "m3", "m2"]
        first = server.messages(CHANNEL)[0]
        after = channel.history(after=discord.Object(int(first["id"])), oldest_first=True)
        assert [m.content async for m in after] == ["m1", "m2", "m3", "m4"]

        server.fail_next("POST", f"^/channels/{CHANNEL}/messages$", 429, retry_after=0.05)
        sent = await channel.send("after a rate limit")
        posts = [r.status for r in server.requests if r.method == "POST"]
        assert posts == [429, 200]
        assert server.messages(CHANNEL)[-1]["id"] == str(sent.id)

        server.fail_next("POST", "/messages$", 403)
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("not allowed")
        assert refused.value.code == 50013
        assert server.messages(CHANNEL)[-1]["content"] == "after a rate limit"


async def test_a_repeated_enforced_nonce_returns_the_message_already_made(server):
    async with client_of(server) as client:
        channel = client.get_channel(CHANNEL)
        first = await channel.send("slot post", nonce="post-7")
        again = await channel.send("slot post", nonce="post-7")
        other = await channel.send("slot post", nonce="post-8")
        assert again.id == first.id != other.id
        assert [m["content"] for m in server.messages(CHANNEL)] == ["slot post", "slot post"]


async def test_held_post_is_stored_before_the_bot_hears_back_and_resume_replays(server):
    async with client_of(server) as client:
        channel = client.get_channel(CHANNEL)
        hold = server.hold_next("POST", "/messages$")
        sending = asyncio.create_task(channel.send("slot post"))
        await hold.arrived()
        assert [m["content"] for m in server.messages(CHANNEL)] == ["slot post"]
        assert not sending.done()
        hold.release()
        assert (await asyncio.wait_for(sending, 5)).content == "slot post"

        seen: list[str] = []
        client.event(_recorder(seen))
        await server.drop_connections()
        assert server.connections == 0
        await server.send_as(MEMBER, CHANNEL, "sent while disconnected")
        await server.wait_for(lambda: server.gateway.resumes, timeout=5, what="RESUME")
        await server.wait_for(lambda: seen, timeout=5, what="replayed message")
        assert seen == ["sent while disconnected"]
        assert len(server.identifies) == 1


async def test_slash_command_answers_reach_the_interaction_record(server):
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    tree = discord.app_commands.CommandTree(client)

    @tree.command(name="stats", description="Show counts", guild=discord.Object(GUILD))
    async def stats(interaction: discord.Interaction, days: int) -> None:
        await interaction.response.send_message(f"{days} days", ephemeral=True)
        await interaction.followup.send("details")

    async with client_of(server, client):
        await tree.sync(guild=discord.Object(GUILD))
        assert [c["name"] for c in server.commands(GUILD)] == ["stats"]
        options = [{"name": "days", "type": 4, "value": 7}]
        interaction = await server.invoke(
            "stats", guild_id=GUILD, channel_id=CHANNEL, user_id=MEMBER, options=options
        )
        await server.wait_for(lambda: len(interaction.messages) == 2, timeout=5, what="answers")
    assert interaction.texts == ["7 days", "details"]
    assert interaction.callbacks[0]["data"]["flags"] == 64
    assert [m["content"] for m in server.messages(CHANNEL)] == ["details"]  # ephemeral not kept


def _recorder(seen: list[str]):
    async def on_message(message: discord.Message) -> None:
        if not message.author.bot:
            seen.append(message.content)

    return on_message
