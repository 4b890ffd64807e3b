"""``python -m bot demo`` as a user runs it: from any folder, and stopped with SIGTERM (what a
terminal closing or a service manager sends) at any moment without a traceback."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys

import pytest

from bot.cli import main

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
    assert "Traceback" not in text and "Error" not in text, text
    assert text.rstrip().splitlines()[-1] == "demo stopped", text


class Pipe(io.RawIOBase):
    """What a pipe receives, write by write (stdout to a pipe is block-buffered)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.writes.append(bytes(data))
        return len(data)


def test_piped_the_transcript_goes_out_line_by_line_as_it_happens(monkeypatch):
    """Piped into ``tee`` or a service's log, each line leaves as it happens, not in blocks
    at the end: a reader sees the moment it waits for while the demo is still running."""
    pipe = Pipe()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BufferedWriter(pipe, 1 << 16)))

    assert main(["demo"]) == 0

    lines = b"".join(pipe.writes).decode().splitlines()
    assert len(lines) > 100
    assert [w.count(b"\n") for w in pipe.writes if w.strip()][:100] == [1] * 100
