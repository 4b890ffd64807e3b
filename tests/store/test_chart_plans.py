"""The chart queries' plans on SQLite: each reads participation through an index."""

import sqlite3

from bot.store.sqlite import charts
from tests.chart_world import G, seed


async def test_no_chart_query_reads_the_whole_participation_table(db_path):
    await seed(db_path)
    con = sqlite3.connect(db_path)
    params = {"g": G, "s": 0, "n": 1, "within": 1, "days": "[[0, 1]]"}
    for name in ("_BUCKETS", "_ANONYMOUS_BUCKETS", "_ACTIVE_PER_DAY", "_FIRST_ANSWERS"):
        sql = "EXPLAIN QUERY PLAN " + getattr(charts, name)
        plan = [row[3] for row in con.execute(sql, params)]
        tables = ("participation", "anonymous_answers", " p ")
        reads = [step for step in plan if any(t in step + " " for t in tables)]
        assert reads and all(step.startswith("SEARCH") for step in reads), (name, plan)
    con.close()
