"""Erasure on PostgreSQL leaves no copy of the erased rows in the tables' files: a deleted row's
bytes stay in its page after a plain ``VACUUM``, so the stores rewrite the tables they erased
from (``bot.store.postgres.scrub``). The files are read through the server
(``pg_read_binary_file`` after a ``CHECKPOINT``), which takes a superuser test role."""

import logging
import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.anonymity.types import UNLINKED, AnonymousAnswer, PendingRelay
from bot.config.database import parse_database
from bot.store import Stores, open_stores
from bot.store.postgres import scrub
from bot.suggestions.types import Limits
from tests.store import view
from tests.store.races import connect

G, POST, THREAD = 10, 1, 1001
ANA = 820_000_000_000_000_777  # a Discord id: 8 bytes in every row that holds it
OTHERS = range(820_000_000_000_001_000, 820_000_000_000_001_300)
NOW = 1_800_000_000
TABLES = ("suggestions", "anonymous_answers", "anonymous_relays")


@pytest.fixture
async def pg(postgresql) -> AsyncIterator[tuple[Stores, asyncpg.Connection]]:
    """The stores on a fresh PostgreSQL database, and a connection of the test's own that may
    read the server's files (else the test is skipped)."""
    database = postgresql.new_database()
    stores = await open_stores(database)
    con = await connect(database)
    try:
        if not await con.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            pytest.skip("reading the tables' files takes a superuser test role")
        yield stores, con
    finally:
        await con.close()
        await stores.close()
        postgresql.drop(database)


async def copies(con: asyncpg.Connection, member_id: int, tables=TABLES) -> dict[str, int]:
    """How many times the id is in each table's and index's files, as written to disk."""
    await con.execute("CHECKPOINT")
    needle = member_id.to_bytes(8, "little", signed=True)
    found = {}
    for table in tables:
        relations = [table] + [
            r[0]
            for r in await con.fetch(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = $1::regclass",
                table,
            )
        ]
        for relation in relations:
            data = await con.fetchval(
                "SELECT pg_read_binary_file(pg_relation_filepath($1::regclass))", relation
            )
            found[relation] = data.count(needle)
    return found


async def seed(stores: Stores) -> None:
    """Ana's answers, relays and suggestions among 300 other members' (a few pages each)."""
    await view.plant(
        stores, "posts", id=POST, guild_id=G, channel_id=20, slot=NOW, kind="scheduled",
        status="posted", message_id=1000, thread_id=THREAD, claimed_at=NOW, posted_at=NOW,
    )  # fmt: skip
    members = [m if n % 10 else ANA for n, m in enumerate(OTHERS)]
    for n, member in enumerate(members):
        await stores.anonymous.record(
            AnonymousAnswer(7000 + n, G, POST, THREAD, member, True, NOW + n, 20)
        )
        await stores.suggestions.add(G, member, f"Question {n}?", None, None, None, NOW, LIMITS)
    for n in range(3):
        relay = PendingRelay(0, G, ANA, NOW, POST, THREAD, 5, f"t{n}", f"d{n}", None, None)
        await stores.relays.reserve(relay, since=NOW - 3600, limit=9)


LIMITS = Limits(pending=99, per_day=99)


def held(found: dict[str, int]) -> int:
    return sum(found.values())


async def test_a_members_forget_leaves_no_copy_of_their_rows_in_the_tables_files(pg):
    stores, con = pg
    await seed(stores)
    assert held(await copies(con, ANA)) >= 90  # the test can see what it looks for

    assert await stores.anonymous.forget(G, ANA) == 30
    assert len(await stores.suggestions.forget(G, ANA)) == 30

    found = await copies(con, ANA)
    assert found == dict.fromkeys(found, 0)
    # Everyone else's rows are all there, and the erased answers stay, unsigned.
    assert held(await copies(con, OTHERS[1])) > 0
    answers = await view.rows(stores, "anonymous_answers")
    assert len(answers) == 300
    assert sum(a["member_id"] == UNLINKED for a in answers) == 30
    assert len(await view.rows(stores, "suggestions")) == 270
    assert await con.fetchval(
        "SELECT count(*) FROM pg_stats WHERE attname = 'member_id'"
        " AND (most_common_vals::text LIKE $1 OR histogram_bounds::text LIKE $1)",
        f"%{ANA}%",
    ) == 0  # fmt: skip


