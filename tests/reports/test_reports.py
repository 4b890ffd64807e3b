"""Reports on a small known data set; every expected figure is worked out by hand below.

Channel 10 has five scheduled prompts p1..p5 (prompt/theme: a/x, b/x, a/x, c/y, b/x) posted at
1000..5000; channel 20 has one manual prompt p6 (d/z) posted at 4500. Window: [2500, 6000).

member 100 answers p1 p2 p3 p5 (misses p4: forgiven) and reacts to p3 -> streak 4, best 4
member 200 answers p1, misses p2 and p3 (reset), answers p4 p5      -> streak 2, best 2
member 300 answers p3 (first time ever, inside the window) and reacts to p4
member 400 only reacts to p6 (first time ever, inside the window)
"""

import csv
import gc
import io
import threading
import tracemalloc

import pytest

from bot.config.database import parse_database
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.reports.builders import member_report, prompt_report, server_report
from bot.reports.digest import weekly_digest_text
from bot.reports.export import export_csv
from bot.store import open_stores
from tests.store import view

G = 1
POSTS = {  # post id: (channel, kind, prompt, theme, posted_at)
    1: (10, "scheduled", "a", "x", 1000),
    2: (10, "scheduled", "b", "x", 2000),
    3: (10, "scheduled", "a", "x", 3000),
    4: (10, "scheduled", "c", "y", 4000),
    5: (10, "scheduled", "b", "x", 5000),
    6: (20, "manual", "d", "z", 4500),
}
ANSWERS = {100: [1, 2, 3, 5], 200: [1, 4, 5], 300: [3]}
REACTIONS = {100: [3], 300: [4], 400: [6]}


async def add_posts(stores, posts):
    for pid, (channel, kind, prompt, theme, at) in posts.items():
        await view.plant(
            stores, "posts", id=pid, guild_id=G, channel_id=channel,
            slot=at if kind == "scheduled" else None, kind=kind, status="posted",
            prompt_id=prompt, theme_id=theme, message_id=500 + pid, thread_id=900 + pid,
            claimed_at=at, posted_at=at,
        )  # fmt: skip


def rows():
    out = []
    for member, pids in ANSWERS.items():
        for pid in pids:
            _, _, prompt, theme, at = POSTS[pid]
            out.append(ParticipationRow(G, pid, prompt, theme, member, member * 10 + pid, ANSWER,
                                        at + member, pid * 10))  # fmt: skip
    for member, pids in REACTIONS.items():
        for pid in pids:
            _, _, prompt, theme, at = POSTS[pid]
            out.append(ParticipationRow(G, pid, prompt, theme, member, 500 + pid, REACTION,
                                        at + member + 50, None))  # fmt: skip
    return out


@pytest.fixture
async def stores(stores):
    """The known data set, on each backend."""
    await add_posts(stores, POSTS)
    await stores.participation.record_many(rows())
    return stores


async def test_server_report_counts_the_window(stores):
    r = await server_report(stores.reports, G, since=2500, now=6000)
    assert (r.answers, r.reactions, r.posts) == (5, 3, 4)
    assert (r.active_members, r.new_members, r.returning_members) == (4, 2, 2)


async def test_server_report_ranks_prompts_and_themes_by_answers_per_post(stores):
    r = await server_report(stores.reports, G, since=2500, now=6000, top=1)
    # answers per post: p3 (a) 2, p4 (c) 1, p5 (b) 2, p6 (d) 0; themes x = 4/2, y = 1, z = 0
    assert [(p.key, p.per_post) for p in r.most_discussed_prompts] == [("a", 2.0)]
    assert [(p.key, p.per_post) for p in r.least_discussed_prompts] == [("d", 0.0)]
    assert [(t.key, t.posts, t.answers) for t in r.most_discussed_themes] == [("x", 2, 4)]
    assert [t.key for t in r.least_discussed_themes] == ["z"]


