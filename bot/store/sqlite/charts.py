"""Chart queries (read-only). Each reads the report totals or the entries of the window in the
participation indexes, never the whole table. Times are Unix seconds, UTC."""

from __future__ import annotations

import json

from bot.store.records import QUARTER, per_span, quarter_buckets
from bot.store.sqlite.queries import Queries

_WINDOW = "guild_id = :g AND created_at >= :s AND created_at < :n"

# Rows per quarter-hour and kind, from the covering index on (guild_id, created_at, kind, ...).
_BUCKETS = f"""
SELECT created_at / {QUARTER}, kind, count(*) FROM participation INDEXED BY participation_window
WHERE {_WINDOW} GROUP BY 1, 2"""

# Every relayed anonymous answer, as the text reports count them (never linked to a member).
_ANONYMOUS_BUCKETS = f"""
SELECT created_at / {QUARTER}, count(*) FROM anonymous_answers
INDEXED BY anonymous_answers_window WHERE {_WINDOW} GROUP BY 1"""

# Distinct members per day, each day a range of the covering index.
_ACTIVE_PER_DAY = """
SELECT d.key, (SELECT count(DISTINCT member_id) FROM participation
               INDEXED BY participation_window
               WHERE guild_id = :g AND created_at >= json_extract(d.value, '$[0]')
                 AND created_at < json_extract(d.value, '$[1]'))
FROM json_each(:days) AS d"""

_POSTED = """
SELECT posted_at FROM posts
WHERE guild_id = :g AND status = 'posted' AND prompt_id IS NOT NULL
  AND posted_at >= :s AND posted_at < :n"""

_SCHEDULED_SLOTS = """
SELECT slot FROM posts
WHERE guild_id = :g AND status = 'posted' AND kind = 'scheduled' AND slot IS NOT NULL
  AND slot >= :s AND slot < :n"""

# Each member's first answer to each prompt posted in the window, when it came within
# ``:within`` seconds of the post, counted per quarter-hour: the rows of those posts only (the
# posts first, then each one's entries of the post index; CROSS JOIN keeps that order).
_FIRST_ANSWERS = f"""
SELECT first / {QUARTER}, count(*) FROM (
SELECT min(p.created_at) AS first
FROM posts po CROSS JOIN participation p INDEXED BY participation_post
  ON p.post_id = po.id AND p.kind = 'answer'
WHERE po.guild_id = :g AND po.status = 'posted' AND po.prompt_id IS NOT NULL
  AND po.posted_at >= :s AND po.posted_at < :n
  AND p.created_at >= po.posted_at AND p.created_at < po.posted_at + :within
GROUP BY po.id, p.member_id)
GROUP BY 1"""


class ChartsStore(Queries):
    """The figures behind the charts (``bot.charts.data`` builds them into chart data)."""

    async def buckets(self, guild_id: int, since: int, now: int) -> list[tuple[int, str, int]]:
        """(quarter-hour start, kind, rows) of participation created in the window."""
        rows = await self._all(_BUCKETS, {"g": guild_id, "s": since, "n": now})
        return [(q * QUARTER, kind, n) for q, kind, n in rows]

    async def anonymous_buckets(self, guild_id: int, since: int, now: int) -> list[tuple[int, int]]:
        """(quarter-hour start, anonymous answers) in the window."""
        rows = await self._all(_ANONYMOUS_BUCKETS, {"g": guild_id, "s": since, "n": now})
        return quarter_buckets(rows)

    async def active_members(self, guild_id: int, days: list[tuple[int, int]]) -> list[int]:
        """Distinct members with any participation in each ``[start, end)`` span, in order."""
        if not days:
            return []
        rows = await self._all(_ACTIVE_PER_DAY, {"g": guild_id, "days": json.dumps(days)})
        return per_span({int(k): n for k, n in rows}, len(days))

    async def posted_times(self, guild_id: int, since: int, now: int) -> list[int]:
        """When each prompt posted in the window was posted."""
        rows = await self._all(_POSTED, {"g": guild_id, "s": since, "n": now})
        return [at for (at,) in rows]

    async def scheduled_slots(self, guild_id: int, since: int, now: int) -> list[int]:
        """Slot times of the scheduled prompts posted for slots in the window."""
        rows = await self._all(_SCHEDULED_SLOTS, {"g": guild_id, "s": since, "n": now})
        return [slot for (slot,) in rows]

    async def first_answers(
        self, guild_id: int, since: int, now: int, within: int
    ) -> list[tuple[int, int]]:
        """(quarter-hour start, first answers): each member's first answer to each prompt
        posted in the window, when it came within ``within`` seconds of the post."""
        params = {"g": guild_id, "s": since, "n": now, "within": within}
        return quarter_buckets(await self._all(_FIRST_ANSWERS, params))
