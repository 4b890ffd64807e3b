"""Opening a PostgreSQL database: its migrations, its version, a newer schema refused, the
integrity check, and the schema both backends share."""

import asyncio
import sqlite3

import asyncpg
import pytest

from bot.errors import InputError
from bot.store import open_stores
from bot.store.postgres import db as pg_db
from bot.store.postgres.db import latest_version, migrations, open_database
from bot.store.sqlite.db import migrations as sqlite_migrations
from bot.store.tables import TABLES
from tests.postgres_server import run_sync


async def table_columns(database) -> dict[str, list[str]]:
    con = await asyncpg.connect(database.dsn)
    try:
        rows = await con.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        )
    finally:
        await con.close()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def test_both_dialects_ship_the_same_migrations_by_number_and_name():
    assert [(v, n) for v, n, _ in migrations()] == [(v, n) for v, n, _ in sqlite_migrations()]


async def test_a_fresh_database_gets_the_tables_and_columns_sqlite_has(db_path, postgresql):
    database = postgresql.new_database(migrated=False)
    stores = await open_stores(database)
    try:
        assert await stores.handle.schema_version() == latest_version() == 15
        assert await stores.handle.check() == "ok"
    finally:
        await stores.close()
    con = sqlite3.connect(db_path)
    sqlite = {
        t: [c[1] for c in con.execute(f"PRAGMA table_info({t})")]
        for (t,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'"
        )
    }
    con.close()
    postgres = await table_columns(database)
    assert postgres.pop("schema_version") == ["version", "name", "applied_at"]
    assert postgres == sqlite
    assert set(TABLES) == set(sqlite)  # a copy walks every table


async def test_two_processes_migrating_one_database_at_once_both_open_it(postgresql):
    database = postgresql.new_database(migrated=False)
    opened = await asyncio.gather(*(open_stores(database) for _ in range(3)))
    try:
        assert {await s.handle.schema_version() for s in opened} == {latest_version()}
    finally:
        for stores in opened:
            await stores.close()
    assert [r["version"] for r in await _versions(database)] == list(range(1, 16))


async def _versions(database):
    con = await asyncpg.connect(database.dsn)
    try:
        return await con.fetch("SELECT version FROM schema_version ORDER BY version")
    finally:
        await con.close()


async def test_a_migration_that_fails_leaves_the_database_at_its_last_good_version(
    postgresql, monkeypatch
):
    database = postgresql.new_database()
    shipped = migrations()
    broken = (16, "0016_broken.sql", "CREATE TABLE t (a INTEGER);\nNONSENSE;")
    monkeypatch.setattr(pg_db, "migrations", lambda: (*shipped, broken))
    with pytest.raises(InputError) as failed:
        await open_database(database)
    assert "syntax error" in str(failed.value)
    columns = await table_columns(database)
    assert "t" not in columns
    assert len(await _versions(database)) == 15


async def test_a_newer_schema_is_refused_before_anything_is_written(postgresql):
    database = postgresql.new_database()

    async def from_the_future() -> None:
        con = await asyncpg.connect(database.dsn)
        try:
            await con.execute("INSERT INTO schema_version (version, name) VALUES (99, 'x.sql')")
            await con.execute("CREATE TABLE future (x INTEGER)")
        finally:
            await con.close()

    run_sync(from_the_future())
    with pytest.raises(InputError) as refused:
        await open_stores(database)
    assert str(refused.value) == (
        f"{database.url}: the database schema is version 99, newer than this bot's version 15;"
        " use the newer bot (nothing was changed)"
    )


async def test_the_check_names_an_invalid_index_and_a_missing_table(postgresql):
    stores = await open_stores(postgresql.new_database())
    try:
        assert await stores.handle.check() == "ok"
        db = stores.handle.db
        # What a failed CREATE INDEX CONCURRENTLY leaves (the test user owns the cluster).
        await db.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'posts_thread'::regclass"
        )
        assert await stores.handle.check() == "invalid indexes: posts_thread"
        await db.execute("DROP TABLE act_claims")
        assert await stores.handle.check() == "missing tables: act_claims"
    finally:
        await stores.close()
