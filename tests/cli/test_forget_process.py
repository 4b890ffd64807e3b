"""The bot as a real process (``python -m bot run``) after a member's ``/participation forget``:
another process opening and closing the database (here the test itself, as ``python -m bot
stats`` or a backup would) must leave the bot's WAL in place, and what the bot records
afterwards must reach the file and survive a SIGKILL."""

from __future__ import annotations

import asyncio

import pytest

from bot.devserver import DevServer, events
from tests.cli.test_run_fault_kill import (
    CHANNEL,
    GUILD,
    MEMBERS,
    START,
    TEST,
    THREADS,
    WRITE,
    answers,
    bot_runs,
    integrity,
    participation,
    server,  # noqa: F401 (the fixture)
    wait_db,
)

pytestmark = pytest.mark.slow  # see tests/conftest.py

FORGETS, STAYS = MEMBERS[1], MEMBERS[2]


async def press(discord: DevServer, message: dict, label: str, user_id: int) -> None:
    """The member presses the button ``label`` on the bot's (ephemeral) reply ``message``, and
    the bot answers the press."""
    [custom_id] = [
        b["custom_id"]
        for row in message["components"]
        for b in row["components"]
        if b.get("label") == label
    ]
    payload = discord.member_interaction(
        3,
        events.button_data(custom_id),
        guild_id=GUILD,
        channel_id=CHANNEL,
        user_id=user_id,
        message=message,
    )
    await discord.interact(payload)
    callback = rf"^/interactions/{payload['id']}/{payload['token']}/callback$"
    await discord.wait_for_request(callback, method="POST", timeout=WRITE)


async def test_answers_recorded_after_a_forget_survive_another_process_and_a_sigkill(
    server,  # noqa: F811
    tmp_path,
):
    async with bot_runs(tmp_path, server) as bot, asyncio.timeout(TEST):
        await bot.start()
        await server.wait_for_request(THREADS, method="POST", timeout=START)
        (thread,) = server.threads(CHANNEL)
        thread_id = int(thread["id"])
        for n, member in enumerate([FORGETS, FORGETS, STAYS]):
            await server.send_as(member, thread_id, f"answer {n}")
        await wait_db(bot.db, answers, 3, what="first answers written")

        asked = await server.invoke(
            "participation forget", guild_id=GUILD, channel_id=CHANNEL, user_id=FORGETS
        )
        confirm = await server.wait_for(
            lambda: asked.messages, timeout=WRITE, what="the forget confirmation"
        )
        await press(server, confirm[0], "Erase everything", FORGETS)
        await wait_db(bot.db, answers, 1, what="the member's answers erased")

        # the test process opened and closed the database (wait_db): the bot's WAL stays
        assert bot.db.with_name("bot.sqlite3-wal").exists()
        for n in range(4):
            await server.send_as(STAYS, thread_id, f"later answer {n}")
        await wait_db(bot.db, answers, 5, what="answers after the forget written")
        await bot.kill()

    assert answers(bot.db) == 5
    assert [r for r in participation(bot.db) if r["member_id"] == FORGETS] == []
    assert integrity(bot.db) == "ok"
