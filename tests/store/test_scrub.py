"""After a member's ``forget`` the bot keeps its SQLite locks: another process that opens and
closes the database (``python -m bot stats``, a backup, a second bot) must not take the bot for
gone, checkpoint and delete its WAL, so that what the bot writes next would vanish.

Every look at the files here is made from another process, as a backup or the CLI would: a
read of the file by the test process itself would drop the test's own locks."""

import contextlib
import logging
import sqlite3
import subprocess
import sys

from bot.participation.types import ANSWER, ParticipationRow
from bot.store.sqlite.db import open_database
from bot.store.sqlite.participation import ParticipationStore
from bot.store.sqlite.scrub import stored_bytes

GUILD = 1
MEMBER = 820000000000000777
OTHER = 820000000000000100

_OPEN_AND_CLOSE = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("SELECT count(*) FROM posts").fetchall()
con.close()
"""
_ANSWERS = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(con.execute("SELECT count(*) FROM participation WHERE member_id = ?",
                  (int(sys.argv[2]),)).fetchone()[0])
con.close()
"""
_FILE_HOLDS = """
import sys
print(bytes.fromhex(sys.argv[2]) in open(sys.argv[1], "rb").read())
"""


def in_another_process(script: str, *args: object) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


async def add_post(db) -> None:
    await db.execute(
        "INSERT INTO posts (id, guild_id, channel_id, slot, kind, status, prompt_id, theme_id,"
        " message_id, thread_id, claimed_at, posted_at)"
        " VALUES (1, ?, 10, 1000, 'scheduled', 'posted', 'prompt-1', 'theme', 501, 901,"
        " 1000, 1000)",
        (GUILD,),
    )


def answer(member: int, message: int) -> ParticipationRow:
    return ParticipationRow(GUILD, 1, "prompt-1", "theme", member, message, ANSWER, 2000, 10)


def leave_a_copy_in_free_space(db_path) -> str:
    """Another tool writes and deletes a row of MEMBER without ``secure_delete``, so the id's
    bytes stay in the file's free space; the id as SQLite stores it, in hex."""
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("PRAGMA secure_delete = OFF")
        other.execute(
            "INSERT INTO participation (guild_id, post_id, prompt_id, theme_id, member_id,"
            " message_id, kind, created_at) VALUES (1, 1, 'p', 't', ?, 5, 'answer', 1)",
            (MEMBER,),
        )
        other.execute("DELETE FROM participation WHERE member_id = ?", (MEMBER,))
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return stored_bytes(MEMBER).hex()


async def test_what_the_bot_writes_after_a_forget_survives_another_process_closing_the_file(
    db_path,
):
    db = await open_database(db_path)
    try:
        store = ParticipationStore(db)
        await add_post(db)
        await store.record_many([answer(MEMBER, 7), answer(OTHER, 8)])
        assert await store.forget(GUILD, MEMBER) == 1

        # `python -m bot stats`, a backup or a second bot opens the database and closes it
        in_another_process(_OPEN_AND_CLOSE, db_path)
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists(), "another process deleted the running bot's WAL"

        await store.record_many([answer(OTHER, 9), answer(OTHER, 10)])
        # seen by every other process (it is in the files on disk, so a SIGKILL keeps it)
        assert in_another_process(_ANSWERS, db_path, OTHER) == "3"
        in_another_process(_OPEN_AND_CLOSE, db_path)
        await store.record_many([answer(OTHER, 11)])
        assert in_another_process(_ANSWERS, db_path, OTHER) == "4"
    finally:
        await db.close()
    assert in_another_process(_ANSWERS, db_path, OTHER) == "4"


async def test_an_erased_id_left_in_free_space_is_still_found_and_the_file_rebuilt(db_path):
    """Bytes a deletion without secure_delete left in a page's free space (an older bot or
    another tool) are found without the bot opening the file itself, and the file is rebuilt;
    the bot's locks hold afterwards."""
    db = await open_database(db_path)
    try:
        store = ParticipationStore(db)
        await add_post(db)
        await store.record_many([answer(OTHER, 8)])
        needle = leave_a_copy_in_free_space(db_path)
        assert in_another_process(_FILE_HOLDS, db_path, needle) == "True"

        assert await store.forget(GUILD, MEMBER) == 0

        assert in_another_process(_FILE_HOLDS, db_path, needle) == "False"
        in_another_process(_OPEN_AND_CLOSE, db_path)
        await store.record_many([answer(OTHER, 9)])
        assert in_another_process(_ANSWERS, db_path, OTHER) == "2"
    finally:
        await db.close()


async def test_when_the_search_cannot_run_the_file_is_rebuilt_rather_than_left_with_a_copy(
    db_path, monkeypatch, caplog
):
    db = await open_database(db_path)
    try:
        store = ParticipationStore(db)
        await add_post(db)
        needle = leave_a_copy_in_free_space(db_path)
        assert in_another_process(_FILE_HOLDS, db_path, needle) == "True"
        monkeypatch.setattr(sys, "executable", str(db_path.with_name("no-such-python")))
        caplog.set_level(logging.WARNING, logger="bot.store.sqlite.scrub")

        await store.forget(GUILD, MEMBER)

        monkeypatch.undo()
        assert in_another_process(_FILE_HOLDS, db_path, needle) == "False"
        assert "could not search the database file" in caplog.text
    finally:
        await db.close()
