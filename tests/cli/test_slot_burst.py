"""The morning-burst benchmark, run small: real bot processes against the local Discord server
with Discord's rate limits on post every due channel exactly once. Only correctness is asserted
here (nothing lost, nothing doubled, in the database and on the server); the timing figures
belong to the benchmark itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real bot processes; see tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
COUNTS = re.compile(r"lost / doubled\s+database (\d+) / (\d+), server (\d+) / (\d+)")


def test_a_small_burst_under_rate_limits_posts_every_channel_once(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "slot_burst.py"),
            "--guilds",
            "50",
            "--no-memory",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "50 guilds x 3 channels = 150 posts" in done.stdout
    [counts] = COUNTS.findall(done.stdout)
    assert counts == ("0", "0", "0", "0"), done.stdout
    assert "Traceback" not in done.stderr
    logs = (tmp_path / "bot-0.log").read_text(encoding="utf-8")
    assert len(re.findall(r"channel \d+: posted ", logs)) == 150
