"""Anonymous answers in the reports, on a known history in a real SQLite file: the member's own
figures count them (streaks included); moderators' figures count them only as anonymous."""

import csv
import io

from bot.anonymity.types import AnonymousAnswer
from bot.reports.builders import member_report, prompt_report, server_report
from bot.reports.digest import weekly_digest_text
from bot.reports.export import export_csv
from bot.store.sqlite.anonymous import AnonymousStore
from bot.store.sqlite.db import open_database
from bot.store.sqlite.reports import ReportsStore
from tests.participation_world import ANA, BEN, DAY, NOW, G, seed_history

THREAD = 1003  # post 3's thread in the seeded history


async def seeded(path, counted: bool = True):
    """The database file ``path`` with the known history, plus ana's anonymous answer to post 3
    (the one she missed)."""
    ids = await seed_history(path)
    db = await open_database(path)
    at = int(NOW.timestamp()) - 2 * DAY + 120
    await AnonymousStore(db).record(
        AnonymousAnswer(777_000, G, ids[3], THREAD, ANA, counted, at, 42)
    )
    return db


async def test_the_member_counts_it_in_their_streak_and_moderators_do_not(db_path):
    db = await seeded(db_path)
    try:
        own = await member_report(ReportsStore(db), G, ANA, include_anonymous=True)
        assert (own.answers, own.prompts_answered, own.current_streak, own.best_streak) == (
            5,
            4,
            4,
            4,
        )
        moderators = await member_report(ReportsStore(db), G, ANA)
        assert (moderators.answers, moderators.current_streak) == (4, 3)
        assert (await member_report(ReportsStore(db), G, BEN)).answers == 2
    finally:
        await db.close()


async def test_server_report_digest_and_export_count_it_without_the_member(db_path):
    db = await seeded(db_path)
    try:
        now = int(NOW.timestamp())
        report = await server_report(ReportsStore(db), G, now - 7 * DAY, now)
        assert (report.answers, report.anonymous_answers, report.active_members) == (5, 1, 2)
        assert "(and 1 anonymous answer(s))" in weekly_digest_text(report)
        out = io.StringIO()
        await export_csv(ReportsStore(db), G, 0, out)
        table = list(csv.DictReader(io.StringIO(out.getvalue())))
        [anonymous] = [r for r in table if r["anonymous"] == "yes"]
        assert anonymous["member_id"] == "" and anonymous["message_id"] == "777000"
        assert [r["created_at"] for r in table] == sorted(r["created_at"] for r in table)
    finally:
        await db.close()


async def moderator_view(db) -> tuple:
    """Everything moderators can read about the server: reports, the digest and the CSV."""
    now = int(NOW.timestamp())
    report = await server_report(ReportsStore(db), G, now - 7 * DAY, now)
    out = io.StringIO()
    await export_csv(ReportsStore(db), G, 0, out)
    return (
        report,
        (await prompt_report(ReportsStore(db), G, "p3")).anonymous_answers,
        out.getvalue(),
    )


async def test_moderators_figures_do_not_move_when_the_author_opts_out_or_erases(db_path):
    """Comparing reports or exports from before and after a member opts out or erases their
    records must not tell moderators which anonymous answers were that member's."""
    db = await seeded(db_path)
    try:
        store = AnonymousStore(db)
        before = await moderator_view(db)
        assert before[0].anonymous_answers == 1 and before[1] == 1 and "777000" in before[2]
        await store.uncount(G, ANA)  # "Erase my records" when opting out
        assert await moderator_view(db) == before
        assert (await member_report(ReportsStore(db), G, ANA, include_anonymous=True)).answers == 4
        assert await store.forget(G, ANA) == 1  # /participation forget, answers kept unsigned
        assert await moderator_view(db) == before
        assert await store.member_answers(G, ANA) == []
        kept = await store.answer(777_000)
        assert kept is not None and kept.member_id != ANA
        assert (await member_report(ReportsStore(db), G, ANA, include_anonymous=True)).answers == 4
    finally:
        await db.close()


async def test_an_opted_out_authors_answer_is_counted_like_any_other(tmp_path):
    """An answer relayed while its author was opted out is not their participation, but leaving
    it out of the server's figures would single it out as an opted-out member's."""
    counted, uncounted = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    db = await seeded(counted)
    try:
        expected = await moderator_view(db)
    finally:
        await db.close()
    db = await seeded(uncounted, counted=False)
    try:
        assert await moderator_view(db) == expected
        assert (await member_report(ReportsStore(db), G, ANA, include_anonymous=True)).answers == 4
    finally:
        await db.close()


async def test_retention_purges_old_links_with_the_participation(db_path):
    db = await seeded(db_path)
    try:
        store = AnonymousStore(db)
        assert await store.purge_older_than(int(NOW.timestamp()) - 3 * DAY) == 0
        assert await store.purge_older_than(int(NOW.timestamp())) == 1
        assert await store.answer(777_000) is None
    finally:
        await db.close()


async def test_deleted_messages_take_their_records_and_only_theirs(db_path):
    """A bulk delete (or an erasure deleting many answers) removes exactly those records, however
    many there are."""
    ids = await seed_history(db_path)
    db = await open_database(db_path)
    try:
        store = AnonymousStore(db)
        at = int(NOW.timestamp())
        for n in range(1203):
            await store.record(AnonymousAnswer(800_000 + n, G, ids[3], THREAD, ANA, True, at, 5))
        gone = [800_000 + n for n in range(1203) if n % 3] + [1]  # and one unknown id
        assert await store.delete(gone) == 802
        left = await store.member_answers(G, ANA)
        assert sorted(a.message_id for a in left) == [800_000 + n for n in range(0, 1203, 3)]
        assert await store.delete([]) == 0
    finally:
        await db.close()
