"""Command line: ``python -m bot <command>``. Each command lives in its own ``*_cmd`` module."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bot.errors import InputError, name_too_long

COMMAND_MODULES = (
    "run",
    "demo",
    "themes",
    "prompts",
    "preview",
    "stats",
    "export",
    "db",
    "suggestions",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of ``command`` when it names one: each command's
    module is imported only when it runs, so ``themes`` does not load discord.py."""
    names = (command,) if command in COMMAND_MODULES else COMMAND_MODULES
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--log-level", type=str.upper, choices=LOG_LEVELS, default=None, help=", ".join(LOG_LEVELS)
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in names:
        importlib.import_module(f"bot.cli.{name}_cmd").register(sub)
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command word of ``argv`` (the first word that is neither an option nor its value)."""
    words = iter(argv)
    for word in words:
        if word == "--log-level":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the chosen command, and turn input errors into clear messages."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(command_named(argv)).parse_args(argv)
    logging.basicConfig(
        level=(args.log_level or "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as exc:
        too_long = name_too_long(exc)
        if too_long is None:
            raise
        print(too_long, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