async def test_a_deleted_anonymous_answer_leaves_no_link_in_the_files(pg):
    stores, con = pg
    await seed(stores)
    mine = [a.message_id for a in await stores.anonymous.member_answers(G, ANA)]
    assert await stores.anonymous.delete(mine) == 30
    assert held(await copies(con, ANA, ("anonymous_answers",))) == 0


async def test_without_the_rewrite_the_deleted_rows_stay_in_the_files(pg):
    """Why the stores rewrite: a plain VACUUM leaves the bytes where they were."""
    stores, con = pg
    await seed(stores)
    await con.execute("DELETE FROM suggestions WHERE member_id = $1", ANA)
    await con.execute("VACUUM suggestions")
    assert held(await copies(con, ANA, ("suggestions",))) > 0


async def test_a_transaction_older_than_the_erase_is_waited_for_then_named(pg, monkeypatch, caplog):
    """A rewrite copies the row versions an older transaction can still see: it waits a little
    for it, says so when it stays open, and the next rewrite after it ends drops them."""
    stores, con = pg
    await seed(stores)
    monkeypatch.setattr(scrub, "SNAPSHOT_WAIT", 0.2)
    caplog.set_level(logging.WARNING, logger="bot.store.postgres.scrub")
    reader = await connect(stores.database)
    try:
        await reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        await reader.fetchval("SELECT count(*) FROM posts")  # its snapshot is taken
        assert len(await stores.suggestions.forget(G, ANA)) == 30
        assert "a transaction begun before an erase is still open" in caplog.text
        assert held(await copies(con, ANA, ("suggestions",))) > 0
        assert await reader.fetchval("SELECT count(*) FROM suggestions") == 300  # it still sees
    finally:
        await reader.close()
    assert await scrub.erase_traces(stores.handle.db, ("suggestions",))
    assert held(await copies(con, ANA, ("suggestions",))) == 0


async def test_a_table_kept_busy_is_left_for_the_next_erase_and_the_erase_stands(
    pg, monkeypatch, caplog
):
    stores, con = pg
    await seed(stores)
    monkeypatch.setattr(scrub, "LOCK_WAIT", "100ms")
    monkeypatch.setattr(scrub, "SNAPSHOT_WAIT", 0.1)
    caplog.set_level(logging.WARNING, logger="bot.store.postgres.scrub")
    busy = await connect(stores.database)
    try:
        await busy.execute("BEGIN")
        await busy.execute("LOCK TABLE suggestions IN ACCESS SHARE MODE")
        assert len(await stores.suggestions.forget(G, ANA)) == 30
        assert "table suggestions not rewritten after an erase" in caplog.text
        assert await stores.suggestions.of_member(G, ANA) == []
    finally:
        await busy.close()
    assert len(await stores.suggestions.forget(G, ANA)) == 0
    assert await scrub.erase_traces(stores.handle.db, ("suggestions",))
    assert held(await copies(con, ANA, ("suggestions",))) == 0


async def test_only_the_tables_erasure_touches_are_ever_rewritten(pg):
    stores, _ = pg
    with pytest.raises(ValueError, match="posts"):
        await scrub.erase_traces(stores.handle.db, ("posts",))


async def test_a_table_the_bots_role_does_not_own_is_named_and_the_erase_stands(pg, caplog):
    """VACUUM skips a table its role does not own with a warning, not an error: the bot passes
    it on rather than taking the table for rewritten."""
    stores, con = pg
    await seed(stores)
    role = f"bot_test_not_owner_{os.getpid()}"
    await con.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        await con.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
        await con.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        await con.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        url = urlsplit(stores.database.url)
        limited = await open_stores(
            parse_database(urlunsplit(url._replace(netloc=f"{role}@{url.netloc.split('@')[-1]}")))
        )
        caplog.set_level(logging.WARNING, logger="bot.store.postgres.scrub")
        try:
            assert len(await limited.suggestions.forget(G, ANA)) == 30
        finally:
            await limited.close()
        assert "table suggestions not rewritten after an erase" in caplog.text
        assert "owner" in caplog.text
        assert await stores.suggestions.of_member(G, ANA) == []
    finally:
        await con.execute(f'REASSIGN OWNED BY "{role}" TO current_user')
        await con.execute(f'DROP OWNED BY "{role}"')
        await con.execute(f'DROP ROLE "{role}"')
