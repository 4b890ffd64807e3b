"""The offline commands start without loading discord.py (most of a second to import)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [["themes"], ["prompts", "validate"], ["prompts", "list"], ["--log-level", "INFO", "themes"]],
)
def test_offline_commands_do_not_import_discord(argv):
    code = (
        "import sys\nfrom bot.cli import main\n"
        f"assert main({argv!r}) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('discord', 'aiohttp')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
