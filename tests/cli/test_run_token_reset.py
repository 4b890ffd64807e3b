"""A token reset while the bot runs: Discord answers REST with 401 while the gateway stays
open. The bot stops as it does for a gateway 4004 (exit 2, the same one line), and the slot it
was posting is left for the next start rather than marked failed."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.devserver import DevServer
from tests.cli.test_run_process import CHANNEL, GUILD, MEMBER, REPO, finish

pytestmark = pytest.mark.slow  # a real bot process


@pytest.fixture
async def server():
    server = DevServer()
    server.add_guild(GUILD, {CHANNEL: "prompts"})
    server.add_member(GUILD, MEMBER, "ada")
    async with server:
        yield server


def due_now_config(tmp_path: Path, server: DevServer) -> Path:
    """A channel whose daily slot is the current minute: posted as soon as the bot starts."""
    now = datetime.now(UTC)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""database: {tmp_path / "bot.sqlite3"}
prompts_dir: {REPO / "prompts"}
api_base: {server.api_base}
gateway_url: {server.gateway_url}
guilds:
  - guild_id: {GUILD}
    channels:
      - {{channel_id: {CHANNEL}, cron: "{now.minute} {now.hour} * * *", timezone: UTC,
          catch_up: 1h}}
""",
        encoding="utf-8",
    )
    return config


async def test_a_401_on_rest_while_connected_exits_2_like_a_revoked_token(server, tmp_path):
    server.fail_next("POST", rf"^/channels/{CHANNEL}/messages$", 401, times=1000)
    proc = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "bot", "run", "--config", str(due_now_config(tmp_path, server))],
        cwd=tmp_path,
        env={**os.environ, "DISCORD_TOKEN": "fake-token"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await asyncio.wait_for(proc.wait(), 30)
    finally:
        code, output = await finish(proc)
    assert code == 2, output
    assert output.rstrip().splitlines()[-1] == "DISCORD_TOKEN: Discord rejected this token"
    assert "Traceback" not in output and "unexpected error" not in output
    attempts = [r for r in server.requests if r.method == "POST" and r.status == 401]
    assert len(attempts) == 1  # stopped at the first refusal, not once per retry or slot
    con = sqlite3.connect(tmp_path / "bot.sqlite3")
    try:
        statuses = [s for (s,) in con.execute("SELECT status FROM posts ORDER BY id")]
    finally:
        con.close()
    assert "failed" not in statuses and statuses[-1] == "claimed"  # posted at the next start
