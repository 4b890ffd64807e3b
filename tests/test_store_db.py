import sqlite3

from bot.store.db import migrations, open_database


async def test_new_database_is_migrated_to_latest_version_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "bot.sqlite3"
    db = await open_database(path)
    await db.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(migrations())
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"posts", "channel_state", "participation", "opt_outs"} <= tables


async def test_reopening_keeps_rows_and_does_not_reapply_migrations(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    await db.execute(
        "INSERT INTO posts (guild_id, channel_id, slot, kind, status, claimed_at)"
        " VALUES (1, 2, 3, 'scheduled', 'claimed', 4)"
    )
    await db.close()
    db = await open_database(path)
    async with db.execute("SELECT count(*) FROM posts") as cur:
        assert (await cur.fetchone())[0] == 1
    await db.close()
