"""``python -m bot stats --chart KIND --out FILE.png``: four weeks planted before now, and an
empty database; the written file is checked by decoding it."""

import asyncio
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.config.database import parse_database
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.store import open_stores

G = 4242
ROOT = Path(__file__).resolve().parents[2]
KINDS = ("activity", "themes", "times")


def plant_four_weeks(path: Path) -> None:
    """A post a day for 28 days before now, each answered by six members within two hours and
    reacted to by three, in three themes."""
    now = int(time.time())

    async def go():
        db = await open_stores(parse_database(path))
        posts, rows = db.posting.posts, []
        for day in range(28, 0, -1):
            at = now - day * 86_400
            theme = ("joy", "home", "food")[day % 3]
            post_id = await posts.claim_slot(G, 10, at, at)
            await posts.mark_posted(post_id, f"{theme}-1", theme, 100 + day, 100 + day, at)
            row = ParticipationRow(G, post_id, f"{theme}-1", theme, 0, 0, ANSWER, at, None)
            for m in range(6):
                rows.append(row._replace(member_id=1000 + m + day % 4,
                                         message_id=10_000 + day * 10 + m,
                                         created_at=at + m * 1200))  # fmt: skip
            for m in range(3):
                rows.append(row._replace(member_id=2000 + m, message_id=100 + day,
                                         kind=REACTION, created_at=at + 60))  # fmt: skip
        await db.participation.record_many(rows)
        await db.close()

    asyncio.run(go())


def empty_db(path: Path) -> None:
    async def go():
        await (await open_stores(parse_database(path))).close()

    asyncio.run(go())


def decoded(path: Path) -> Image.Image:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) <= 300 * 1024
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.width >= 400
    return image


def chart(db: Path, kind: str, out: Path, *extra: str) -> int:
    return main(["stats", "--db", str(db), "--guild", str(G), "--chart", kind, "--out", str(out),
                 *extra])  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_each_chart_is_written_as_a_png(tmp_path, capsys, kind):
    db = tmp_path / "bot.sqlite3"
    plant_four_weeks(db)
    out = tmp_path / f"{kind}.png"
    assert chart(db, kind, out, "--timezone", "Asia/Tokyo") == 0
    image = decoded(out)
    assert len(set(image.convert("RGB").get_flattened_data())) > 8  # not blank
    printed = capsys.readouterr().out
    assert printed.startswith(f"{out}: {kind} chart, {image.width}x{image.height} px")
    assert "Not enough activity" not in printed
    # 28 local days, today included: the post 28 days ago is just outside
    expected = {"activity": "162 answers", "themes": "3 theme(s)", "times": "(Asia/Tokyo)"}
    assert expected[kind] in printed


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_database_gives_a_not_enough_activity_image(tmp_path, capsys, kind):
    db = tmp_path / "bot.sqlite3"
    empty_db(db)
    out = tmp_path / "chart.png"
    assert chart(db, kind, out) == 0
    decoded(out)
    assert "Not enough activity yet" in capsys.readouterr().out


def test_a_png_is_replaced_anything_else_only_with_force(tmp_path, capsys):
    db = tmp_path / "bot.sqlite3"
    empty_db(db)
    out = tmp_path / "chart.png"
    assert chart(db, "times", out) == 0 and chart(db, "activity", out) == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    assert chart(db, "times", notes) == 1
    assert "notes.txt: already exists; use --force to replace it" in capsys.readouterr().err
    assert notes.read_text() == "keep me"
    assert chart(db, "times", notes, "--force") == 0
    decoded(notes)


def test_bad_options_are_one_clear_line(tmp_path, capsys):
    db = tmp_path / "bot.sqlite3"
    empty_db(db)
    out = tmp_path / "c.png"
    assert chart(db, "times", out, "--timezone", "Mars/Base") == 1
    assert "--timezone: 'Mars/Base' is not an IANA timezone name" in capsys.readouterr().err
    assert chart(db, "times", out, "--days", "91") == 1
    assert "--days: a chart covers 1 to 90 days, not 91" in capsys.readouterr().err
    assert main(["stats", "--db", str(db), "--guild", str(G), "--chart", "times"]) == 1
    assert "--chart: needs --out FILE.png" in capsys.readouterr().err
    assert not out.exists()


def test_the_config_gives_the_timezone_and_posting_times(tmp_path, capsys):
    db = tmp_path / "bot.sqlite3"
    plant_four_weeks(db)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {db.name}\nguilds:\n  - guild_id: {G}\n    timezone: Europe/Paris\n"
        "    channels:\n      - {channel_id: 10, cron: '0 18 * * FRI', timezone: UTC}\n"
    )
    out = tmp_path / "times.png"
    args = ["stats", "--config", str(config), "--guild", str(G), "--chart", "times"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "(Europe/Paris)" in printed
    assert "Posting times marked: Fri 19:00." in printed or "Fri 20:00." in printed  # CET/CEST


@pytest.mark.slow
def test_the_command_runs_as_a_process_on_planted_and_empty_databases(tmp_path):
    planted, empty = tmp_path / "planted.sqlite3", tmp_path / "empty.sqlite3"
    plant_four_weeks(planted)
    empty_db(empty)
    for db in (planted, empty):
        for kind in KINDS:
            out = tmp_path / f"{db.stem}-{kind}.png"
            done = subprocess.run(
                [sys.executable, "-m", "bot", "stats", "--db", str(db), "--guild", str(G),
                 "--chart", kind, "--out", str(out)],
                cwd=ROOT, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
            decoded(out)
