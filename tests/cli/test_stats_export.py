import asyncio
import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.config.database import parse_database
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.store import open_stores
from tests.store import view

G = 1
ROOT = Path(__file__).resolve().parents[2]


def make_db(path: Path, days_ago: int = 2) -> None:
    """Two prompts, answered by three members and reacted to by a fourth, ``days_ago`` ago."""
    at = int(time.time()) - days_ago * 86_400

    async def go():
        stores = await open_stores(parse_database(path))
        for pid, prompt in ((1, "why-stories"), (2, "quiet-voices")):
            await view.plant(
                stores, "posts", id=pid, guild_id=G, channel_id=10, slot=at + pid, kind="scheduled",
                status="posted", prompt_id=prompt, theme_id="stories", message_id=500 + pid,
                thread_id=900 + pid, claimed_at=at + pid, posted_at=at + pid,
            )  # fmt: skip
        rows = [ParticipationRow(G, 1, "why-stories", "stories", m, 1000 + m, ANSWER, at + m, m)
                for m in (1, 2, 3)]  # fmt: skip
        rows.append(ParticipationRow(G, 2, "quiet-voices", "stories", 4, 502, REACTION, at, None))
        await stores.participation.record_many(rows)
        await stores.close()

    asyncio.run(go())


def test_stats_prints_the_server_report(tmp_path, capsys):
    make_db(tmp_path / "bot.sqlite3")
    assert (
        main(["stats", "--guild", "1", "--days", "7", "--db", str(tmp_path / "bot.sqlite3")]) == 0
    )
    out = capsys.readouterr().out
    assert "active members   4 (4 new, 0 returning)" in out
    assert "answers          3" in out and "reactions        1" in out
    assert "why-stories  3.0  (3/1)" in out


def test_what_was_recorded_in_the_current_second_is_counted(tmp_path, capsys, monkeypatch):
    """A report asked for right after a post and its answers shows them, everywhere in it."""
    now = int(time.time())
    monkeypatch.setattr(time, "time", lambda: float(now))
    make_db(tmp_path / "bot.sqlite3", days_ago=0)  # posts at now+1, now+2; answers up to now+3
    monkeypatch.setattr(time, "time", lambda: float(now + 3))  # the third answer's second
    assert main(["stats", "--guild", "1", "--db", str(tmp_path / "bot.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "answers          3" in out and "prompts posted   2" in out
    assert "why-stories  3.0  (3/1)" in out


def test_stats_window_excludes_older_rows(tmp_path, capsys):
    make_db(tmp_path / "bot.sqlite3", days_ago=30)
    assert main(["stats", "--guild", "1", "--db", str(tmp_path / "bot.sqlite3")]) == 0
    assert "answers          0" in capsys.readouterr().out  # default window: 7 days


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main(["stats", "--guild", "1", "--db", str(tmp_path / "nope.sqlite3")]) == 1
    assert "nope.sqlite3: database not found" in capsys.readouterr().err
    assert not (tmp_path / "nope.sqlite3").exists()


def test_database_path_comes_from_the_config_file(tmp_path, capsys):
    make_db(tmp_path / "from-config.sqlite3")
    config = tmp_path / "config.yaml"
    config.write_text("database: from-config.sqlite3\nguilds: []\n", encoding="utf-8")
    code = main(["stats", "--guild", "1", "--config", str(config)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "answers          3" in captured.out


@pytest.mark.slow  # runs the command as a process
def test_export_writes_the_documented_csv_atomically(tmp_path):
    make_db(tmp_path / "bot.sqlite3")
    out = tmp_path / "exports" / "participation.csv"
    out.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--guild", "1", "--out", str(out),
         "--db", str(tmp_path / "bot.sqlite3")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "4 rows" in result.stderr
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["member_id"] for r in rows] == ["4", "1", "2", "3"]
    assert set(rows[0]) == {
        "post_id", "prompt_id", "theme_id", "channel_id", "thread_id", "member_id", "kind",
        "message_id", "created_at", "length", "anonymous",
    }  # fmt: skip
    assert rows[0]["kind"] == "reaction" and rows[0]["length"] == ""
    assert rows[1]["created_at"].endswith("Z") and rows[1]["length"] == "1"
    assert [p.name for p in out.parent.iterdir()] == ["participation.csv"]  # no temp file left
