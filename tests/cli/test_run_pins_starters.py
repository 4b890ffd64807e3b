"""``python -m bot run`` as a real process against the local Discord-compatible server: with
``pin: true`` two moderator posts leave only the second pinned; ``/starter`` answers publicly
with "Another one", which another member cannot use and the asker can (the message edited in
place); a second ``/starter`` right after is refused privately."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devserver import DevServer, payloads
from tests import bot_process
from tests.bot_process import YEARLY, start, stop

pytestmark = pytest.mark.slow  # real bot processes; see tests/conftest.py

GUILD, CHANNEL, STARTERS = 840000000000000001, 840000000000000002, 840000000000000003
MOD, MOD_ROLE, ASKER, OTHER = 840000000000000004, 840000000000000005, 840000000000000006, 8400007
EPHEMERAL = 64


@pytest.fixture
async def server():
    server = DevServer()
    moderators = payloads.role(MOD_ROLE, "Moderators", permissions=1 << 13)  # Manage Messages
    server.add_guild(GUILD, {CHANNEL: "prompts", STARTERS: "lounge"}, roles=[moderators])
    server.add_member(GUILD, MOD, "mod", roles=(MOD_ROLE,))
    server.add_member(GUILD, ASKER, "ada")
    server.add_member(GUILD, OTHER, "bo")
    async with server:
        yield server


def write_config(tmp_path: Path, server: DevServer) -> Path:
    guild = f"""
        moderator_role_ids: [{MOD_ROLE}]
        starter_channels: [{STARTERS}]
        channels:
          - {{channel_id: {CHANNEL}, {YEARLY}, pin: true}}
        """
    return bot_process.write_config(tmp_path, server, GUILD, guild)


def prompt_messages(server: DevServer) -> list[dict]:
    return [
        m
        for m in server.messages(CHANNEL)
        if m["author"]["id"] == str(server.bot_id) and m.get("embeds")
    ]


async def answered(server: DevServer, interaction):
    await server.wait_for(lambda: interaction.callbacks, timeout=15, what="an answer")
    return interaction.callbacks[0]


async def test_pins_and_starters_in_a_running_bot(server, tmp_path):
    proc = await start(write_config(tmp_path, server))
    try:
        await server.wait_for_identify(1, timeout=20)
        await server.wait_for_request(r"/commands$", method="PUT", timeout=20)
        for count in (1, 2):
            post = await server.invoke(
                "topic post", guild_id=GUILD, channel_id=CHANNEL, user_id=MOD
            )
            await server.wait_for(
                lambda p=post: any("Posted" in t for t in p.texts), timeout=15, what="posted"
            )
            await server.wait_for(
                lambda c=count: (
                    len(prompt_messages(server)) == c
                    and server.pinned(CHANNEL) == [int(prompt_messages(server)[-1]["id"])]
                ),
                timeout=15,
                what=f"prompt {count} pinned",
            )
        first, second = prompt_messages(server)
        assert server.pinned(CHANNEL) == [int(second["id"])]
        assert not server.state.messages[int(first["id"])].get("pinned")

        asked = await server.invoke("starter", guild_id=GUILD, channel_id=STARTERS, user_id=ASKER)
        callback = await answered(server, asked)
        assert callback["type"] == 4 and not int(callback["data"].get("flags") or 0) & EPHEMERAL
        [message] = asked.messages
        question = message["embeds"][0]["title"]
        [[button]] = [row["components"] for row in message["components"]]
        assert button["label"] == "Another one"
        assert message in server.messages(STARTERS)  # public, in the channel

        refused = await server.click(
            button["custom_id"], message_id=int(message["id"]), user_id=OTHER
        )
        callback = await answered(server, refused)
        assert callback["type"] == 4 and int(callback["data"]["flags"]) & EPHEMERAL
        assert "Only the member who asked" in callback["data"]["content"]
        assert server.state.messages[int(message["id"])]["embeds"][0]["title"] == question

        again = await server.click(
            button["custom_id"], message_id=int(message["id"]), user_id=ASKER
        )
        callback = await answered(server, again)
        assert callback["type"] == 7  # edited in place
        edited = server.state.messages[int(message["id"])]
        assert edited["embeds"][0]["title"] != question
        assert len(server.messages(STARTERS)) == 1

        soon = await server.invoke("starter", guild_id=GUILD, channel_id=STARTERS, user_id=OTHER)
        callback = await answered(server, soon)
        assert int(callback["data"]["flags"]) & EPHEMERAL
        assert "the next one can be asked for" in callback["data"]["content"]
        assert len(server.messages(STARTERS)) == 1
    finally:
        code, output = await stop(proc)
    assert code == 0, output
    assert "Traceback" not in output, output
