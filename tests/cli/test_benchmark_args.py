"""A benchmark given too small an input says so instead of failing half-way through."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_events_benchmark_refuses_a_stream_smaller_than_one_timed_chunk() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "events.py"), "--n", "2000"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "--n must be at least 5,556" in done.stderr
    assert "Traceback" not in done.stderr
