"""Running the bot until it is asked to stop: SIGTERM and Ctrl-C stop it cleanly (queued
records written, the database closed). Used by ``python -m bot run`` and the demo."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

import discord

log = logging.getLogger(__name__)


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


async def run_until_stopped(bot: discord.Client, token: str, *, own_sigterm: bool = True) -> None:
    """Run until the connection ends or the process is asked to stop. SIGTERM (what service
    managers send) stops the bot like Ctrl-C: queued records are written and the database is
    closed before the process exits. A second SIGTERM while closing is ignored (logged), so it
    cannot cut the close short; SIGKILL still ends the process at once. Without
    ``own_sigterm`` the caller (the demo) handles SIGTERM for the whole process."""
    if own_sigterm:
        task = asyncio.current_task()
        assert task is not None  # called from a running task (asyncio.run)
        stop = stop_once(task)
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    try:
        async with bot:
            await bot.start(token)
    except asyncio.CancelledError:
        log.info("stop requested; shut down cleanly")
