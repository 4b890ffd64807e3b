"""The bot draws charts in a worker process: not its own, restarted after it dies, and gone
when the bot's process is, even killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.charts.data import chart_data, chart_window
from bot.charts.types import CHART_KINDS
from bot.charts.worker import ChartError, ChartRenderer
from bot.store import open_stores
from tests.chart_world import NOW, TZ, G, seed

ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


async def test_drawn_in_a_worker_that_is_restarted_after_it_dies(database):
    await seed(database)
    stores = await open_stores(database)
    try:
        store, reports = stores.charts, stores.reports
        window = chart_window(TZ, NOW, 7)
        data = [await chart_data(k, store, reports, G, window, ()) for k in CHART_KINDS]
    finally:
        await stores.close()
    renderer = ChartRenderer()
    try:
        assert renderer.worker_pid() is None  # nothing started before the first chart
        first = await renderer.render(data[0])
        pid = renderer.worker_pid()
        assert first.kind == "activity" and pid is not None and pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        assert wait_until(lambda: not alive(pid) or _zombie(pid))
        with pytest.raises(ChartError, match="worker stopped"):
            await renderer.render(data[1])
        again = await renderer.render(data[2])
        assert again.kind == "times" and renderer.worker_pid() not in (None, pid)
    finally:
        await renderer.close()
    assert renderer.worker_pid() is None


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


SCRIPT = """
import asyncio, sys
from bot.charts.worker import ChartRenderer

async def main():
    renderer = ChartRenderer()
    renderer._pool = await asyncio.to_thread(renderer._start)
    print(renderer.worker_pid(), flush=True)
    await asyncio.sleep(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


@pytest.mark.slow
def test_the_worker_ends_when_the_bot_is_killed(tmp_path):
    script = tmp_path / "bot_like.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bot = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        worker = int(bot.stdout.readline())
        assert alive(worker)
        bot.kill()
        bot.wait(timeout=20)
        assert wait_until(lambda: not alive(worker) or _zombie(worker))
    finally:
        bot.kill()
        bot.stdout.close()
