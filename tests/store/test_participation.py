"""The participation store on each backend: idempotent writes, opt-outs, forget, retention,
read cursors and the report totals kept with the rows."""

import asyncio
import contextlib
import sqlite3

import asyncpg
import pytest

from bot.config.database import parse_database
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.participation.writer import BatchWriter
from bot.store import open_stores
from tests.store import view

GUILD = 1


async def add_post(db, post_id, posted_at=1000, channel_id=10, thread_id=None, status="posted"):
    await view.plant(
        db, "posts", id=post_id, guild_id=GUILD, channel_id=channel_id, slot=posted_at,
        kind="scheduled", status=status, prompt_id=f"prompt-{post_id}", theme_id="theme",
        message_id=500 + post_id, thread_id=thread_id, claimed_at=posted_at, posted_at=posted_at,
    )  # fmt: skip


def answer(member, message, post_id=1, at=2000, guild=GUILD):
    return ParticipationRow(guild, post_id, f"prompt-{post_id}", "theme", member, message, ANSWER,
                            at, 10)  # fmt: skip


def reaction(member, post_id=1, at=2000):
    return ParticipationRow(GUILD, post_id, f"prompt-{post_id}", "theme", member, 500 + post_id,
                            REACTION, at, None)  # fmt: skip


@pytest.fixture
async def db(stores):
    """Every store over a database holding one posted prompt (post 1), on each backend."""
    await add_post(stores, 1, thread_id=901)
    return stores


@pytest.fixture
def store(db):
    return db.participation


@pytest.fixture
def writer(store):
    return BatchWriter(store, max_rows=3)


async def stored(db, guild=None):
    """(member, message, kind) of each stored row, oldest first (of one server if given)."""
    rows = await view.rows(db, "participation")
    return [
        (r["member_id"], r["message_id"], r["kind"])
        for r in rows
        if guild is None or r["guild_id"] == guild
    ]


async def test_same_event_delivered_twice_is_stored_once(db, store):
    assert await store.record_many([answer(7, 100), answer(7, 100), reaction(7)]) == 2
    assert await store.record_many([answer(7, 100), reaction(7)]) == 0
    assert await stored(db) == [(7, 100, ANSWER), (7, 501, REACTION)]


async def test_writer_holds_rows_until_full_then_writes_one_batch(db, writer):
    await writer.add(answer(7, 100))
    await writer.add(answer(8, 101))
    assert await stored(db) == [] and writer.pending == 2
    await writer.add(answer(9, 102))
    assert writer.pending == 0
    assert [m for m, _, _ in await stored(db)] == [7, 8, 9]


async def test_flush_and_close_write_what_is_queued(db, store):
    writer = BatchWriter(store, max_rows=500)
    await writer.add(answer(7, 100))
    assert await writer.flush() == 1
    await writer.add(answer(8, 101))
    await writer.close()
    assert len(await stored(db)) == 2 and writer.pending == 0


async def test_background_loop_flushes_after_the_delay(db, store):
    delays = []
    writer = BatchWriter(store, max_rows=500, max_delay=0.25, sleep=lambda s: fake_sleep(s, delays))
    writer.start()
    await writer.add(answer(7, 100))
    for _ in range(20):  # let the loop task run; the injected sleep returns at once
        if writer.pending == 0:
            break
        await fake_sleep(0, [])
    async with writer._lock:  # the flush that took the row has finished
        pass
    assert delays and delays[0] == 0.25
    assert await stored(db) == [(7, 100, ANSWER)]
    assert writer.running
    await writer.close()
    assert not writer.running


async def fake_sleep(seconds, seen):
    seen.append(seconds)
    await asyncio.sleep(0)


async def test_deleted_message_removes_stored_and_queued_rows(db, writer):
    await writer.add(answer(7, 100))
    await writer.flush()
    await writer.add(answer(8, 101))
    assert await writer.delete_message(100) == 1
    assert await writer.delete_message(101) == 1
    await writer.flush()
    assert await stored(db) == []


async def test_deleting_a_message_keeps_reactions_on_the_prompt(db, writer):
    await writer.add(reaction(7))
    await writer.flush()
    assert await writer.delete_message(501) == 0
    assert await writer.delete_reaction(501, 8) == 0
    assert await writer.delete_reaction(501, 7) == 1
    assert await stored(db) == []


