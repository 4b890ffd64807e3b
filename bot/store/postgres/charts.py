"""Chart queries in PostgreSQL (read-only), the same figures as ``bot.store.sqlite.charts``:
each reads the entries of the window in the participation indexes, never the whole table.
Times are Unix seconds, UTC."""

from __future__ import annotations

from bot.store.postgres.queries import Queries
from bot.store.records import QUARTER, per_span, quarter_buckets

_WINDOW = "guild_id = $1 AND created_at >= $2 AND created_at < $3"

# Rows per quarter-hour and kind (integer division: the quarter-hour's number).
_BUCKETS = f"""
SELECT created_at / {QUARTER}, kind, count(*) FROM participation
WHERE {_WINDOW} GROUP BY 1, 2"""

# Every relayed anonymous answer, as the text reports count them (never linked to a member).
_ANONYMOUS_BUCKETS = f"""
SELECT created_at / {QUARTER}, count(*) FROM anonymous_answers WHERE {_WINDOW} GROUP BY 1"""

# Distinct members per span, each span a range of the window index; spans numbered from 0.
_ACTIVE_PER_DAY = """
SELECT d.i - 1, (SELECT count(DISTINCT member_id) FROM participation
                 WHERE guild_id = $1 AND created_at >= d.start AND created_at < d.stop)
FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS d(start, stop, i)"""

_POSTED = """
SELECT posted_at FROM posts
WHERE guild_id = $1 AND status = 'posted' AND prompt_id IS NOT NULL
  AND posted_at >= $2 AND posted_at < $3"""

_SCHEDULED_SLOTS = """
SELECT slot FROM posts
WHERE guild_id = $1 AND status = 'posted' AND kind = 'scheduled' AND slot IS NOT NULL
  AND slot >= $2 AND slot < $3"""

# Each member's first answer to each prompt posted in the window, when it came within ``$4``
# seconds of the post, counted per quarter-hour: the posts first, then each one's rows.
_FIRST_ANSWERS = f"""
SELECT first / {QUARTER}, count(*) FROM (
SELECT min(p.created_at) AS first
FROM posts po JOIN participation p ON p.post_id = po.id AND p.kind = 'answer'
WHERE po.guild_id = $1 AND po.status = 'posted' AND po.prompt_id IS NOT NULL
  AND po.posted_at >= $2 AND po.posted_at < $3
  AND p.created_at >= po.posted_at AND p.created_at < po.posted_at + $4
GROUP BY po.id, p.member_id) AS firsts
GROUP BY 1"""


class ChartsStore(Queries):
    """The figures behind the charts (``bot.charts.data`` builds them into chart data)."""

    async def buckets(self, guild_id: int, since: int, now: int) -> list[tuple[int, str, int]]:
        """(quarter-hour start, kind, rows) of participation created in the window."""
        rows = await self._all(_BUCKETS, guild_id, since, now)
        return [(q * QUARTER, kind, n) for q, kind, n in rows]

    async def anonymous_buckets(self, guild_id: int, since: int, now: int) -> list[tuple[int, int]]:
        """(quarter-hour start, anonymous answers) in the window."""
        return quarter_buckets(await self._all(_ANONYMOUS_BUCKETS, guild_id, since, now))

    async def active_members(self, guild_id: int, days: list[tuple[int, int]]) -> list[int]:
        """Distinct members with any participation in each ``[start, end)`` span, in order."""
        if not days:
            return []
        starts, stops = [start for start, _ in days], [stop for _, stop in days]
        rows = await self._all(_ACTIVE_PER_DAY, guild_id, starts, stops)
        return per_span({int(i): n for i, n in rows}, len(days))

    async def posted_times(self, guild_id: int, since: int, now: int) -> list[int]:
        """When each prompt posted in the window was posted."""
        return [at for (at,) in await self._all(_POSTED, guild_id, since, now)]

    async def scheduled_slots(self, guild_id: int, since: int, now: int) -> list[int]:
        """Slot times of the scheduled prompts posted for slots in the window."""
        return [slot for (slot,) in await self._all(_SCHEDULED_SLOTS, guild_id, since, now)]

    async def first_answers(
        self, guild_id: int, since: int, now: int, within: int
    ) -> list[tuple[int, int]]:
        """(quarter-hour start, first answers): each member's first answer to each prompt
        posted in the window, when it came within ``within`` seconds of the post."""
        return quarter_buckets(await self._all(_FIRST_ANSWERS, guild_id, since, now, within))
