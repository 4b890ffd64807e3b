"""The central app-command error handler: a short ephemeral message the user can act on, and
the details in the log for moderators. Also the bounded number option, checked by the bot as
well as by Discord (a command registered before its bounds changed still sends any number)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType

from bot.adapter.acknowledge import acknowledged_elsewhere
from bot.errors import Refusal
from bot.prompts.model import Library

log = logging.getLogger(__name__)

MODERATOR_ONLY = "You need a moderator role to use this."
SERVER_ONLY = "This command only works in a server."
UNEXPECTED = "Something went wrong; moderators can find details in the bot log."


CHOICES_MAX = 25  # Discord shows at most this many autocomplete choices
MESSAGE_MAX = 1900  # a private reply, with room to spare under Discord's 2000


class OptionOutOfRange(app_commands.AppCommandError):
    """A number option outside its bounds; the message says which numbers are accepted."""


class BoundedInt(app_commands.Transformer):
    """An integer option from ``low`` to ``high``: Discord is told the bounds, and a number
    outside them is refused with a clear message instead of reaching the command."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    @property
    def type(self) -> AppCommandOptionType:
        return AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return self.low

    @property
    def max_value(self) -> int:
        return self.high

    async def transform(self, interaction: discord.Interaction, value: int) -> int:
        if not self.low <= value <= self.high:
            raise OptionOutOfRange(
                f"Choose a number from {self.low} to {self.high} ({value} is outside that range)."
            )
        return value


def matching_themes(library: Library, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for a theme option: themes whose id or title contains what was typed."""
    typed = current.lower()
    return [
        app_commands.Choice(name=f"{t.title} ({t.id})"[:100], value=t.id)
        for t in library.themes
        if typed in t.id or typed in t.title.lower()
    ][:CHOICES_MAX]


def user_message(error: app_commands.AppCommandError) -> str | None:
    """What to tell the user for an expected refusal; None for an unexpected error."""
    if isinstance(error, OptionOutOfRange):
        return str(error)
    refusal = getattr(error, "original", None)
    if isinstance(refusal, Refusal):  # a feature said no; its message says why
        return str(refusal)
    if isinstance(error, app_commands.NoPrivateMessage):
        return SERVER_ONLY
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I am missing permissions here: {missing}. Ask a server admin to grant them."
    if isinstance(error, app_commands.CheckFailure):
        return MODERATOR_ONLY
    return None


class BotTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        if stopping(interaction, f"command /{name}"):
            return
        if acknowledged_elsewhere(error):  # another process of the bot answered it first
            log.info("command /%s was answered by another process", name)
            return
        text = user_message(error)
        if text is None:
            cause = getattr(error, "original", error)
            log.error(
                "command /%s failed (guild %s, channel %s, user %s)",
                name,
                interaction.guild_id,
                interaction.channel_id,
                interaction.user.id,
                exc_info=cause,
            )
            text = UNEXPECTED
        else:
            log.info("command /%s refused for user %s: %s", name, interaction.user.id, error)
        await reply_privately(interaction, text)


def stopping(interaction: discord.Interaction, what: str) -> bool:
    """True (and logged) when the bot is shutting down: an interaction that arrived meanwhile
    fails because the connection is closed, and it can no longer be answered."""
    if not interaction.client.is_closed():
        return False
    log.info("%s arrived while the bot was stopping; not answered", what)
    return True


async def send_private(interaction: discord.Interaction, text: str, **kw: Any) -> None:
    """A reply only the member sees, pinging nobody, whether or not the interaction was
    already answered (``kw``: a view, say)."""
    none = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=none, **kw)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none, **kw)


def clip(text: str) -> str:
    """``text`` within Discord's limit for one message."""
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """``send_private`` for an error's explanation (clipped to one message: a refusal may quote
    what the member typed); a refusal from Discord is logged."""
    try:
        await send_private(interaction, clip(text))
    except discord.HTTPException as exc:
        log.warning("could not tell user %s about an error: %s", interaction.user.id, exc)