async def test_opted_out_member_is_not_recorded_until_opt_in(db, store, writer):
    await store.opt_out(GUILD, 7, now=3000)
    assert await store.is_opted_out(GUILD, 7)
    assert await writer.add(answer(7, 100)) is False
    assert await writer.add(answer(7, 100, guild=2)) is True  # other server: still recorded
    await store.opt_in(GUILD, 7)
    assert await writer.add(answer(7, 102)) is True
    await writer.flush()
    assert await stored(db, GUILD) == [(7, 102, ANSWER)]


async def test_an_opt_out_through_another_process_stops_recording_at_once(database, db):
    """Two bot processes on one database: each has read the server's opt-outs; a member opts
    out through the other one. Nothing of theirs is stored from then on, by either."""
    other = await open_stores(database)
    try:
        here = db.participation
        writer = BatchWriter(here, max_rows=100)
        assert await here.opted_out_members(GUILD) == set()  # read before the opt-out
        assert await other.participation.opted_out_members(GUILD) == set()
        await other.participation.opt_out(GUILD, 7, now=3000)
        assert await here.is_opted_out(GUILD, 7)
        writer.add_nowait(answer(7, 100))
        await writer.add(answer(8, 101))
        await writer.add(answer(7, 102, guild=2))  # another server: still recorded
        assert await here.record_many([answer(7, 103), reaction(7)]) == 0
        await writer.flush()
        assert await stored(db) == [(8, 101, ANSWER), (7, 102, ANSWER)]
        await other.participation.opt_in(GUILD, 7)
        assert not await here.is_opted_out(GUILD, 7)
        assert await other.participation.record_many([answer(7, 104)]) == 1
    finally:
        await other.close()


async def test_opt_out_survives_a_restart(database):
    stores = await open_stores(database)
    await stores.participation.opt_out(GUILD, 7, now=3000)
    await stores.close()
    stores = await open_stores(database)
    assert await stores.participation.opted_out_members(GUILD) == {7}
    await stores.close()


async def test_forget_erases_stored_and_queued_rows_of_that_member_only(db, store, writer):
    await store.opt_out(GUILD, 9, now=1)
    await store.opt_in(GUILD, 9)
    await writer.add(answer(7, 100))
    await writer.add(reaction(7))
    await writer.flush()
    await writer.add(answer(7, 101))
    await writer.add(answer(8, 102))
    assert await writer.forget(GUILD, 7) == 3
    await writer.flush()
    assert await stored(db) == [(8, 102, ANSWER)]
    assert await view.rows(db, "opt_outs") == []


async def test_forget_keeps_the_opt_out_that_honours_the_request(db, store):
    await store.record_many([answer(7, 100)])
    await store.opt_out(GUILD, 7, now=3000)
    assert await store.forget(GUILD, 7) == 1
    assert await store.is_opted_out(GUILD, 7)


MEMBER = 820000000000000777  # a Discord id: SQLite stores it in 8 bytes, big-endian


def copies_on_disk(path, member_id: int) -> dict[str, int]:
    """How often the member id appears in the database files, as SQLite stores it in a record
    (8-byte big-endian integer) and as text."""
    needles = [member_id.to_bytes(8, "big"), str(member_id).encode()]
    found = {}
    for suffix in ("", "-wal"):
        file = path.with_name(path.name + suffix)
        data = file.read_bytes() if file.exists() else b""
        found[file.name] = sum(data.count(n) for n in needles)
    return found


@pytest.fixture
async def on_file(db_path):
    """The stores over an SQLite file (``db_path``) holding post 1: for what is about the file."""
    stores = await open_stores(parse_database(db_path))
    await add_post(stores, 1, thread_id=901)
    yield stores
    await stores.close()


async def test_forget_leaves_no_copy_of_the_member_id_in_the_database_files(db_path, on_file):
    """While the connection is open: no copy in the -wal file nor in the main file."""
    path, db = db_path, on_file
    writer = BatchWriter(db.participation, max_rows=500)
    others = [820000000000000100 + n for n in range(300)]
    for n in range(6000):  # enough rows for b-trees several levels deep, written in batches
        member = MEMBER if n % 40 == 0 else others[(n * 7919) % len(others)]
        await writer.add(answer(member, 10_000 + (n * 7919) % 6000, at=2000 + n))
    await writer.add(reaction(MEMBER))
    await writer.flush()
    assert sum(copies_on_disk(path, MEMBER).values()) > 150  # the rows are on disk

    assert await writer.forget(GUILD, MEMBER) == 151

    assert copies_on_disk(path, MEMBER) == {"bot.sqlite3": 0, "bot.sqlite3-wal": 0}
    assert copies_on_disk(path, others[0])["bot.sqlite3"] > 0  # other members are kept
    assert len(await stored(db)) == 5850


