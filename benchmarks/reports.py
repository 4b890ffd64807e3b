"""Benchmark: server report and CSV export at scale, and batched recording throughput.

    python benchmarks/reports.py [--rows 1000000] [--posts 2000] [--members 20000]
                                 [--db postgresql://user@host:port/db]

Builds a temporary SQLite file (same schema and indexes as the bot) with ``--rows`` participation
rows across ``--posts`` prompt posts (5 channels, one post a day each) and ``--members``
members, then prints, each measured in this run:
- the server report over the last 7 days, 30 days and all time (median of 5), and its ratio to
  a plain ``SELECT count(*)`` over the table (the cheapest full pass SQLite can do);
- the CSV export time and rows/s, and its peak traced memory for ~10% of the rows vs all of them
  (flat: it streams);
- rows/s that ``BatchWriter`` (batches of 500) stores into the same file;
- each chart (activity, themes, times) over the last 28 days: its queries, its drawing, and both
  together (median of 5), against a target of 500 ms;
- the longest the event loop waits while the bot draws charts (queries on the loop, drawing in
  its worker process), against the same charts drawn in a thread of the bot's process (baseline)
  and the loop with nothing to draw; target 50 ms;
- the longest the event loop waits while the server report and the export run (a ticker task;
  target 50 ms).

With ``--db postgresql://…`` every figure is measured twice in one run: on SQLite, then on
PostgreSQL, in a database created on that server for the run (loaded with COPY, its indexes and
triggers off during the load, then ``VACUUM ANALYZE``) and dropped after it; each report is
compared with ``SELECT count(*)`` on its own backend.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sqlite3
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.backends import LoopWatch, Scratch, connect, scratch
from bot.app import app_for
from bot.charts.data import chart_data, chart_window
from bot.charts.render import render_chart
from bot.charts.types import CHART_KINDS
from bot.charts.worker import ChartRenderer
from bot.config.settings import Settings
from bot.participation.types import ANSWER, ParticipationRow
from bot.participation.writer import BatchWriter
from bot.reports.builders import server_report
from bot.reports.export import export_csv

GUILD = 1
DAY = 86_400
START = 1_700_000_000
CHANNELS = 5


def generate(path: Path, rows: int, posts: int, members: int) -> int:
    """Fill the database fast: indexes and triggers dropped during the load, then rebuilt, and
    the report totals recomputed by ``ParticipationStore.rebuild_totals``. Returns "now"."""
    con = sqlite3.connect(path)
    schema = con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        " AND tbl_name = 'participation' AND sql IS NOT NULL"
    ).fetchall()
    for kind, name, _ in schema:
        con.execute(f"DROP {kind} {name}")
    per_post = rows // posts
    with con:
        con.executemany(
            "INSERT INTO posts (id, guild_id, channel_id, slot, kind, status, prompt_id, theme_id,"
            " message_id, thread_id, claimed_at, posted_at)"
            " VALUES (?, ?, ?, ?, 'scheduled', 'posted', ?, ?, ?, ?, ?, ?)",
            (_post(i) for i in range(posts)),
        )
        con.executemany(
            "INSERT INTO participation (guild_id, post_id, prompt_id, theme_id, member_id,"
            " message_id, kind, created_at, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_row(i, j, members) for i in range(posts) for j in range(per_post)),
        )
    for _, _, sql in schema:
        con.execute(sql)
    con.close()
    return START + (posts // CHANNELS + 1) * DAY


async def generate_pg(url: str, rows: int, posts: int, members: int) -> int:
    """The same data as ``generate``, on PostgreSQL: COPY with the participation table's plain
    indexes dropped and its triggers off, then both back, and ``VACUUM ANALYZE`` (the
    visibility map lets counts read the indexes alone). Returns "now"."""
    con = await connect(url)
    try:
        indexes = await con.fetch(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = 'participation'::regclass AND NOT i.indisunique"
        )
        for name, _ in indexes:
            await con.execute(f"DROP INDEX {name}")
        await con.execute("ALTER TABLE participation DISABLE TRIGGER USER")
        per_post = rows // posts
        await con.copy_records_to_table(
            "posts",
            records=[(*_post(i), "scheduled", "posted") for i in range(posts)],
            columns=["id", "guild_id", "channel_id", "slot", "prompt_id", "theme_id",
                     "message_id", "thread_id", "claimed_at", "posted_at", "kind", "status"],
        )  # fmt: skip
        await con.copy_records_to_table(
            "participation",
            records=(_row(i, j, members) for i in range(posts) for j in range(per_post)),
            columns=["guild_id", "post_id", "prompt_id", "theme_id", "member_id", "message_id",
                     "kind", "created_at", "length"],
        )  # fmt: skip
        await con.execute("SELECT setval(pg_get_serial_sequence('posts', 'id'), $1)", posts)
        await con.execute("ALTER TABLE participation ENABLE TRIGGER USER")
        for _, sql in indexes:
            await con.execute(sql)
        await con.execute("VACUUM ANALYZE")
    finally:
        await con.close()
    return START + (posts // CHANNELS + 1) * DAY


def _post(i: int) -> tuple:
    at = START + (i // CHANNELS) * DAY + (i % CHANNELS) * 3600
    return (i + 1, GUILD, 100 + i % CHANNELS, at, f"prompt-{i % 300}", f"theme-{i % 40}",
            10**9 + i, 2 * 10**9 + i, at, at)  # fmt: skip


def _row(i: int, j: int, members: int) -> tuple:
    post_at = START + (i // CHANNELS) * DAY + (i % CHANNELS) * 3600
    member = (i * 7919 + j * 37) % members  # distinct within a post
    kind = "reaction" if j % 10 == 0 else "answer"
    message = 10**9 + i if kind == "reaction" else 3 * 10**9 + i * 10_000 + j
    return (GUILD, i + 1, f"prompt-{i % 300}", f"theme-{i % 40}", member, message, kind,
            post_at + j * 30, None if kind == "reaction" else 20 + j % 400)  # fmt: skip


async def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Sink(io.TextIOBase):
    """Counts what the export writes and keeps none of it."""

    chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


def count_query(stores):
    """The bare ``SELECT count(*)`` of the server's rows, on the store's own connection (pool)."""
    db = stores.handle.db
    if stores.database.backend == "postgresql":
        sql = "SELECT count(*) FROM participation WHERE guild_id = $1"
        return lambda: db.fetchrow(sql, GUILD)

    async def count():
        async with db.execute("SELECT count(*) FROM participation WHERE guild_id = ?", (GUILD,)):
            pass

    return count


# PostgreSQL's active and new members before each member's first time was kept
# (``participation_first_seen``): one pass over the member index, each member's first time and
# whether they fall in the window. Timed beside today's count in the same run.
_PREVIOUS_MEMBERS = """
SELECT count(*) FILTER (WHERE active), count(*) FILTER (WHERE active AND first >= $2)
FROM (SELECT min(created_at) AS first, bool_or(created_at >= $2) AS active
      FROM participation WHERE guild_id = $1 AND created_at < $3 GROUP BY member_id) AS m"""
_PREVIOUS_PLAN = (
    "SET LOCAL enable_hashagg = off; SET LOCAL enable_seqscan = off;"
    " SET LOCAL plan_cache_mode = force_custom_plan"
)


def previous_members(stores, since: int, now: int):
    """The member count as PostgreSQL's report made it before first times were kept."""
    db = stores.handle.db

    async def count():
        async def one_pass(con):
            await con.execute(_PREVIOUS_PLAN)
            return tuple(await con.fetchrow(_PREVIOUS_MEMBERS, GUILD, since, now))

        return await db.in_transaction(one_pass)

    return count


