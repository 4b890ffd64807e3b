"""Tests outside tests/store reach the database through the ports or tests/store/view.py, so a
second backend runs them unchanged."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

# A raw statement or SQL text, a SQLite connection of its own, the backend's connection under
# the ports, or the backend's own modules.
RAW = re.compile(
    r"\.execute\(|\bexecutescript\(|\bimport sqlite3\b|\bsqlite3\.|\bhandle\.db\b"
    r"|\bbot\.store\.sqlite\b|\bimport aiosqlite\b"
    r"|[\"'](SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA|CREATE TABLE) "
)


# The test server's keeper creates and drops whole databases; it never reads the bot's data.
SERVER_KEEPER = "postgres_server.py"


def offenders(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if root / "store" in path.parents or path == root / SERVER_KEEPER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_test_outside_the_store_tests_runs_sql_itself():
    assert offenders(TESTS) == []


def test_the_check_finds_a_raw_read(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "import sqlite3\n"
        "async def f(bot):\n"
        '    await bot.services.stores.handle.db.execute("SELECT 1")\n'
    )
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "test_db.py").write_text("import sqlite3\n")  # allowed there
    (tmp_path / "test_y.py").write_text('rows = query(db, "SELECT count(*) FROM posts")\n')
    (tmp_path / "test_z.py").write_text("from bot.store.sqlite.posts import PostStore\n")
    assert len(offenders(tmp_path)) == 4
