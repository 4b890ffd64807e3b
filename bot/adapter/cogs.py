"""Which cogs the bot loads: one feature per cog, each in its own ``bot.adapter`` module.

A feature module exposes ``COGS``: a list of factories ``factory(bot, services) -> commands.Cog``
(a cog class whose ``__init__`` takes the bot and the shared services is one).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import Services

CogFactory = Callable[[commands.Bot, "Services"], commands.Cog]

FEATURES = (
    "posting",
    "topics",
    "answers.cog",
    "participation_cmds",
    "stats",
    "suggestions",
    "anonymous.cog",
    "self_check",
    "pins",
    "starter",
    "polls",
)


def default_cogs() -> list[CogFactory]:
    """The factories of every feature module, in ``FEATURES`` order."""
    factories: list[CogFactory] = []
    for name in FEATURES:
        factories.extend(importlib.import_module(f"bot.adapter.{name}").COGS)
    return factories
