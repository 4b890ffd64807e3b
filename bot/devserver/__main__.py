"""Serve the local Discord on its own: ``python -m bot.devserver --port 8080 --guild 1:2,3``
(``--shards N``: the shard count GET /gateway/bot recommends; ``--rate-limits``: enforce
Discord's rate limits, 50 requests a second and per-route buckets).

Prints one line, ``api_base=... gateway_url=...``, once it listens, then serves until
interrupted. Handy for trying the bot by hand against a local server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .ratelimits import RateLimits
from .server import DevServer


def parse_guild(text: str) -> tuple[int, list[int]]:
    """``GUILD:CHAN,CHAN`` → (guild id, channel ids)."""
    guild, _, channels = text.partition(":")
    return int(guild), [int(c) for c in channels.split(",") if c]


async def serve(args: argparse.Namespace) -> None:
    """Start the server with the given guilds and print where it listens."""
    server = DevServer(
        port=args.port,
        shard_count=args.shards,
        rate_limits=RateLimits() if args.rate_limits else None,
    )
    for guild_id, channel_ids in args.guild:
        server.add_guild(guild_id, channel_ids)
    async with server:
        print(f"api_base={server.api_base} gateway_url={server.gateway_url}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m bot.devserver")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--shards", type=int, default=1, help="shard count GET /gateway/bot recommends (1)"
    )
    parser.add_argument(
        "--guild", type=parse_guild, action="append", default=[], metavar="GUILD:CHAN,CHAN"
    )
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce Discord's rate limits (off by default)"
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
