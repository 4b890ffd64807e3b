"""Run tests again and again while other processes keep every CPU busy.

    python benchmarks/repeat_under_load.py --runs 50 tests/cli/test_run_fault_kill.py

Starts one CPU burner per core (``--burners`` to change), then runs ``pytest --repeat RUNS -x``
on the given tests (every selected test RUNS times, stopping at the first failure), stops the
burners and prints how many runs passed and how long they took. Timing-dependent tests (real
bot processes, SIGKILL, gateway reconnects) must pass every run: they wait on conditions, never
on fixed sleeps, so a slow machine only makes them slower.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def burn(stop: multiprocessing.synchronize.Event) -> None:
    """Keep one CPU busy until told to stop (pure Python arithmetic, no I/O)."""
    n = 0
    while not stop.is_set():
        for _ in range(100_000):
            n = (n * 31 + 7) % 1_000_003


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tests", nargs="+", help="pytest node ids or files")
    parser.add_argument("--runs", type=int, default=50, help="runs of each test (50)")
    parser.add_argument(
        "--burners", type=int, default=os.cpu_count() or 2, help="CPU burners (one per core)"
    )
    parser.add_argument("--output", type=Path, help="write pytest's whole output to this file")
    args = parser.parse_args(argv)
    # A shell starting this in the background ignores SIGINT, and the bot processes the tests
    # start would inherit that and could not be stopped with Ctrl-C's signal: restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=burn, args=(stop,)) for _ in range(args.burners)]
    for proc in burners:
        proc.start()
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    command += ["--repeat", str(args.runs), *args.tests]
    started = time.monotonic()
    try:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    finally:
        stop.set()
        for proc in burners:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
    elapsed = time.monotonic() - started
    if args.output:
        args.output.write_text(result.stdout + result.stderr, encoding="utf-8")
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", summary)) else 0
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", summary)) else 0
    if result.returncode != 0 and not args.output:
        print(result.stdout[-6000:], result.stderr[-2000:], sep="\n")
    print(f"load: {args.burners} CPU burner(s) on {os.cpu_count()} core(s)")
    print(f"runs: {args.runs} of each selected test; {passed} passed, {failed} failed")
    print(f"time: {elapsed:.0f} s ({elapsed / max(passed + failed, 1):.1f} s per test run)")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
