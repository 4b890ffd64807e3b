"""Anonymous answers in the reports, on a known history in a real database of each backend: the
member's own figures count them (streaks included); moderators' figures count them only as
anonymous."""

import csv
import io
from collections.abc import Iterator

import pytest

from bot.anonymity.types import AnonymousAnswer
from bot.config.database import Database, parse_database
from bot.reports.builders import member_report, prompt_report, server_report
from bot.reports.digest import weekly_digest_text
from bot.reports.export import export_csv
from bot.store import Stores, open_stores
from tests.participation_world import ANA, BEN, DAY, NOW, G, seed_history

THREAD = 1003  # post 3's thread in the seeded history


async def seeded(database: Database, stores: Stores, counted: bool = True) -> list[int]:
    """The known history in ``database``, plus ana's anonymous answer to post 3 (the one she
    missed); the posts' ids."""
    ids = await seed_history(database)
    at = int(NOW.timestamp()) - 2 * DAY + 120
    await stores.anonymous.record(AnonymousAnswer(777_000, G, ids[3], THREAD, ANA, counted, at, 42))
    return ids


@pytest.fixture
def other_database(database: Database, request: pytest.FixtureRequest, tmp_path) -> Iterator:
    """A second database at the latest schema on the same backend as ``database``."""
    if database.backend == "sqlite":
        path = tmp_path / "other.sqlite3"
        path.write_bytes(request.getfixturevalue("migrated_database").read_bytes())
        yield parse_database(path)
        return
    server = request.getfixturevalue("postgresql")
    made = server.new_database()
    yield made
    server.drop(made)


async def test_the_member_counts_it_in_their_streak_and_moderators_do_not(database, stores):
    await seeded(database, stores)
    own = await member_report(stores.reports, G, ANA, include_anonymous=True)
    assert (own.answers, own.prompts_answered, own.current_streak, own.best_streak) == (
        5, 4, 4, 4
    )  # fmt: skip
    moderators = await member_report(stores.reports, G, ANA)
    assert (moderators.answers, moderators.current_streak) == (4, 3)
    assert (await member_report(stores.reports, G, BEN)).answers == 2


async def test_server_report_digest_and_export_count_it_without_the_member(database, stores):
    await seeded(database, stores)
    now = int(NOW.timestamp())
    report = await server_report(stores.reports, G, now - 7 * DAY, now)
    assert (report.answers, report.anonymous_answers, report.active_members) == (5, 1, 2)
    assert "(and 1 anonymous answer(s))" in weekly_digest_text(report)
    out = io.StringIO()
    await export_csv(stores.reports, G, 0, out)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    [anonymous] = [r for r in table if r["anonymous"] == "yes"]
    assert anonymous["member_id"] == "" and anonymous["message_id"] == "777000"
    assert [r["created_at"] for r in table] == sorted(r["created_at"] for r in table)


async def moderator_view(stores: Stores) -> tuple:
    """Everything moderators can read about the server: reports, the digest and the CSV."""
    now = int(NOW.timestamp())
    report = await server_report(stores.reports, G, now - 7 * DAY, now)
    out = io.StringIO()
    await export_csv(stores.reports, G, 0, out)
    return (
        report,
        (await prompt_report(stores.reports, G, "p3")).anonymous_answers,
        out.getvalue(),
    )


async def test_moderators_figures_do_not_move_when_the_author_opts_out_or_erases(database, stores):
    """Comparing reports or exports from before and after a member opts out or erases their
    records must not tell moderators which anonymous answers were that member's."""
    await seeded(database, stores)
    store = stores.anonymous
    before = await moderator_view(stores)
    assert before[0].anonymous_answers == 1 and before[1] == 1 and "777000" in before[2]
    await store.uncount(G, ANA)  # "Erase my records" when opting out
    assert await moderator_view(stores) == before
    assert (await member_report(stores.reports, G, ANA, include_anonymous=True)).answers == 4
    assert await store.forget(G, ANA) == 1  # /participation forget, answers kept unsigned
    assert await moderator_view(stores) == before
    assert await store.member_answers(G, ANA) == []
    kept = await store.answer(777_000)
    assert kept is not None and kept.member_id != ANA
    assert (await member_report(stores.reports, G, ANA, include_anonymous=True)).answers == 4