async def test_forget_rebuilds_the_file_when_old_bytes_survive_in_free_space(db_path, on_file):
    """Bytes left in a page's free space (here by a deletion without secure_delete, as an
    older bot or another tool would leave them) are found and the file is rebuilt."""
    path, db, store = db_path, on_file, on_file.participation
    await store.record_many([answer(8, 99)])
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("PRAGMA secure_delete = OFF")
        other.execute(
            "INSERT INTO participation (guild_id, post_id, prompt_id, theme_id, member_id,"
            " message_id, kind, created_at) VALUES (1, 1, 'p', 't', ?, 5, 'answer', 1)",
            (MEMBER,),
        )
        other.execute("DELETE FROM participation WHERE member_id = ?", (MEMBER,))
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert copies_on_disk(path, MEMBER)["bot.sqlite3"] > 0

    assert await store.forget(GUILD, MEMBER) == 0

    assert copies_on_disk(path, MEMBER) == {"bot.sqlite3": 0, "bot.sqlite3-wal": 0}
    assert await stored(db) == [(8, 99, ANSWER)]


@pytest.fixture
async def on_server(postgresql):
    """The stores over a PostgreSQL database of their own holding post 1, and that database."""
    database = postgresql.new_database()
    stores = await open_stores(database)
    await add_post(stores, 1, thread_id=901)
    yield stores, database
    await stores.close()
    postgresql.drop(database)


async def copies_in_table_files(database, member_id: int) -> int:
    """How often the member id appears in the files of the participation table and its
    indexes, as PostgreSQL stores a bigint (8 bytes, the server's byte order), once every
    changed page is written out (a checkpoint)."""
    needles = [member_id.to_bytes(8, "little"), member_id.to_bytes(8, "big")]
    con = await asyncpg.connect(database.dsn, timeout=10)
    try:
        await con.execute("CHECKPOINT")
        files = await con.fetch(
            "SELECT pg_read_binary_file(pg_relation_filepath(c.oid)) FROM pg_class c"
            " WHERE c.oid = 'participation'::regclass OR c.oid IN"
            " (SELECT indexrelid FROM pg_index WHERE indrelid = 'participation'::regclass)"
        )
    finally:
        await con.close()
    return sum(bytes(data).count(n) for (data,) in files for n in needles)


@pytest.mark.parametrize("opted_out", [False, True], ids=["recorded", "opted-out-first"])
async def test_forget_leaves_no_copy_of_the_member_id_in_the_table_files(on_server, opted_out):
    """On PostgreSQL a deleted row stays in its page until the table is rewritten: after
    forget, neither the table's file nor its indexes' hold the member id; others' stay. Also
    for a member who opted out first (the usual way to erase): their opt-out keeps the id
    elsewhere, but the erased rows (what they answered, and when) must not stay readable."""
    db, database = on_server
    writer = BatchWriter(db.participation, max_rows=500)
    others = [820000000000000100 + n for n in range(300)]
    for n in range(6000):
        member = MEMBER if n % 40 == 0 else others[(n * 7919) % len(others)]
        await writer.add(answer(member, 10_000 + (n * 7919) % 6000, at=2000 + n))
    await writer.add(reaction(MEMBER))
    await writer.flush()
    assert await copies_in_table_files(database, MEMBER) > 150  # the rows are on disk
    if opted_out:
        await db.participation.opt_out(GUILD, MEMBER, 9000)

    assert await writer.forget(GUILD, MEMBER) == 151

    assert await copies_in_table_files(database, MEMBER) == 0
    assert await copies_in_table_files(database, others[0]) > 0  # other members are kept
    assert len(await stored(db)) == 5850


async def test_purge_deletes_only_rows_older_than_retention(db, store):
    await store.record_many(
        [answer(7, 100, at=100), answer(7, 101, at=200), answer(8, 102, at=300)]
    )
    assert await store.purge_older_than(200) == 1
    assert [m for _, m, _ in await stored(db)] == [101, 102]


async def test_read_cursor_only_moves_forward_and_survives_forget(db, store):
    assert await store.cursors() == {}
    await store.record_many([answer(7, 300, at=5)])
    await store.advance_cursors({1: 300})
    await store.advance_cursors({1: 250, 99: 400})  # older message; a post that does not exist
    assert await store.cursors() == {1: 300}
    await store.forget(GUILD, 7)
    assert await store.cursors() == {1: 300}  # erased rows do not pull the cursor back


async def test_writer_moves_the_cursor_for_opted_out_members_without_keeping_their_rows(db, store):
    writer = BatchWriter(store)
    await store.opt_out(GUILD, 7, 0)
    writer.saw(1, 320)
    assert not await writer.add(answer(7, 320))
    await writer.flush()
    assert await stored(db) == []
    assert await store.cursors() == {1: 320}


