"""Anonymous answers in the reports, on a known history in a real SQLite file: the member's own
figures count them (streaks included); moderators' figures count them only as anonymous."""

import csv
import io

from bot.anonymity.types import AnonymousAnswer
from bot.reports.summary import export_csv, member_report, server_report, weekly_digest_text
from bot.store.anonymous import AnonymousStore
from bot.store.db import open_database
from tests.participation_world import ANA, BEN, DAY, NOW, G, seed_history

THREAD = 1003  # post 3's thread in the seeded history


async def seeded(tmp_path, counted: bool = True):
    """The known history, plus ana's anonymous answer to post 3 (the one she missed)."""
    path = tmp_path / "bot.sqlite3"
    ids = await seed_history(path)
    db = await open_database(path)
    at = int(NOW.timestamp()) - 2 * DAY + 120
    await AnonymousStore(db).record(
        AnonymousAnswer(777_000, G, ids[3], THREAD, ANA, counted, at, 42)
    )
    return db


async def test_the_member_counts_it_in_their_streak_and_moderators_do_not(tmp_path):
    db = await seeded(tmp_path)
    try:
        own = await member_report(db, G, ANA, include_anonymous=True)
        assert (own.answers, own.prompts_answered, own.current_streak, own.best_streak) == (
            5,
            4,
            4,
            4,
        )
        moderators = await member_report(db, G, ANA)
        assert (moderators.answers, moderators.current_streak) == (4, 3)
        assert (await member_report(db, G, BEN)).answers == 2
    finally:
        await db.close()


async def test_server_report_digest_and_export_count_it_without_the_member(tmp_path):
    db = await seeded(tmp_path)
    try:
        now = int(NOW.timestamp())
        report = await server_report(db, G, now - 7 * DAY, now)
        assert (report.answers, report.anonymous_answers, report.active_members) == (5, 1, 2)
        assert "(and 1 anonymous answer(s))" in weekly_digest_text(report)
        out = io.StringIO()
        await export_csv(db, G, 0, out)
        table = list(csv.DictReader(io.StringIO(out.getvalue())))
        [anonymous] = [r for r in table if r["anonymous"] == "yes"]
        assert anonymous["member_id"] == "" and anonymous["message_id"] == "777000"
        assert [r["created_at"] for r in table] == sorted(r["created_at"] for r in table)
    finally:
        await db.close()


async def test_an_uncounted_link_is_in_no_figure_at_all(tmp_path):
    db = await seeded(tmp_path, counted=False)
    try:
        now = int(NOW.timestamp())
        assert (await server_report(db, G, now - 7 * DAY, now)).anonymous_answers == 0
        own = await member_report(db, G, ANA, include_anonymous=True)
        assert own.answers == 4
        out = io.StringIO()
        await export_csv(db, G, 0, out)
        assert "777000" not in out.getvalue()
    finally:
        await db.close()


async def test_retention_purges_old_links_with_the_participation(tmp_path):
    db = await seeded(tmp_path)
    try:
        store = AnonymousStore(db)
        assert await store.purge_older_than(int(NOW.timestamp()) - 3 * DAY) == 0
        assert await store.purge_older_than(int(NOW.timestamp())) == 1
        assert await store.answer(777_000) is None
    finally:
        await db.close()
