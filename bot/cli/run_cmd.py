"""``python -m bot run [--config config.yaml]``: connect to Discord and run the bot.

The token comes only from the DISCORD_TOKEN environment variable. Invalid config or prompt files
stop start-up with ``path:line: message`` lines; nothing is half started.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config.settings import Settings, load_config, token_from_env
from bot.errors import InputError, Problem
from bot.store.db import open_database

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
EXIT_UNREACHABLE = 3


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="connect to Discord and run the bot")
    parser.add_argument("--config", default="config.yaml", help="config file (config.yaml)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        token = token_from_env()
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_NO_TOKEN
    settings, holder = load_settings_and_library(Path(args.config))
    check_database(settings.database)
    setup_logging(args.log_level or settings.log_level)
    import aiohttp  # only `run` needs Discord: the offline commands start without it
    import discord

    from bot.adapter.client import DiscussionBot
    from bot.adapter.endpoints import apply_endpoints

    apply_endpoints(settings.api_base, settings.gateway_url)
    bot = DiscussionBot(settings, holder)
    try:
        asyncio.run(_run(bot, token))
    except discord.LoginFailure:
        print("DISCORD_TOKEN: Discord rejected this token", file=sys.stderr)
        return EXIT_NO_TOKEN
    except (aiohttp.ClientError, OSError) as exc:
        where = settings.api_base or "Discord"
        print(f"cannot reach {where} to log in: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except Exception:
        log.critical("the bot stopped after an unexpected error", exc_info=True)
        print("the bot stopped after an unexpected error; see the log above", file=sys.stderr)
        return 1
    return 0


def load_settings_and_library(config_path: Path) -> tuple[Settings, object]:
    """Config first (it names the prompt folder), then prompts, then the config again checked
    against the theme and prompt ids that exist. Raises InputError with every problem."""
    from bot.prompts.loader import LibraryHolder

    settings = load_config(config_path)
    holder = LibraryHolder(settings.prompts_dir)
    problems = holder.reload()
    if problems:
        raise InputError(problems)
    library = holder.library
    themes = {t.id for t in library.themes}
    prompts = {p.id for t in library.themes for p in t.prompts}
    return load_config(config_path, themes, prompts), holder


def check_database(path: Path) -> None:
    """Open (creating and migrating if needed) the database once before connecting, so a bad
    ``database`` setting is one clear line instead of a failure after login."""
    problem = "it is a folder, not a database file" if Path(path).is_dir() else None
    if problem is None:
        try:
            asyncio.run(_open_and_close(path))
        except (sqlite3.Error, OSError) as exc:
            problem = f"cannot open the database: {exc}"
    if problem:
        raise InputError([Problem(str(path), None, problem)])


async def _open_and_close(path: Path) -> None:
    db = await open_database(path)
    await db.close()


def setup_logging(level: str) -> None:
    """One handler on the root logger, in discord.py's format (replaces the CLI's default)."""
    import discord

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    discord.utils.setup_logging(level=logging.getLevelName(level.upper()), root=True)


def stop_once(task: asyncio.Task) -> Callable[[], None]:
    """A signal handler that cancels ``task`` the first time only."""
    requested = False

    def stop() -> None:
        nonlocal requested
        if requested:
            log.info("already stopping; waiting for queued records to be written")
            return
        requested = True
        task.cancel()

    return stop


async def _run(bot: discord.Client, token: str) -> None:
    """Run until the connection ends or the process is asked to stop. SIGTERM (what service
    managers send) stops the bot like Ctrl-C: queued records are written and the database is
    closed before the process exits. A second SIGTERM while closing is ignored (logged), so it
    cannot cut the close short; SIGKILL still ends the process at once."""
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop_once(asyncio.current_task()))
    try:
        async with bot:
            await bot.start(token)
    except asyncio.CancelledError:
        log.info("stop requested; shut down cleanly")