async def test_server_report_ignores_other_servers_and_later_rows(stores):
    await view.plant(
        stores, "posts", id=8, guild_id=2, channel_id=30, kind="manual", status="posted",
        prompt_id="a", theme_id="x", message_id=508, claimed_at=3000, posted_at=3000,
    )  # fmt: skip
    await stores.participation.record_many(
        [ParticipationRow(2, 8, "a", "x", 999, 7777, ANSWER, 3000, 1)]
    )
    r = await server_report(
        stores.reports, G, since=2500, now=5150
    )  # 200's p5 answer at 5200 is later
    assert (r.answers, r.active_members) == (4, 4)
    # a post's answers are all it has received so far, so p5 (b) still has 2
    assert [(p.key, p.answers) for p in r.most_discussed_prompts][:2] == [("a", 2), ("b", 2)]


async def test_deleted_answers_and_forgotten_members_leave_the_report(stores):
    store = stores.participation
    await store.delete_message(100 * 10 + 3)  # 100's answer to p3
    await store.forget(G, 300)  # 300 answered p3 and reacted to p4
    r = await server_report(stores.reports, G, since=2500, now=6000)
    assert (r.answers, r.reactions, r.active_members, r.new_members) == (3, 2, 3, 1)
    assert [(p.key, p.answers) for p in r.most_discussed_prompts] == [("b", 2), ("c", 1)]
    assert [(p.key, p.answers) for p in r.least_discussed_prompts] == [("a", 0), ("d", 0)]


async def test_few_prompts_are_split_between_most_and_least_discussed(stores):
    r = await server_report(stores.reports, G, since=0, now=6000, top=3)
    most, least = r.most_discussed_prompts, r.least_discussed_prompts
    assert len(most) + len(least) == 4  # four prompts posted: two at each end, none repeated
    assert len(most) == 2 and not {p.key for p in most} & {p.key for p in least}
    assert most[-1].per_post >= least[-1].per_post >= least[0].per_post


async def test_member_report_streak_forgives_one_miss(stores):
    m = await member_report(stores.reports, G, 100)
    assert (m.answers, m.reactions, m.prompts_answered, m.themes_touched) == (4, 1, 2, 1)
    assert (m.current_streak, m.best_streak) == (4, 4)


async def test_member_report_two_misses_reset_the_streak(stores):
    m = await member_report(stores.reports, G, 200)
    assert (m.current_streak, m.best_streak) == (2, 2)
    assert (m.prompts_answered, m.themes_touched) == (3, 2)


async def test_member_with_only_a_manual_prompt_reaction_has_no_streak(stores):
    m = await member_report(stores.reports, G, 400)
    assert (m.answers, m.reactions, m.current_streak, m.best_streak) == (0, 1, 0, 0)
    assert (m.first_at, m.last_at) == (4500 + 450, 4500 + 450)


async def test_prompt_report_covers_all_posts_of_the_prompt(stores):
    p = await prompt_report(stores.reports, G, "a")
    # p1: answers by 100 and 200; p3: answers by 100 and 300, reaction by 100
    assert (p.posts, p.answers, p.reactions, p.members) == (2, 4, 1, 3)
    assert p.answers_per_post == 2.0 and p.mean_length == 20.0
    assert (p.first_posted, p.last_posted) == (1000, 3000)


async def test_weekly_digest_is_plain_short_text_without_mentions(stores):
    await add_posts(stores, {7: (10, "scheduled", "@everyone" + "q" * 3000, "<@&123>", 5500)})
    text = weekly_digest_text(await server_report(stores.reports, G, since=2500, now=6000))
    assert "Active members: 4 (2 new, 2 returning)" in text
    assert "Answers: 5" in text
    assert len(text) <= 2000
    assert "@everyone" not in text and "<@&" not in text


async def test_export_csv_has_documented_columns_and_reads_back(stores):
    out = io.StringIO()
    assert await export_csv(stores.reports, G, since=2500, out=out) == 8
    back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(back[0]) == [
        "post_id", "prompt_id", "theme_id", "channel_id", "thread_id", "member_id", "kind",
        "message_id", "created_at", "length", "anonymous",
    ]  # fmt: skip
    first = back[0]  # oldest in the window: 100's answer to p3 at 3100
    assert (first["post_id"], first["member_id"], first["kind"]) == ("3", "100", "answer")
    assert first["created_at"] == "1970-01-01T00:51:40Z" and first["length"] == "30"
    assert first["channel_id"] == "10" and first["thread_id"] == "903"
    assert [r["length"] for r in back if r["kind"] == "reaction"] == ["", "", ""]
    assert [r["created_at"] for r in back] == sorted(r["created_at"] for r in back)


