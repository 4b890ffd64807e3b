"""Sharded ``python -m bot run`` processes on one database (an SQLite file, then a PostgreSQL
database) against the local Discord server, which splits guilds by shard as Discord does: each
process hears, schedules and posts only the guilds of its own shards, every slot is posted
once, slash commands are registered once (by the process holding shard 0), and two processes
given the same shards still post each slot once (the database's claims decide)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config.database import Database
from bot.devserver import DevServer, events
from tests.bot_process import REPO, due_now, start, stop
from tests.store import view

pytestmark = pytest.mark.slow  # real bot processes; see tests/conftest.py

WAIT = 120  # seconds: a generous bound for two bot processes on a busy 2-core machine
# Snowflakes of 2024 whose (id >> 22) is even: guild k of GUILDS is on shard k % 2 of 2.
BASE = (1_210_000_000_000_000_000 >> 23) << 23
GUILDS = [BASE + (k << 22) + 7 for k in range(4)]
CHANNELS = [1_210_500_000_000_000_000 + k for k in range(4)]
MEMBER = 1_210_600_000_000_000_001
ON_SHARD = {0: [0, 2], 1: [1, 3]}  # indexes into GUILDS and CHANNELS


@pytest.fixture
async def server():
    server = DevServer(shard_count=2)
    for guild, channel in zip(GUILDS, CHANNELS, strict=True):
        server.add_guild(guild, {channel: "prompts"})
        server.add_member(guild, MEMBER, "ada")
    async with server:
        yield server


def write_config(tmp_path: Path, server: DevServer, shards: str, database: Database) -> Path:
    """Four guilds, one channel each, every channel's slot due now, on ``database``; ``shards``
    is the top-level shard settings."""
    guilds = "".join(
        f"""  - guild_id: {guild}
    channels:
      - {{channel_id: {channel}, {due_now()}, followups: at_once}}
"""
        for guild, channel in zip(GUILDS, CHANNELS, strict=True)
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""database: {database}
prompts_dir: {REPO / "prompts"}
api_base: {server.api_base}
gateway_url: {server.gateway_url}
{shards}
guilds:
{guilds}""",
        encoding="utf-8",
    )
    return config


def prompt_messages(server: DevServer, channel: int) -> list[dict]:
    return [m for m in server.messages(channel) if m.get("embeds")]


def every_slot_recorded(database: Database) -> bool:
    """Each channel's slot is recorded as posted (read as another process would)."""
    posts = view.rows_at(database, "posts")
    return sorted(p["channel_id"] for p in posts if p["status"] == "posted") == CHANNELS


def posted_in(log: str) -> list[int]:
    """The channels a process says it posted in."""
    return sorted(int(c) for c in re.findall(r"channel (\d+): posted ", log))


async def member_command(server: DevServer, index: int) -> tuple[int, object]:
    """A member runs /participation me in guild ``index``: how many connections got it, and
    the record of its replies."""
    data = events.command_data(
        "participation me",
        [],
        command_id=server.apps.synced_command("participation me", GUILDS[index])[0],
        guild_id=GUILDS[index],
    )
    payload = server.member_interaction(
        2, data, guild_id=GUILDS[index], channel_id=CHANNELS[index], user_id=MEMBER
    )
    record = server.apps.record(payload)
    return await server.inject("INTERACTION_CREATE", payload), record


def test_the_guilds_are_on_the_shards_the_test_says():
    for shard, indexes in ON_SHARD.items():
        assert [(GUILDS[i] >> 22) % 2 for i in indexes] == [shard, shard]


async def test_two_processes_on_different_shards_each_post_only_their_guilds(
    server, tmp_path, database
):
    config = write_config(tmp_path, server, "shard_count: 2", database)
    logs = [tmp_path / "shard0.log", tmp_path / "shard1.log"]
    with logs[0].open("w") as log0, logs[1].open("w") as log1:
        procs = [
            await start(config, log0, env={"SHARD_IDS": "0"}),
            await start(config, log1, env={"SHARD_IDS": "1"}),
        ]
        try:
            await server.wait_for_identify(2, timeout=WAIT)
            assert sorted(i["shard"] for i in server.identifies) == [[0, 2], [1, 2]]
            await server.wait_for(
                lambda: every_slot_recorded(database), timeout=WAIT, what="every slot posted"
            )
            # Discord sends a guild's interaction to its shard's connection only: one process
            # hears it, and answers it.
            for index in range(4):
                heard, record = await member_command(server, index)
                assert heard == 1
                await server.wait_for(
                    lambda record=record: record.callbacks, timeout=WAIT, what="the answer"
                )
                assert len(record.callbacks) == 1
        finally:
            for proc in procs:
                await stop(proc)
    outputs = [log.read_text() for log in logs]
    assert not [out for out in outputs if "Traceback" in out], [
        out[out.index("Traceback") - 300 :] for out in outputs if "Traceback" in out
    ]
    for channel in CHANNELS:
        assert len(prompt_messages(server, channel)) == 1, channel
    for shard, out in enumerate(outputs):
        assert posted_in(out) == [CHANNELS[i] for i in ON_SHARD[shard]], out
        assert "scheduler started for 2 channel(s)" in out
    # the slash commands are registered once per guild, by the process holding shard 0
    puts = [r.path for r in server.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert sorted(puts) == sorted(
        f"/applications/{server.state.application_id}/guilds/{g}/commands" for g in GUILDS
    )
    assert sorted(map(int, re.findall(r"registered \d+ commands in guild (\d+)", outputs[0]))) == (
        sorted(GUILDS)
    )
    assert "registered" not in outputs[1].replace("registered by the process holding shard 0", "")
    assert (
        "shard 1 of 2: slash commands are registered by the process holding shard 0" in (outputs[1])
    )


async def test_two_processes_on_the_same_shards_post_each_slot_once(server, tmp_path, database):
    config = write_config(tmp_path, server, "shard_count: 2\nshard_ids: [0, 1]", database)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with logs[0].open("w") as log0, logs[1].open("w") as log1:
        procs = [await start(config, log0), await start(config, log1)]
        try:
            await server.wait_for_identify(4, timeout=WAIT)
            await server.wait_for(
                lambda: every_slot_recorded(database), timeout=WAIT, what="every slot posted"
            )
            # both processes hear every guild's events now: each interaction reaches both
            heard, record = await member_command(server, 1)
            assert heard == 2
            await server.wait_for(lambda: record.callbacks, timeout=WAIT, what="the answer")
        finally:
            for proc in procs:
                await stop(proc)
    outputs = [log.read_text() for log in logs]
    assert not [out for out in outputs if "Traceback" in out], [
        out[out.index("Traceback") - 300 :] for out in outputs if "Traceback" in out
    ]
    for channel in CHANNELS:
        assert len(prompt_messages(server, channel)) == 1, channel
    assert sorted(posted_in(outputs[0]) + posted_in(outputs[1])) == CHANNELS
    assert len(record.callbacks) == 1  # the interaction claimed in the database, answered once
    posts = view.rows_at(database, "posts")
    assert sorted(p["channel_id"] for p in posts) == CHANNELS  # one claim per slot
