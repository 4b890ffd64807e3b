import sqlite3

from bot.store.sqlite.db import migrations, open_database


async def test_new_database_is_migrated_to_latest_version_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "bot.sqlite3"
    db = await open_database(path)
    await db.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"posts", "channel_state", "participation", "opt_outs"} <= tables


async def test_a_connection_has_its_settings_and_reopening_keeps_rows_without_migrating(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    settings = {}
    for name in ("foreign_keys", "busy_timeout", "secure_delete", "synchronous"):
        settings[name] = (await db.execute_fetchall(f"PRAGMA {name}"))[0][0]
    # every connection: references checked, waits for another writer, erased rows zeroed
    assert settings == {"foreign_keys": 1, "busy_timeout": 5000, "secure_delete": 1,
                        "synchronous": 1}  # fmt: skip
    await db.execute(
        "INSERT INTO posts (guild_id, channel_id, slot, kind, status, claimed_at)"
        " VALUES (1, 2, 3, 'scheduled', 'claimed', 4)"
    )
    await db.close()
    db = await open_database(path)
    async with db.execute("SELECT count(*) FROM posts") as cur:
        assert (await cur.fetchone())[0] == 1
    await db.close()


async def test_two_processes_upgrading_one_old_database_at_once_both_succeed(tmp_path):
    import asyncio

    path = tmp_path / "bot.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    for version, _, sql in migrations()[:3]:
        con.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    con.close()

    first, second = await asyncio.gather(open_database(path), open_database(path))
    await first.close()
    await second.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "post_cursor" in tables
    con.close()


async def test_a_migration_that_fails_leaves_the_database_at_its_last_good_version(
    tmp_path, monkeypatch
):
    import pytest

    from bot.store.sqlite import db as db_module

    path = tmp_path / "bot.sqlite3"
    shipped = migrations()
    broken = [*shipped, (shipped[-1][0] + 1, "9999_broken.sql", "CREATE TABLE t (a);\nNONSENSE;")]
    monkeypatch.setattr(db_module, "migrations", lambda: broken)
    with pytest.raises(sqlite3.OperationalError):
        await open_database(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == shipped[-1][0]
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "t" not in tables
    con.close()


def test_shipped_migrations_are_numbered_without_a_gap():
    """A gap would let a database upgraded past it skip a migration added later in the gap."""
    versions = [version for version, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))
