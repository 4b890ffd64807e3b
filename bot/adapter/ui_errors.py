"""The one error handler of buttons and forms, as ``BotTree.on_error`` is of commands: an
unexpected error in a view's or a persistent button's callback, or in a form's submit, is
logged once with where it happened, and the member gets a short private reply instead of
Discord's "This interaction failed".

Every view and form of the bot derives from ``BotView`` or ``BotModal``. Persistent buttons
(``discord.ui.DynamicItem``) are called by discord.py outside any view of ours, so their
``callback`` is decorated with ``@answers_errors``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord

from bot.adapter.acknowledge import acknowledged_elsewhere
from bot.adapter.tree import UNEXPECTED, reply_privately, stopping
from bot.errors import Refusal

log = logging.getLogger(__name__)

ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])
Callback = Callable[[ItemT, discord.Interaction], Coroutine[Any, Any, None]]


async def interaction_failed(interaction: discord.Interaction, error: Exception, what: str) -> None:
    if stopping(interaction, what):
        return
    if acknowledged_elsewhere(error):  # another process of the bot answered it first
        log.info("%s was answered by another process", what)
        return
    if isinstance(error, Refusal):  # a feature said no; its message says why
        log.info("%s refused for user %s: %s", what, interaction.user.id, error)
        await reply_privately(interaction, str(error))
        return
    log.error(
        "%s failed (guild %s, channel %s, user %s)",
        what,
        interaction.guild_id,
        interaction.channel_id,
        interaction.user.id,
        exc_info=error,
    )
    await reply_privately(interaction, UNEXPECTED)


def _button(item: discord.ui.Item[Any]) -> str:
    return f"button {getattr(item, 'custom_id', None) or type(item).__name__}"


class BotView(discord.ui.View):
    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await interaction_failed(interaction, error, _button(item))


class BotModal(discord.ui.Modal):
    # discord.ui.Modal itself narrows BaseView's on_error this way (a form has no item).
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await interaction_failed(interaction, error, f"form {self.title!r}")


def answers_errors(callback: Callback[ItemT]) -> Callback[ItemT]:
    """For a persistent button's ``callback``: errors go to ``interaction_failed``."""

    @functools.wraps(callback)
    async def guarded(item: ItemT, interaction: discord.Interaction) -> None:
        try:
            await callback(item, interaction)
        except Exception as exc:
            await interaction_failed(interaction, exc, _button(item))

    guarded.answers_errors = True  # type: ignore[attr-defined]
    return guarded