async def test_export_escapes_text_a_spreadsheet_would_split(stores):
    """Ids written by hand into an older database may hold commas, quotes or line breaks; the
    CSV still has one record per row and reads back exactly."""
    awkward = 'grief, "loss"\nand after'
    await view.rewrite(stores, "participation", {"post_id": 3}, prompt_id=awkward)
    out = io.StringIO()
    written = await export_csv(stores.reports, G, since=2500, out=out)
    back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(back) == written
    assert {r["prompt_id"] for r in back if r["post_id"] == "3"} == {awkward}
    assert '"grief, ""loss""' in out.getvalue()  # quoted, inner quotes doubled


@pytest.fixture
async def empty(database):
    """No data yet, on each backend."""
    stores = await open_stores(database)
    yield stores
    await stores.close()


@pytest.mark.slow
async def test_export_streams_with_flat_memory(empty):
    stores = empty
    await add_posts(stores, {1: (10, "scheduled", "a", "x", 0)})
    peaks = []
    for total in (5_000, 50_000):
        many = [ParticipationRow(G, 1, "a", "x", i % 97, 10**6 + i, ANSWER, i, 5)
                for i in range(total)]  # fmt: skip
        await stores.participation.record_many(many)
        del many
        sink = _Counter()
        tracemalloc.start()
        written = await export_csv(stores.reports, G, since=0, out=sink)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert written == total and sink.lines == total + 1
    assert peaks[1] < peaks[0] * 2  # ten times the rows, not ten times the memory


async def test_reading_the_export_on_sqlite_leaves_the_garbage_collector_idle(db_path):
    """SQLite's rows are built in the connection's thread: rows kept alive across the
    collector's runs are promoted until a full collection walks every object of the process,
    holding the interpreter lock, so the event loop stalls. The export reads few enough rows
    at a time that they are freed before the collector runs at all."""
    stores = await open_stores(parse_database(db_path))
    try:
        await add_posts(stores, {1: (10, "scheduled", "a", "x", 0)})
        await stores.participation.record_many(
            [ParticipationRow(G, 1, "a", "x", i % 97, 10**6 + i, ANSWER, i, 5)
             for i in range(30_000)]
        )  # fmt: skip
        gc.collect()
        elsewhere: list[str] = []

        def seen(phase: str, _info: dict) -> None:
            if phase == "start" and threading.current_thread() is not threading.main_thread():
                elsewhere.append(threading.current_thread().name)

        gc.callbacks.append(seen)
        try:
            read = 0
            async for batch in stores.reports.export_rows(G, 0):
                read += len(batch)
        finally:
            gc.callbacks.remove(seen)
        assert read == 30_000
        assert len(elsewhere) <= 1  # read 2,000 at a time: 37 runs, one per 700 objects
    finally:
        await stores.close()


class _Counter(io.TextIOBase):
    """A sink that keeps nothing, so only the export's own memory is measured."""

    lines = 0

    def write(self, s):
        self.lines += s.count("\n")
        return len(s)


async def brute_force(stores, since, now):
    return await view.brute_force_totals(stores, G, since, now)


@pytest.mark.parametrize("small_window", [1, 10**9])  # both ways of counting members agree
async def test_totals_over_many_days_match_the_rows_after_deletions(empty, small_window):
    stores = empty
    await add_posts(stores, {1: (10, "scheduled", "a", "x", 0)})
    store = stores.participation
    day = 86_400
    await store.record_many([
        ParticipationRow(G, 1, "a", "x", i % 13, 10_000 + i, REACTION if i % 4 else ANSWER,
                         i * day // 7, None)
        for i in range(200)
    ])  # fmt: skip
    await store.delete_message(10_000 + 8)  # an answer on day 1
    await store.forget(G, 5)
    assert await store.purge_older_than(3 * day) > 0
    for since, now in [(0, 40 * day), (day + 5, 20 * day - 7), (2 * day, 2 * day + 100)]:
        answers, reactions, active, new = await brute_force(stores, since, now)
        assert await stores.reports.kind_totals(G, since, now) == (answers, reactions)
        members = await stores.reports.member_totals(G, since, now, small_window=small_window)
        assert members == (active, new)