async def bench_reports(stores, now: int, total: int) -> list[float]:
    """Each window's report time as a ratio to the bare count of the same rows."""
    base = await timed(count_query(stores))
    print(f"baseline: SELECT count(*) of the server's {total:,} rows: {base * 1000:.1f} ms")
    ratios, watch, blocked = [], LoopWatch(), 0.0
    for label, days in (("7 days", 7), ("30 days", 30), ("all time", 10_000)):
        since = now - days * DAY
        t = await timed(lambda since=since: server_report(stores.reports, GUILD, since, now))
        blocked = max(blocked, await watch.during(
            lambda since=since: server_report(stores.reports, GUILD, since, now)
        ))  # fmt: skip
        report = await server_report(stores.reports, GUILD, since, now)
        ratios.append(t / base)
        print(f"server report, {label:8}: {t * 1000:7.1f} ms  ({t / base:4.2f}x baseline,"
              f" target <= 2)  answers={report.answers:,} active={report.active_members:,}"
              f" new={report.new_members:,} posts={report.posts:,}")  # fmt: skip
        if stores.database.backend == "postgresql":
            before = previous_members(stores, since, now)
            old_t = await timed(before)
            new_t = await timed(lambda since=since: stores.reports.member_totals(GUILD, since, now))
            same = await before() == await stores.reports.member_totals(GUILD, since, now)
            print(f"  members: {new_t * 1000:6.1f} ms from first times, {old_t * 1000:6.1f} ms by"
                  f" the previous pass over the member index ({old_t / base:4.2f}x baseline);"
                  f" same figures: {'yes' if same else 'NO'}")  # fmt: skip
    print(f"event loop blocked at most during the reports: {blocked * 1000:.1f} ms (<= 50 ms)")
    return ratios


