"""Charts drawn off the event loop, in a worker process.

Drawing holds Python's global lock for tens of milliseconds at a time (matplotlib's renderer), so
in a thread it would stall the bot's event loop; a separate process leaves the loop free. The
process is started on the first chart (never at start-up), kept for the next ones, and stopped
with the bot. It is a fresh interpreter ("spawn"), never a fork of the running bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.charts.render import render_chart
from bot.charts.types import Chart, ChartData

log = logging.getLogger(__name__)


class ChartError(Exception):
    """A chart could not be drawn (the worker process died or failed)."""


WORKER_NICENESS = 10  # on a busy machine the bot's own process gets the CPU first


def _worker_start() -> None:
    """The worker runs at a lower priority than the bot (a chart can wait, members cannot), and
    ends when the bot's process is gone, however it ended (even killed, with no goodbye)."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(WORKER_NICENESS)
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with(parent: int, every: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(0)


def _warm() -> bool:
    """Load matplotlib in the worker before the first chart asks for it."""
    import matplotlib.backends.backend_agg  # noqa: F401

    return True


class ChartRenderer:
    """Draws charts in one worker process, one chart at a time."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = asyncio.Lock()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start
        )
        pool.submit(_warm).result()  # the process starts here, in a thread, not on the loop
        return pool

    async def render(self, data: ChartData) -> Chart:
        """The chart of ``data``; raises ChartError if it cannot be drawn."""
        async with self._lock:
            try:
                if self._pool is None:
                    self._pool = await asyncio.to_thread(self._start)
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._pool, render_chart, data)
            except BrokenProcessPool as exc:
                self._drop()
                raise ChartError("the chart worker stopped; the next chart restarts it") from exc
            except Exception as exc:
                log.exception("drawing the %s chart failed", data.kind)
                raise ChartError(f"drawing the chart failed: {exc}") from exc

    def worker_pid(self) -> int | None:
        """The worker process's id while one runs."""
        if self._pool is None:
            return None
        return next((p.pid for p in self._pool._processes.values() if p.is_alive()), None)

    def _drop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def close(self) -> None:
        """Stop the worker process (waiting for it in a thread)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