async def test_open_posts_rebuild_the_index_from_posted_prompts(db, store):
    await add_post(db, 2, posted_at=50, thread_id=902)
    await add_post(db, 3, posted_at=2000, status="claimed")
    posts = await store.open_posts(posted_since=500)
    assert [(p.post_id, p.thread_id, p.message_id) for p in posts] == [(1, 901, 501)]


async def test_row_for_a_vanished_post_is_dropped_without_losing_the_batch(db, store):
    rows = [answer(7, 100), answer(8, 101, post_id=99), answer(9, 102)]
    assert await store.record_many(rows) == 2
    assert [m for m, _, _ in await stored(db)] == [7, 9]


async def test_rows_survive_reopening_the_database(database):
    stores = await open_stores(database)
    await add_post(stores, 1)
    writer = BatchWriter(stores.participation)
    await writer.add(answer(7, 100))
    await writer.close()
    await stores.close()
    assert view.pick(view.rows_at(database, "participation"), "member_id", "length") == [(7, 10)]


async def totals(db):
    days = view.pick(
        await view.rows(db, "participation_day_totals"), "guild_id", "day", "kind", "n"
    )
    posts = view.pick(
        await view.rows(db, "participation_post_totals"), "post_id", "answers", "reactions"
    )
    return [d for d in days if d[3] > 0], posts


async def test_report_totals_kept_by_triggers_equal_a_rebuild(db, store):
    await add_post(db, 2, posted_at=1500)
    await store.record_many([answer(7, 100, at=10), answer(8, 101, at=90_000), reaction(7),
                             answer(9, 102, post_id=2), answer(7, 100, at=10)])  # fmt: skip
    await store.delete_message(101)
    kept = await totals(db)
    assert kept == ([(1, 0, "answer", 2), (1, 0, "reaction", 1)], [(1, 1, 1), (2, 1, 0)])
    await store.rebuild_totals()
    assert await totals(db) == kept


async def test_add_nowait_queues_writes_full_batches_and_defers_unread_opt_outs(db, store):
    writer = BatchWriter(store, max_rows=3)
    assert writer.add_nowait(answer(7, 100)) is None  # opt-outs of the server not read yet
    await store.opt_out(GUILD, 8, 0)
    assert writer.add_nowait(answer(8, 101)) is False
    assert [writer.add_nowait(answer(7, m)) for m in (102, 103, 104)] == [True] * 3
    assert writer.pending == 3  # the full batch is being written by one background flush
    await writer.close()  # waits for it
    assert await stored(db) == [(7, 102, ANSWER), (7, 103, ANSWER), (7, 104, ANSWER)]


@pytest.mark.parametrize("posts_seen", [0, 2])
async def test_a_flush_cut_short_keeps_every_row_and_cursor_and_says_why_it_stopped(
    db, store, posts_seen
):
    """A stop cancels a flush waiting on the database: its rows and every post's read cursor
    go back in the queue, and the caller sees the cancellation itself."""
    await add_post(db, 2, posted_at=1100, thread_id=902)
    writer = BatchWriter(store, max_rows=500)
    assert await writer.add(answer(7, 300))
    seen = {1: 300, 2: 410}
    for post_id in list(seen)[:posts_seen]:
        writer.saw(post_id, seen[post_id])
    flushing = asyncio.create_task(writer.flush())
    await asyncio.sleep(0)  # the flush now waits on the database thread
    flushing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await flushing

    assert writer.pending == 1  # (the database thread may have stored it meanwhile: harmless)
    await writer.flush()
    assert await stored(db) == [(7, 300, ANSWER)]
    assert await store.cursors() == dict(list(seen.items())[:posts_seen])


async def test_a_reaction_queued_while_forget_waits_for_a_flush_is_not_read_back_later(db, store):
    """Forget waits while a flush writes; a reaction of the member queued meanwhile is dropped,
    and its post is marked so the reaction is not read back from Discord after a restart."""
    writer = BatchWriter(store, max_rows=500)
    await store.opted_out_members(GUILD)  # read, so add_nowait can queue
    async with writer._lock:  # a flush under way
        forgetting = asyncio.create_task(writer.forget(GUILD, 7))
        await asyncio.sleep(0)
        assert not forgetting.done()  # waiting for the flush
        assert writer.add_nowait(reaction(7))
    assert await forgetting == 1
    assert writer.pending == 0
    assert await store.reactions_not_recovered() == {1}
