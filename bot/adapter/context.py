"""The one way views, forms and checks reach the app's ``Services``: through the client that
delivered the interaction (cogs are handed theirs when they are built)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services


def services_of(client: discord.Client) -> Services:
    """The running bot's services; an error before ``setup_hook`` has built them."""
    services = getattr(client, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("the bot's services are not built yet (setup_hook has not run)")
    return services


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server an interaction came from. The bot's commands and buttons work only in one;
    elsewhere the tree answers "only in a server" (``NoPrivateMessage``)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def own_id(client: discord.Client) -> int:
    """The bot's own user id (known once it has logged in, before any event is handled)."""
    if client.user is None:
        raise RuntimeError("the bot has not logged in yet")
    return client.user.id


def cog_named(client: discord.Client, name: str) -> Any:
    """The loaded cog ``name`` that a persistent button hands its press to (None when it is
    unloaded: the button then says the feature is unavailable)."""
    return client.get_cog(name) if isinstance(client, commands.Bot) else None


MessageChannel = (
    discord.TextChannel
    | discord.Thread
    | discord.VoiceChannel
    | discord.StageChannel
    | discord.PartialMessageable
)


def message_channel(
    client: discord.Client, channel_id: int, guild_id: int | None = None
) -> MessageChannel:
    """The channel to send to or read messages from: the cached one when it holds messages,
    else a partial one (no request is made; Discord answers for it when it is used)."""
    channel = client.get_channel(channel_id)
    if isinstance(
        channel, discord.TextChannel | discord.Thread | discord.VoiceChannel | discord.StageChannel
    ):
        return channel
    return client.get_partial_messageable(channel_id, guild_id=guild_id)
