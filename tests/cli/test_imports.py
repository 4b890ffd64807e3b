"""The offline commands start without loading discord.py or aiohttp (most of a second to import),
the English lexicon (another half second) or matplotlib (half a second more, loaded only when a
chart is drawn)."""

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
HEAVY = ("discord", "aiohttp", "lemminflect", "matplotlib")

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


# The bot itself, with every cog and its chart renderer, and the text report from the shell,
# still do not load matplotlib: only drawing a chart does.
BOT_SCRIPT = """
import sys, tempfile
from pathlib import Path
from bot.adapter.client import DiscussionBot
from bot.adapter.cogs import default_cogs
from bot.charts.worker import ChartRenderer
from bot.cli import main

cogs, renderer = default_cogs(), ChartRenderer()
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "bot.sqlite3"
    assert main(["db", "migrate", "--db", str(path)]) == 0
    assert main(["stats", "--db", str(path), "--guild", "1"]) == 0
print("matplotlib" in sys.modules, "discord" in sys.modules)
"""


def test_the_bot_and_the_text_report_start_without_matplotlib():
    result = subprocess.run(
        [sys.executable, "-c", BOT_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False True"
