"""``python -m bot demo``: run the bot for a simulated week against a local Discord-compatible
server, with no Discord account, and print what happens."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from bot.errors import InputError, Problem


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="a simulated week of the bot on a local server (no Discord account needed)"
    )
    parser.add_argument("--prompts", default="prompts", help="prompt folder (prompts)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.demo.week import run_week

    prompts = Path(args.prompts)
    if not prompts.is_dir():
        raise InputError([Problem(str(prompts), None, "no such prompt folder")])
    if args.log_level is None:  # the transcript only; warnings and errors still show
        logging.getLogger().setLevel(logging.ERROR)
    result = asyncio.run(run_week(prompts))
    print(
        f"\nA week in {result.seconds:.1f} s: {result.posts} prompts posted; members gave "
        f"{result.answers} answers and {result.reactions} reactions the bot may record "
        "(not those of a member after opting out), which is what /stats server counts above.\n"
        "Next: run the bot on your own Discord server (README, Running the bot)."
    )
    return 0
