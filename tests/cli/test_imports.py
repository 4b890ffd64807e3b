"""The offline commands start without loading discord.py or aiohttp (most of a second to import)
or the English lexicon (another half second)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [
    ["themes"],
    ["prompts", "validate"],
    ["prompts", "list"],
    ["--log-level", "INFO", "themes"],
]
HEAVY = ("discord", "aiohttp", "lemminflect")

# One fresh interpreter runs the commands one after another and notes, after each, which heavy
# packages have been imported so far: the first command to pull one in is the one named.
SCRIPT = f"""
import json, sys
from bot.cli import main
seen = []
for argv in {COMMANDS!r}:
    code = main(argv)
    seen.append([argv, code, sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))])
print(json.dumps(seen))
"""


def test_offline_commands_import_neither_discord_nor_the_lexicon():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen == [[argv, 0, []] for argv in COMMANDS]
