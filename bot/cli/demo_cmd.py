"""``python -m bot demo``: run the bot for a simulated week against a local Discord-compatible
server, with no Discord account, and print what happens."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import InputError, Problem

if TYPE_CHECKING:
    from bot.demo.week import DemoResult

# The prompt files shipped with the bot (the checkout's ``prompts/``), whatever the current
# folder is.
SHIPPED_PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
EXIT_STOPPED = 128 + signal.SIGTERM  # the shell's code for a process ended by SIGTERM


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="a simulated week of the bot on a local server (no Discord account needed)"
    )
    parser.add_argument(
        "--prompts", type=Path, default=None, help="prompt folder (the shipped prompts)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    prompts = args.prompts or SHIPPED_PROMPTS
    if not prompts.is_dir():
        raise InputError([Problem(str(prompts), None, "no such prompt folder (use --prompts)")])
    if args.log_level is None:  # the transcript only; warnings and errors still show
        logging.getLogger().setLevel(logging.ERROR)
    try:
        result = asyncio.run(_week_until_stopped(prompts))
    except asyncio.CancelledError:
        print("demo stopped", file=sys.stderr)
        return EXIT_STOPPED
    print(
        f"\nA week in {result.seconds:.1f} s: {result.posts} prompts posted; members gave "
        f"{result.answers} answers and {result.reactions} reactions the bot may record "
        "(not those of a member after opting out), which is what /stats server counts above.\n"
        "Next: run the bot on your own Discord server (README, Running the bot)."
    )
    return 0


async def _week_until_stopped(prompts: Path) -> DemoResult:
    """The demo's week; SIGTERM stops all of it (the bot and the local server) cleanly."""
    from bot.adapter.lifecycle import stop_once
    from bot.demo.week import run_week

    task = asyncio.current_task()
    assert task is not None  # called from asyncio.run
    stop = stop_once(task)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    return await run_week(prompts, out=say)


def say(line: str) -> None:
    """One transcript line, out at once even when stdout is a pipe (``tee``, a service's
    log): whoever reads it sees each moment as it happens."""
    print(line, flush=True)