async def bench_export(stores, now: int, total: int, days_for_tenth: int) -> None:
    written = 0

    async def export() -> None:
        nonlocal written
        written = await export_csv(stores.reports, GUILD, 0, Sink())

    start = time.perf_counter()
    blocked = await LoopWatch().during(export)
    took = time.perf_counter() - start
    print(f"export, all {written:,} rows: {took:.2f} s ({written / took:,.0f} rows/s);"
          f" event loop blocked at most {blocked * 1000:.1f} ms, CSV writing included")  # fmt: skip

    async def read() -> None:  # the database's part alone: the rows read, nothing written
        async for _ in stores.reports.export_rows(GUILD, 0):
            pass

    blocked = await LoopWatch().during(read)
    print(f"export rows read alone (the database calls): event loop blocked at most"
          f" {blocked * 1000:.1f} ms (<= 50 ms)")  # fmt: skip
    if stores.database.backend == "sqlite":  # the former batches, for comparison

        async def read_2000() -> None:
            async for _ in stores.reports.export_rows(GUILD, 0, batch=2000):
                pass

        blocked = await LoopWatch().during(read_2000)
        print(f"  the same rows read 2,000 at a time (the former batch): event loop blocked at"
              f" most {blocked * 1000:.1f} ms")  # fmt: skip
    for since in (now - days_for_tenth * DAY, 0):
        tracemalloc.start()
        n = await export_csv(stores.reports, GUILD, since, Sink())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"export peak traced memory at {n:>9,} rows: {peak / 1024:,.0f} KiB")


async def bench_writer(stores, posts: int, rows: int = 100_000) -> None:
    """Answers to the 10 newest (open) posts, as in a running server; then the worst case,
    answers spread over every post ever made (index pages touched all over the file)."""
    for label, spread, offset in (("10 open posts", 10, posts - 10), ("all posts", posts, 0)):
        writer = BatchWriter(stores.participation, max_rows=500)
        batch = [ParticipationRow(GUILD, 1 + offset + i % spread, "p", "t", i % 20_000,
                                  9 * 10**9 + offset * 10**6 + i, ANSWER, START + i, 42)
                 for i in range(rows)]  # fmt: skip
        start = time.perf_counter()
        for row in batch:
            await writer.add(row)
        await writer.close()
        took = time.perf_counter() - start
        print(f"BatchWriter, batches of 500, answers to {label}: {rows:,} rows in {took:.2f} s"
              f" = {rows / took:,.0f} rows/s")  # fmt: skip


CHART_TZ = "America/New_York"  # a display timezone off UTC, with daylight saving


