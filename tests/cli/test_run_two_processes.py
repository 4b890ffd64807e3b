"""Two ``python -m bot run`` processes on one database (an SQLite file, then a PostgreSQL
database) against the local Discord server, which sends every event to both connections and
accepts one acknowledgement per interaction: each channel's scheduled slot is posted once, a
moderator's ``/topic post`` is posted once, and a member's anonymous answer is relayed once,
linked once, and confirmed with a link to this server (not discord.com)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.database import Database
from bot.devserver import DevServer, events, payloads
from tests import bot_process
from tests.bot_process import YEARLY, due_now, start, stop
from tests.store import view

pytestmark = pytest.mark.slow  # real bot processes; see tests/conftest.py

GUILD, CHANNEL, MODLOG = 840000000000000001, 840000000000000002, 840000000000000003
MEMBER, MOD, MOD_ROLE = 840000000000000004, 840000000000000005, 840000000000000006
SCHEDULED = (840000000000000011, 840000000000000012, 840000000000000013)
MANAGE_MESSAGES = 1 << 13
WAIT = 120  # seconds: a generous bound for two bot processes on a busy 2-core machine


@pytest.fixture
async def server():
    server = DevServer()
    moderators = payloads.role(MOD_ROLE, "Moderators", permissions=MANAGE_MESSAGES, position=2)
    channels = {CHANNEL: "prompts", MODLOG: "mod-log"}
    channels |= {c: f"scheduled-{n}" for n, c in enumerate(SCHEDULED)}
    server.add_guild(GUILD, channels, roles=[moderators])
    server.add_member(GUILD, MEMBER, "ada")
    server.add_member(GUILD, MOD, "mo", roles=(MOD_ROLE,))
    async with server:
        yield server


def write_config(
    tmp_path: Path, server: DevServer, more: str = "", *, database: Database | None = None
) -> Path:
    """Anonymous answers on, moderators by role; ``more`` adds guild settings."""
    guild = f"""
        moderator_role_ids: [{MOD_ROLE}]
        mod_log_channel_id: {MODLOG}
        anonymous_answers: true
        {more}
        channels:
          - {{channel_id: {CHANNEL}, {YEARLY}}}
        """
    return bot_process.write_config(tmp_path, server, GUILD, guild, database=database)


async def interact(server: DevServer, kind: int, data: dict, user_id: int, message=None):
    """A member's button press (3) or form (5), sent to every connected process."""
    payload = server.member_interaction(
        kind, data, guild_id=GUILD, channel_id=CHANNEL, user_id=user_id, message=message
    )
    record = server.apps.record(payload)
    assert await server.inject("INTERACTION_CREATE", payload) == 2
    return record


def recorded(database: Path | Database) -> bool:
    """The post is recorded with its thread (read as another process would)."""
    posts = view.rows_at(database, "posts")
    return len([p for p in posts if p["status"] == "posted" and p["thread_id"] is not None]) == 1


def anonymous_answers(server: DevServer, thread_id: int) -> list[dict]:
    return [
        m
        for m in server.messages(thread_id)
        if any(e.get("title") == "Anonymous member" for e in m.get("embeds") or [])
    ]


async def test_two_processes_post_once_and_relay_an_anonymous_answer_once(
    server, tmp_path, database
):
    config = write_config(tmp_path, server, database=database)
    first = await start(config)
    second = await start(config)
    outputs = []
    try:
        await server.wait_for_identify(2, timeout=WAIT)
        await server.wait_for_request(r"/commands$", method="PUT", count=2, timeout=WAIT)

        posted = await server.invoke("topic post", guild_id=GUILD, channel_id=CHANNEL, user_id=MOD)
        await server.wait_for(lambda: posted.messages, timeout=WAIT, what="the moderator's reply")
        await server.wait_for(lambda: server.threads(CHANNEL), timeout=WAIT, what="the thread")
        [prompt] = [m for m in server.messages(CHANNEL) if m.get("components")]
        [thread] = server.threads(CHANNEL)
        thread_id = int(thread["id"])
        button = prompt["components"][0]["components"][0]["custom_id"]
        assert len(posted.callbacks) == 1
        await server.wait_for(
            lambda: recorded(database), timeout=WAIT, what="the post recorded as posted"
        )

        pressed = await interact(server, 3, events.button_data(button), MEMBER, prompt)
        await server.wait_for(lambda: pressed.callbacks, timeout=WAIT, what="the form")
        assert pressed.callbacks[0]["type"] == 9, pressed.callbacks
        form = pressed.callbacks[0]["data"]["custom_id"]
        sent = await interact(
            server, 5, events.modal_data(form, {"anon:text": "Only once, please."}), MEMBER
        )

        def confirmed() -> bool:
            return any("posted anonymously" in (m.get("content") or "") for m in sent.messages)

        await server.wait_for(confirmed, timeout=WAIT, what="the confirmation")
        [relayed] = anonymous_answers(server, thread_id)
        text = next(m["content"] for m in sent.messages if "posted anonymously" in m["content"])
        web = server.api_base.removesuffix("/api/v10")
        assert f"{web}/channels/{GUILD}/{thread_id}/{relayed['id']}" in text
        assert "discord.com" not in text
        assert len(sent.callbacks) == 1 and len(pressed.callbacks) == 1
    finally:
        outputs = [(await stop(first))[1], (await stop(second))[1]]
    assert len(anonymous_answers(server, thread_id)) == 1
    links = view.pick(view.rows_at(database, "anonymous_answers"), "message_id", "member_id")
    assert links == [(int(relayed["id"]), MEMBER)]
    assert len([m for m in server.messages(CHANNEL) if m.get("components")]) == 1
    assert not [out for out in outputs if "Traceback" in out], [
        out[out.index("Traceback") - 300 :] for out in outputs if "Traceback" in out
    ]


async def test_two_processes_post_each_scheduled_slot_once(server, tmp_path, database):
    """Three channels whose slot is due as the two processes start: both try every slot, the
    database's claim lets one post each."""
    channels = "\n".join(f"  - {{channel_id: {c}, {due_now()}}}" for c in SCHEDULED)
    config = bot_process.write_config(
        tmp_path, server, GUILD, f"channels:\n{channels}", database=database
    )
    first, second = await start(config), await start(config)

    def posted() -> list[int]:
        return sorted(
            p["channel_id"]
            for p in view.rows_at(database, "posts")
            if p["status"] == "posted" and p["thread_id"] is not None
        )

    try:
        await server.wait_for_identify(2, timeout=WAIT)
        await server.wait_for(
            lambda: posted() == sorted(SCHEDULED), timeout=WAIT, what="every slot posted"
        )
    finally:
        outputs = [(await stop(first))[1], (await stop(second))[1]]
    bot = str(server.bot_id)
    for channel_id in SCHEDULED:
        prompts = [m for m in server.messages(channel_id) if m["author"]["id"] == bot]
        assert len(prompts) == 1, (channel_id, prompts)
        assert len(server.threads(channel_id)) == 1
    stored = view.rows_at(database, "posts")
    assert sorted((p["channel_id"], p["kind"]) for p in stored) == [
        (c, "scheduled") for c in SCHEDULED
    ]
    assert not [out for out in outputs if "Traceback" in out], [
        out[out.index("Traceback") - 300 :] for out in outputs if "Traceback" in out
    ]
