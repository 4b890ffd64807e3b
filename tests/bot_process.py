"""``python -m bot run`` as a real process against the local Discord-compatible server: the
config file it reads, starting it, and stopping it with its output. Shared by the tests that run
the bot as users do (tests/cli/test_run_*.py and their neighbours)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from bot.config.database import Database
from bot.devserver import DevServer

REPO = Path(__file__).resolve().parents[1]
# A channel schedule that never comes up during a test: prompts are posted by command only.
YEARLY = 'cron: "0 0 1 1 *", timezone: UTC, catch_up: 1m'


def due_now() -> str:
    """A channel schedule whose daily slot is the current UTC minute: due as soon as the bot
    starts (inside its 1 h catch-up window), and no other slot comes up during a test."""
    now = datetime.now(UTC)
    return f'cron: "{now.minute} {now.hour} * * *", timezone: UTC, catch_up: 1h'


def write_config(
    tmp_path: Path,
    server: DevServer,
    guild_id: int,
    guild: str,
    *,
    prompts_dir: Path = REPO / "prompts",
    settings: str = "",
    database: Database | None = None,
) -> Path:
    """``tmp_path/config.yaml`` for one guild on ``server``, with the database in ``tmp_path``
    (or ``database``: a PostgreSQL one). ``guild`` is the YAML of the guild's settings
    (``channels:`` and the rest), ``settings`` more top-level lines."""
    config = tmp_path / "config.yaml"
    where = str(database) if database is not None else tmp_path / "bot.sqlite3"
    guild = textwrap.indent(textwrap.dedent(guild).strip("\n"), "    ")
    config.write_text(
        f"""database: {where}
prompts_dir: {prompts_dir}
api_base: {server.api_base}
gateway_url: {server.gateway_url}
{textwrap.dedent(settings)}guilds:
  - guild_id: {guild_id}
{guild}
""",
        encoding="utf-8",
    )
    return config


async def start(
    config: Path,
    log: IO | None = None,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """Start ``python -m bot run --config config`` with a fake token; its output goes to
    ``log`` when given, else to a pipe that :func:`finish` reads. ``env`` adds environment
    variables (``SHARD_IDS``)."""
    return await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=cwd or config.parent,
        env={**os.environ, "DISCORD_TOKEN": "fake-token", **(env or {})},
        stdout=log or asyncio.subprocess.PIPE,
        stderr=log or asyncio.subprocess.STDOUT,
    )


async def finish(proc: asyncio.subprocess.Process, timeout: float = 30) -> tuple[int, str]:
    """Wait for ``proc`` (started by :func:`start` without a log) to end, killing it after
    ``timeout`` seconds; its exit code and everything it printed (nothing when it wrote to a
    log)."""
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
    return proc.returncode, (out or b"").decode(errors="replace")


async def stop(proc: asyncio.subprocess.Process, sig: int = signal.SIGTERM) -> tuple[int, str]:
    """Stop ``proc`` as a service manager would (SIGTERM) unless it has ended: see
    :func:`finish`."""
    if proc.returncode is None:
        proc.send_signal(sig)
    return await finish(proc)
