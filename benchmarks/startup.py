"""Start-up time of the offline commands, which must not load discord.py.

    python benchmarks/startup.py [--runs 5]

Each command runs as a fresh process on the shipped seeds and prompts (from the repository
root); reported is the median wall time of ``--runs`` runs, beside two baselines from the same
run: a bare interpreter, and one that only imports discord.py. Target: under 0.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5
COMMANDS = {
    "python (bare interpreter)": ["-c", "pass"],
    "python -c 'import discord'": ["-c", "import discord"],
    "python -m bot themes": ["-m", "bot", "themes"],
    "python -m bot prompts validate": ["-m", "bot", "prompts", "validate"],
}


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    for name, args in COMMANDS.items():
        wall(args)  # warm the file cache
        median = statistics.median(wall(args) for _ in range(runs))
        print(f"  {name:<32} {median:.3f} s")
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from bot.cli import main; main(['prompts',"
         " 'validate']); print('discord' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()[-1]  # fmt: skip
    print(f"  discord.py loaded by prompts validate: {loaded} (target: False, < {TARGET_S} s)")


if __name__ == "__main__":
    main()
