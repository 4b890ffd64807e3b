"""A plain discord.py bot for checking the fake server from a separate process.

``python -m tests.harness.smoke_bot API_BASE GATEWAY_URL GUILD_ID CHANNEL_ID OUT_FILE``

On ready it syncs one guild slash command, posts in the channel, starts a thread on that post
and greets in the thread. Each message from a member is written to OUT_FILE as
``channel_id author_id content`` and then acknowledged with a reaction, so a test can wait for
the reaction request instead of watching the file. Listener errors are written as ``ERROR``.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import discord
from discord.ext import commands

from bot.adapter.endpoints import apply_endpoints


def build(guild_id: int, channel_id: int, out: Path) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.2)
    guild = discord.Object(guild_id)

    def write(line: str) -> None:
        with out.open("a", encoding="utf-8") as f:
            f.write(line + "\n")

    @bot.tree.command(name="ping", description="Answer pong", guild=guild)
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.event
    async def on_ready() -> None:
        await bot.tree.sync(guild=guild)
        channel = bot.get_channel(channel_id)
        post = await channel.send("Today's prompt")
        thread = await post.create_thread(name="Discussion", auto_archive_duration=1440)
        write(f"ready {thread.id}")
        await thread.send("Answers go here")

    @bot.event
    async def on_message(message: discord.Message) -> None:
        if message.author.bot:
            return
        write(f"{message.channel.id} {message.author.id} {message.content}")
        await message.add_reaction("\N{WHITE HEAVY CHECK MARK}")

    @bot.event
    async def on_error(event: str, *args: object, **kwargs: object) -> None:
        write(f"ERROR in {event}: {traceback.format_exc()!r}")

    return bot


def main(argv: list[str]) -> None:
    api_base, gateway_url, guild_id, channel_id, out = argv
    apply_endpoints(api_base, gateway_url)
    bot = build(int(guild_id), int(channel_id), Path(out))
    bot.run("fake-token", log_level=20)


if __name__ == "__main__":
    main(sys.argv[1:])
