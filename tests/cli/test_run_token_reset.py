"""A token reset while the bot runs: Discord answers REST with 401 while the gateway stays
open. The bot stops as it does for a gateway 4004 (exit 2, the same one line), and the slot it
was posting is left for the next start rather than marked failed."""

from __future__ import annotations

import asyncio

import pytest

from tests.bot_process import due_now, finish, start, write_config
from tests.cli.test_run_process import (  # noqa: F401 (the fixture)
    CHANNEL,
    GUILD,
    server,
)
from tests.store import view

pytestmark = pytest.mark.slow  # a real bot process


async def test_a_401_on_rest_while_connected_exits_2_like_a_revoked_token(
    server,  # noqa: F811
    tmp_path,
):
    server.fail_next("POST", rf"^/channels/{CHANNEL}/messages$", 401, times=1000)
    config = f"channels:\n  - {{channel_id: {CHANNEL}, {due_now()}}}"
    proc = await start(write_config(tmp_path, server, GUILD, config))
    try:
        await asyncio.wait_for(proc.wait(), 30)
    finally:
        code, output = await finish(proc)
    assert code == 2, output
    assert output.rstrip().splitlines()[-1] == "DISCORD_TOKEN: Discord rejected this token"
    assert "Traceback" not in output and "unexpected error" not in output
    attempts = [r for r in server.requests if r.method == "POST" and r.status == 401]
    assert len(attempts) == 1  # stopped at the first refusal, not once per retry or slot
    statuses = [p["status"] for p in view.rows_at(tmp_path / "bot.sqlite3", "posts")]
    assert "failed" not in statuses and statuses[-1] == "claimed"  # posted at the next start
