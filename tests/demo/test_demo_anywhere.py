"""``python -m bot demo`` as a user runs it: from any folder, and stopped with SIGTERM (what a
terminal closing or a service manager sends) at any moment without a traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

pytestmark = pytest.mark.slow  # real demo processes


async def demo(cwd) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo",
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def test_the_demo_runs_from_any_folder(tmp_path):
    proc = await demo(tmp_path)
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    text = out.decode()
    assert proc.returncode == 0, text
    assert "11 prompts posted" in text and "Traceback" not in text


@pytest.mark.parametrize("after", ["bot posts the prompt", "runs /topic post", "reacts"])
async def test_sigterm_during_the_demo_stops_it_in_one_line(tmp_path, after):
    proc = await demo(tmp_path)
    seen = []
    async with asyncio.timeout(120):
        while True:  # wait for the moment, not for a fixed time
            line = (await proc.stdout.readline()).decode()
            assert line, "".join(seen)
            seen.append(line)
            if after in line:
                break
        proc.send_signal(signal.SIGTERM)
        rest, _ = await proc.communicate()
    text = "".join(seen) + rest.decode()
    assert proc.returncode == 128 + signal.SIGTERM, text
    assert "Traceback" not in text and "Error" not in text
    assert text.rstrip().splitlines()[-1] == "demo stopped"
