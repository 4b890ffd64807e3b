"""``export --out``: written beside the target and renamed; only a regular file is replaced,
and only with --force; no folder is created; ``-`` is standard output."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli.test_stats_export import make_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(db_path) -> Path:
    path = db_path
    make_db(path)
    return path


def export(db: Path, out: Path | str, *extra: str) -> list[str]:
    return ["export", "--guild", "1", "--db", str(db), "--out", str(out), *extra]


def test_an_existing_file_is_kept_without_force(tmp_path, db, capsys):
    out = tmp_path / "p.csv"
    out.write_text("precious\n")
    assert main(export(db, out)) == 1
    assert capsys.readouterr().err.strip() == f"{out}: already exists; use --force to replace it"
    assert out.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.sqlite3", "p.csv"]  # no temp


def test_force_replaces_an_existing_file(tmp_path, db):
    out = tmp_path / "p.csv"
    out.write_text("old\n")
    assert main(export(db, out, "--force")) == 0
    assert len(list(csv.DictReader(out.open(newline="")))) == 4


def test_a_symlink_is_refused_and_left_pointing_where_it_did(tmp_path, db, capsys):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep\n")
    link = tmp_path / "p.csv"
    link.symlink_to(target)
    assert main(export(db, link, "--force")) == 1
    assert "is a symbolic link" in capsys.readouterr().err
    assert link.is_symlink() and target.read_text() == "keep\n"


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path, db, capsys):
    fifo = tmp_path / "p.csv"
    os.mkfifo(fifo)
    assert main(export(db, fifo, "--force")) == 1
    assert "is not a regular file" in capsys.readouterr().err
    assert fifo.is_fifo()


def test_a_device_is_refused(tmp_path, db, capsys):
    assert main(export(db, "/dev/null", "--force")) == 1
    assert capsys.readouterr().err.strip().startswith("/dev/null: is not a regular file")


def test_a_folder_is_refused(tmp_path, db, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(export(db, folder, "--force")) == 1
    assert capsys.readouterr().err.strip() == f"{folder}: is a folder; give a file name"
    assert list(folder.iterdir()) == []


def test_missing_folders_are_not_created(tmp_path, db, capsys):
    out = tmp_path / "missing" / "dir" / "x.csv"
    assert main(export(db, out)) == 1
    assert "does not exist (it is not created)" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


@pytest.mark.slow  # runs the command as a process
def test_dash_writes_the_csv_to_standard_output(tmp_path, db):
    result = subprocess.run(
        [sys.executable, "-m", "bot", *export(db, "-")],
        cwd=tmp_path, capture_output=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"), newline="")))
    assert [r["member_id"] for r in rows] == ["4", "1", "2", "3"]
    assert b"4 rows" in result.stderr
    assert not (tmp_path / "-").exists()
    assert not (ROOT / "-").exists()