async def test_an_opted_out_authors_answer_is_counted_like_any_other(
    database, stores, other_database
):
    """An answer relayed while its author was opted out is not their participation, but leaving
    it out of the server's figures would single it out as an opted-out member's."""
    await seeded(database, stores)
    expected = await moderator_view(stores)
    uncounted = await open_stores(other_database)
    try:
        await seeded(other_database, uncounted, counted=False)
        assert await moderator_view(uncounted) == expected
        own = await member_report(uncounted.reports, G, ANA, include_anonymous=True)
        assert own.answers == 4
    finally:
        await uncounted.close()


async def test_retention_purges_old_links_with_the_participation(database, stores):
    await seeded(database, stores)
    store = stores.anonymous
    assert await store.purge_older_than(int(NOW.timestamp()) - 3 * DAY) == 0
    assert await store.purge_older_than(int(NOW.timestamp())) == 1
    assert await store.answer(777_000) is None


async def test_deleted_messages_take_their_records_and_only_theirs(database, stores):
    """A bulk delete (or an erasure deleting many answers) removes exactly those records, however
    many there are."""
    ids = await seed_history(database)
    store = stores.anonymous
    at = int(NOW.timestamp())
    for n in range(1203):
        await store.record(AnonymousAnswer(800_000 + n, G, ids[3], THREAD, ANA, True, at, 5))
    gone = [800_000 + n for n in range(1203) if n % 3] + [1]  # and one unknown id
    assert await store.delete(gone) == 802
    left = await store.member_answers(G, ANA)
    assert sorted(a.message_id for a in left) == [800_000 + n for n in range(0, 1203, 3)]
    assert await store.delete([]) == 0


async def test_the_kill_switch_is_one_per_server_and_seen_by_every_process(database, stores):
    other = await open_stores(database)
    try:
        assert not await stores.anonymous.is_stopped(G)
        assert await stores.anonymous.stop(G, BEN, 100)
        assert not await other.anonymous.stop(G, ANA, 101)
        assert await other.anonymous.is_stopped(G)
        assert not await other.anonymous.is_stopped(G + 1)
        assert await other.anonymous.resume(G)
        assert not await stores.anonymous.resume(G)
        assert not await stores.anonymous.is_stopped(G)
    finally:
        await other.close()


async def test_a_thread_deleted_takes_its_answers_links_and_the_words_of_their_relays(
    database, stores
):
    ids = await seed_history(database)
    at = int(NOW.timestamp())
    target = await stores.anonymous.post_target(ids[3])
    assert target is not None and (target.post_id, target.thread_id) == (ids[3], THREAD)
    assert await stores.anonymous.post_target(999_999) is None
    await stores.anonymous.record(AnonymousAnswer(9001, G, ids[3], THREAD, ANA, True, at, 5))
    await stores.anonymous.record(AnonymousAnswer(9001, G, ids[3], THREAD, BEN, True, at, 7))
    await stores.anonymous.record(AnonymousAnswer(9002, G, ids[2], 1002, ANA, True, at, 5))
    assert [a.member_id for a in await stores.anonymous.member_answers(G, ANA)] == [ANA, ANA]
    assert await stores.anonymous.recent_count(G, ANA, at - 1) == 2
    assert await stores.anonymous.delete_in_channel(THREAD) == 1
    assert [a.message_id for a in await stores.anonymous.member_answers(G, ANA)] == [9002]
    assert await stores.anonymous.recent_count(G, BEN, at - 1) == 0
