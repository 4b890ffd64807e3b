"""``python -m bot run [--config config.yaml]``: connect to Discord and run the bot.

The token comes only from the DISCORD_TOKEN environment variable. Invalid config or prompt files
stop start-up with ``path:line: message`` lines; nothing is half started.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.app import app_for, load_settings_and_library
from bot.config.settings import Settings, placeholder_ids, token_from_env
from bot.errors import InputError, Problem
from bot.store import database_errors

log = logging.getLogger(__name__)

EXIT_NO_TOKEN = 2
EXIT_UNREACHABLE = 3
GATEWAY_AUTHENTICATION_FAILED = 4004  # Discord's close code for a token it no longer accepts
TOKEN_REJECTED = "DISCORD_TOKEN: Discord rejected this token"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="connect to Discord and run the bot")
    parser.add_argument("--config", default="config.yaml", help="config file (config.yaml)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # discord.py (with aiohttp) takes most of a second to import: only this command loads it,
    # so the offline commands start at once.
    import aiohttp
    import discord

    try:
        token = token_from_env()
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_NO_TOKEN
    settings, holder = load_settings_and_library(Path(args.config))
    refuse_placeholders(Path(args.config), settings)
    check_database(settings)
    setup_logging(args.log_level or settings.log_level)
    if not settings.guilds:
        log.warning(
            "%s names no guilds: the bot connects but posts nothing and its commands are"
            " registered globally (add a guild under `guilds:`)",
            args.config,
        )
    elif settings.sharding is not None and not settings.served().guilds:
        log.warning(
            "none of the %d guilds in %s is on %s: this process posts nothing",
            len(settings.guilds),
            args.config,
            settings.sharding,
        )
    from bot.adapter.client import make_bot
    from bot.adapter.endpoints import apply_endpoints
    from bot.adapter.lifecycle import run_until_stopped

    apply_endpoints(settings.api_base, settings.gateway_url)
    bot = make_bot(settings, holder)
    try:
        asyncio.run(run_until_stopped(bot, token))
    except discord.LoginFailure:
        print(TOKEN_REJECTED, file=sys.stderr)
        return EXIT_NO_TOKEN
    except discord.ConnectionClosed as exc:
        if exc.code != GATEWAY_AUTHENTICATION_FAILED:
            return unexpected_error()
        log.critical("the gateway closed the connection: authentication failed (%s)", exc.code)
        print(TOKEN_REJECTED, file=sys.stderr)  # revoked or reset while running
        return EXIT_NO_TOKEN
    except (aiohttp.ClientError, OSError) as exc:
        where = settings.api_base or "Discord"
        print(f"cannot reach {where} to log in: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except Exception:
        return unexpected_error()
    if bot.token_revoked:  # a REST call answered 401 while the gateway stayed open
        print(TOKEN_REJECTED, file=sys.stderr)
        return EXIT_NO_TOKEN
    return 0


def unexpected_error() -> int:
    log.critical("the bot stopped after an unexpected error", exc_info=True)
    print("the bot stopped after an unexpected error; see the log above", file=sys.stderr)
    return 1


def refuse_placeholders(config_path: Path, settings: Settings) -> None:
    """The example config's ids (one digit repeated, e.g. 111111111111111111) are not a
    server's: running with them would connect and quietly do nothing."""
    found = placeholder_ids(settings)
    if found:
        shown = ", ".join(map(str, found[:3])) + (", …" if len(found) > 3 else "")
        raise InputError(
            [
                Problem(
                    str(config_path),
                    None,
                    f"still has the example's placeholder ids ({shown}); put in your server's"
                    " guild, channel and role ids first (Discord: Developer Mode, Copy ID)",
                )
            ]
        )


def check_database(settings: Settings) -> None:
    """Open (creating and migrating if needed) the database once before connecting, so a bad
    ``database`` setting is one clear line instead of a failure after login."""
    with database_errors(settings.database):
        asyncio.run(_open_and_close(settings))


async def _open_and_close(settings: Settings) -> None:
    async with app_for(settings):
        pass


# discord.py's loggers that print whole gateway payloads and request URLs at DEBUG: those hold
# interaction tokens (each lets anyone answer as the bot for 15 minutes) and message text.
PAYLOAD_LOGGERS = ("discord.gateway", "discord.http", "discord.webhook.async_")


def setup_logging(level: str) -> None:
    """One handler on the root logger, in discord.py's format (replaces the CLI's default).
    At DEBUG, discord.py's payload loggers stay at INFO so no token or message text is logged."""
    import discord

    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    discord.utils.setup_logging(level=logging.getLevelName(level.upper()), root=True)
    for name in PAYLOAD_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, root.level))
