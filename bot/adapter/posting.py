"""The scheduler cog: one background task that waits until the bot is ready, then starts a pass of
the posting service and sleeps until the next slot (at most a minute, to notice edited prompt
files). A pass runs as its own task and the loop does not wait for it: a channel backing off
through a Discord outage (minutes) never delays another channel's next slot. Unloading the cog
stops the loop and any pass still running."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

log = logging.getLogger(__name__)

MIN_SLEEP = 1.0  # seconds; a wake-up a moment early never spins


class Posting(commands.Cog):
    """Runs the shared posting service on the schedule (the ``/topic`` commands use the same
    service, handed to them by the bot)."""

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.service = services.posting
        self.facilitation = services.facilitation
        self._task: asyncio.Task | None = None
        self._passes: set[asyncio.Task] = set()

    async def cog_load(self) -> None:
        self._task = asyncio.create_task(self._run(), name="posting-scheduler")
        self._task.add_done_callback(scheduler_ended)

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._passes):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        log.info("scheduler started for %d channel(s)", len(self.service.channels()))
        while True:
            delay = MIN_SLEEP
            try:
                self.start_pass()
                now = self.services.clock()
                delay = (self.service.next_wake(now) - now).total_seconds()
            except Exception:
                log.exception("scheduler wake-up failed; trying again shortly")
            await asyncio.sleep(max(delay, MIN_SLEEP))

    def start_pass(self) -> asyncio.Task:
        """Start a scheduler pass without waiting for it to finish."""
        task = asyncio.create_task(self.run_once(), name="posting-pass")
        self._passes.add(task)
        task.add_done_callback(self._passes.discard)
        return task

    async def run_once(self) -> None:
        """One scheduler pass at the bot's clock; an unexpected error is logged, never fatal.
        Edited prompt files are parsed first, off the event loop (``LibraryWatch``); then the
        open threads get the follow-ups and nudges now due."""
        try:
            for outcome in await self.service.tick(self.services.clock()):
                # a post, and a failed one, is logged where it is recorded
                if outcome.status not in ("posted", "failed"):
                    why = f" ({outcome.reason})" if outcome.reason else ""
                    log.info("channel %s: %s%s", outcome.channel_id, outcome.status, why)
        except Exception:
            log.exception("scheduler pass failed; trying again at the next wake-up")
        try:
            await self.facilitation.tick(self.services.clock())
        except Exception:
            log.exception("facilitation pass failed; trying again at the next wake-up")


def scheduler_ended(task: asyncio.Task) -> None:
    """The scheduler loop never ends on its own: say so loudly if it does."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.critical("the posting scheduler stopped: nothing will be posted", exc_info=exc)
    else:
        log.critical("the posting scheduler stopped: nothing will be posted")


COGS = [Posting]
