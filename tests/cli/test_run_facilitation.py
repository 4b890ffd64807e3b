"""``python -m bot run`` as a real process against the local Discord-compatible server, with a
channel whose follow-ups are paced after two answers and the server's welcome on: right after a
moderator's ``/topic post`` the thread holds none of the follow-ups; two answers bring the first
and not the second; two more bring the second; each member's first answer gets the bot's
reaction and their second does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devserver import DevServer, payloads
from tests import bot_process
from tests.bot_process import start, stop

pytestmark = pytest.mark.slow  # a real bot process; see tests/conftest.py

GUILD, CHANNEL, MOD_ROLE = 840000000000000001, 840000000000000002, 840000000000000003
MOD, ANA, BEN = 840000000000000010, 840000000000000011, 840000000000000012
MANAGE_MESSAGES = 1 << 13
FOLLOWUPS = [
    "What was it about their story that stayed with you?",
    "Did it change how you talk about your own experience?",
    "Who else would you want to hear it?",
]
PROMPT = f"""id: stories
title: Sharing stories
prompts:
  - id: stories-1
    question: When did hearing someone else's story make you feel less alone?
    followups: {FOLLOWUPS!r}
    context: "“By hearing each other's stories, we learn.” (from the essay)"
"""


@pytest.fixture
async def server():
    server = DevServer()
    role = payloads.role(MOD_ROLE, "Moderators", permissions=MANAGE_MESSAGES, position=2)
    server.add_guild(GUILD, {CHANNEL: "prompts"}, roles=[role])
    server.add_member(GUILD, MOD, "mod", roles=(MOD_ROLE,))
    server.add_member(GUILD, ANA, "ana")
    server.add_member(GUILD, BEN, "ben")
    async with server:
        yield server


def write_config(tmp_path: Path, server: DevServer) -> Path:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "stories.yaml").write_text(PROMPT, encoding="utf-8")
    guild = f"""
        moderator_role_ids: [{MOD_ROLE}]
        welcome_first_answer: true
        channels:
          - channel_id: {CHANNEL}
            cron: "0 0 1 1 *"
            timezone: UTC
            followups: paced
            followup_after_answers: 2
        """
    return bot_process.write_config(tmp_path, server, GUILD, guild, prompts_dir=prompts)


def bot_lines(server: DevServer, thread_id: int) -> list[str]:
    return [
        m["content"]
        for m in server.messages(thread_id)
        if int(m["author"]["id"]) == server.bot_id and m["content"]
    ]


def posted(reply) -> bool:
    return any(text.startswith("Posted `stories-1`") for text in reply.texts)


def welcomed(server: DevServer, message: dict) -> bool:
    stored = next(
        m for m in server.messages(int(message["channel_id"])) if m["id"] == message["id"]
    )
    return any(r["me"] and r["emoji"]["name"] == "🌱" for r in stored.get("reactions", []))


async def stopped(proc) -> str:
    code, output = await stop(proc)
    assert code == 0, output  # it ended on SIGTERM, within the bound, and was not killed
    return output


async def test_paced_followups_and_welcomes_in_a_running_bot(server, tmp_path):
    config = write_config(tmp_path, server)
    proc = await start(config)
    try:
        await server.wait_for_identify(1, timeout=20)
        await server.wait_for_request(r"/commands$", method="PUT", timeout=20)
        reply = await server.invoke("topic post", guild_id=GUILD, channel_id=CHANNEL, user_id=MOD)
        # The command defers, then says "Posted …" once the post and its thread are complete.
        await server.wait_for(lambda: posted(reply), timeout=10, what="the reply")
        [thread] = await server.wait_for(
            lambda: server.threads(CHANNEL), timeout=10, what="a thread"
        )
        thread_id = int(thread["id"])
        assert bot_lines(server, thread_id) == []

        first_ana = await server.send_as(ANA, thread_id, "")
        await server.wait_for(lambda: welcomed(server, first_ana), timeout=10, what="a welcome")
        assert bot_lines(server, thread_id) == []
        first_ben = await server.send_as(BEN, thread_id, "")
        await server.wait_for(
            lambda: bot_lines(server, thread_id), timeout=10, what="the first follow-up"
        )
        assert bot_lines(server, thread_id) == FOLLOWUPS[:1]
        await server.wait_for(lambda: welcomed(server, first_ben), timeout=10, what="a welcome")

        second_ana = await server.send_as(ANA, thread_id, "")
        second_ben = await server.send_as(BEN, thread_id, "")
        await server.wait_for(
            lambda: len(bot_lines(server, thread_id)) > 1, timeout=10, what="the next follow-up"
        )
        assert bot_lines(server, thread_id) == FOLLOWUPS[:2]
        assert not welcomed(server, second_ana) and not welcomed(server, second_ben)
        reactions = [r for r in server.requests if "/reactions/" in r.path and r.method == "PUT"]
        assert len(reactions) == 2
    finally:
        output = await stopped(proc)
    assert proc.returncode == 0, output
    assert "Traceback" not in output


async def test_two_processes_on_one_database_send_each_followup_once(server, tmp_path):
    config = write_config(tmp_path, server)
    procs = [await start(config)]
    try:
        await server.wait_for_identify(1, timeout=20)  # the first has made the database
        procs.append(await start(config))
        await server.wait_for_identify(2, timeout=20)
        await server.wait_for(
            lambda: len([r for r in server.requests if r.path.endswith("/commands")]) >= 2,
            timeout=30,
            what="both processes' commands",
        )
        reply = await server.invoke("topic post", guild_id=GUILD, channel_id=CHANNEL, user_id=MOD)
        await server.wait_for(lambda: posted(reply), timeout=10, what="the reply")
        [thread] = server.threads(CHANNEL)
        thread_id = int(thread["id"])
        for member in (ANA, BEN):  # both processes see and record every answer
            await server.send_as(member, thread_id, "")
        await server.wait_for(lambda: bot_lines(server, thread_id), timeout=10, what="follow-up")
        for member in (ANA, BEN):
            await server.send_as(member, thread_id, "")
        await server.wait_for(
            lambda: len(bot_lines(server, thread_id)) > 1, timeout=10, what="the next follow-up"
        )
        # The first had the time of two more answers to be sent twice; it was not. And only one
        # process sent each (the claim), not two sends merged by Discord's nonce.
        assert bot_lines(server, thread_id) == FOLLOWUPS[:2]
        sends = [
            r
            for r in server.requests
            if r.method == "POST" and r.path == f"/channels/{thread_id}/messages"
        ]
        assert len(sends) == 2
    finally:
        outputs = [await stopped(proc) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