async def bench_charts(stores, now: int) -> None:
    window = chart_window(CHART_TZ, now, 28)
    store, reports = stores.charts, stores.reports
    render_chart(await chart_data("times", store, reports, GUILD, window))  # load matplotlib
    for kind in CHART_KINDS:
        queries = await timed(lambda kind=kind: chart_data(kind, store, reports, GUILD, window))
        data = await chart_data(kind, store, reports, GUILD, window)
        draws = []
        for _ in range(5):
            start = time.perf_counter()
            chart = render_chart(data)
            draws.append(time.perf_counter() - start)
        drawing = statistics.median(draws)

        async def both(kind=kind):
            render_chart(await chart_data(kind, store, reports, GUILD, window))

        total = await timed(both)
        size = f"{chart.width}x{chart.height} px, {len(chart.png) / 1024:.0f} KiB"
        print(f"chart {kind:8}: queries {queries * 1000:6.1f} ms + drawing"
              f" {drawing * 1000:6.1f} ms = {total * 1000:6.1f} ms together (target < 500 ms);"
              f" {size}, {data.total:,} answers and reactions")  # fmt: skip


async def bench_chart_loop(stores, now: int, rounds: int = 5) -> None:
    """Rounds of: the three charts as the bot draws them (worker process), the same drawn in a
    thread (baseline), and the loop left alone as long (what the machine itself costs)."""
    window = chart_window(CHART_TZ, now, 28)
    store, reports = stores.charts, stores.reports
    renderer, watch = ChartRenderer(), LoopWatch()

    async def charts(draw, kinds=CHART_KINDS) -> None:
        for kind in kinds:
            await draw(await chart_data(kind, store, reports, GUILD, window))

    worker, thread, idle, took = [], [], [], []
    try:
        start = time.perf_counter()
        cold = await watch.during(lambda: charts(renderer.render, ("activity",)))
        first = time.perf_counter() - start
        for _ in range(rounds):
            start = time.perf_counter()
            worker.append(await watch.during(lambda: charts(renderer.render)))
            took.append((time.perf_counter() - start) / len(CHART_KINDS))
            thread.append(await watch.during(lambda: charts(_in_thread)))
            idle.append(await watch.during(lambda: asyncio.sleep(took[-1] * len(CHART_KINDS))))
    finally:
        await renderer.close()
    print(f"first chart in the bot, its worker process started: {first:.2f} s,"
          f" loop blocked at most {cold * 1000:.1f} ms")  # fmt: skip

    def ms(values: list[float]) -> str:
        return (
            f"{max(values) * 1000:5.1f} ms (median round {statistics.median(values) * 1000:4.1f})"
        )

    per_chart = statistics.median(took) * 1000
    print(f"event loop blocked at most, {rounds} rounds of the 3 charts ({per_chart:.0f} ms a"
          f" chart with queries): worker process {ms(worker)} (target <= 50 ms);"
          f" drawn in a thread (baseline) {ms(thread)}; nothing drawn {ms(idle)};"
          f" ratio worker / thread {max(worker) / max(thread):.2f}")  # fmt: skip


async def _in_thread(data) -> None:
    await asyncio.to_thread(render_chart, data)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--charts-only", action="store_true", help="only the report and charts")
    parser.add_argument(
        "--db",
        metavar="postgresql://…",
        help="also run on PostgreSQL, in a scratch database created on this server",
    )
    args = parser.parse_args()
    for url in (None, args.db) if args.db else (None,):
        async with scratch(url) as where:
            print(f"== {where.label}")
            await run_on(args, where)
    print(LoopWatch.HOW)


async def run_on(args: argparse.Namespace, where: Scratch) -> None:
    settings = Settings(database=where.database)
    async with app_for(settings):  # schema and indexes, as the bot creates them
        pass
    start = time.perf_counter()
    if where.backend == "sqlite":
        now = generate(Path(where.database), args.rows, args.posts, args.members)
    else:
        now = await generate_pg(str(where.database), args.rows, args.posts, args.members)
    total = args.rows // args.posts * args.posts
    async with app_for(settings) as app:
        await app.stores.participation.rebuild_totals()
    print(f"generated {total:,} rows, {args.posts:,} posts, {args.members:,} members"
          f" in {time.perf_counter() - start:.1f} s")  # fmt: skip
    async with app_for(settings) as app:
        stores = app.stores
        await bench_reports(stores, now, total)
        await bench_charts(stores, now)
        await bench_chart_loop(stores, now)
        if not args.charts_only:
            await bench_export(stores, now, total, days_for_tenth=args.posts // CHANNELS // 10)
            await bench_writer(stores, args.posts)


if __name__ == "__main__":
    asyncio.run(main())
