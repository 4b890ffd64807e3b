"""Which cogs the bot loads: one feature per cog, each in its own ``bot.adapter`` module.

A feature module exposes ``COGS``: a list of factories ``factory(bot) -> commands.Cog`` (a cog
class whose ``__init__`` takes the bot is one). Modules not present yet are skipped, so features
can land one at a time.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot

log = logging.getLogger(__name__)

CogFactory = Callable[["DiscussionBot"], commands.Cog]

FEATURES = ("posting", "topics", "answers", "participation_cmds", "members", "stats")


def default_cogs() -> list[CogFactory]:
    """The factories of every feature module that exists, in ``FEATURES`` order."""
    factories: list[CogFactory] = []
    for name in FEATURES:
        module_name = f"bot.adapter.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            log.debug("feature %s not present", name)
            continue
        factories.extend(getattr(module, "COGS", []))
    return factories
