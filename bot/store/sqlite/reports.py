"""Report and export queries over participation (read-only). Times are Unix seconds, UTC.

A window is ``since <= created_at < now``. Posts count for a window when posted inside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from bot.reports.types import MemberRow, PostAnswers, PromptFigures, WindowTotals
from bot.store.records import window_kind_totals
from bot.store.sqlite.queries import Queries
from bot.store.sqlite.starters import StarterStore

_WINDOW = "guild_id = :g AND created_at >= :s AND created_at < :n"

_RAW_TOTALS = f"""
SELECT count(*) FILTER (WHERE kind = 'answer'), count(*) FILTER (WHERE kind = 'reaction')
FROM participation WHERE {_WINDOW}"""

_DAY_TOTALS = """
SELECT coalesce(sum(n) FILTER (WHERE kind = 'answer'), 0),
       coalesce(sum(n) FILTER (WHERE kind = 'reaction'), 0)
FROM participation_day_totals WHERE guild_id = :g AND day >= :s AND day < :n"""

# Few rows in the window: group them by member. Many: visit each member of the server instead
# (a handful of index seeks per member, whatever the number of rows).
SMALL_WINDOW = 50_000
_PROBE = f"SELECT count(*) FROM (SELECT 1 FROM participation WHERE {_WINDOW} LIMIT :limit)"

_NEW = """NOT EXISTS (SELECT 1 FROM participation p
    WHERE p.guild_id = :g AND p.member_id = active.member_id AND p.created_at < :s)"""

_MEMBERS_BY_ROWS = f"""
WITH active AS (
    SELECT member_id FROM participation INDEXED BY participation_window
    WHERE {_WINDOW} GROUP BY member_id)
SELECT count(*), count(*) FILTER (WHERE {_NEW}) FROM active"""

_MEMBERS_BY_MEMBER = f"""
WITH RECURSIVE m(member_id) AS (
    SELECT (SELECT min(member_id) FROM participation WHERE guild_id = :g)
    UNION ALL
    SELECT (SELECT p.member_id FROM participation p WHERE p.guild_id = :g
            AND p.member_id > m.member_id ORDER BY p.member_id LIMIT 1)
    FROM m WHERE m.member_id IS NOT NULL),
active AS (SELECT member_id FROM m WHERE member_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM participation p WHERE p.guild_id = :g AND p.member_id = m.member_id
    AND p.created_at >= :s AND p.created_at < :n))
SELECT count(*), count(*) FILTER (WHERE {_NEW}) FROM active"""

_POST_ANSWERS = """
SELECT po.id, po.prompt_id, coalesce(po.theme_id, ''), coalesce(t.answers, 0)
FROM posts po LEFT JOIN participation_post_totals t ON t.post_id = po.id
WHERE po.guild_id = :g AND po.status = 'posted' AND po.prompt_id IS NOT NULL
  AND po.posted_at >= :s AND po.posted_at < :n"""


_PROMPT = """
SELECT count(DISTINCT po.id), min(po.posted_at), max(po.posted_at),
       count(p.id) FILTER (WHERE p.kind = 'answer'), count(p.id) FILTER (WHERE p.kind = 'reaction'),
       count(DISTINCT p.member_id), avg(p.length) FILTER (WHERE p.kind = 'answer')
FROM posts po LEFT JOIN participation p ON p.post_id = po.id
WHERE po.guild_id = ? AND po.prompt_id = ? AND po.status = 'posted'"""

_MEMBER = """
SELECT p.post_id, p.prompt_id, p.theme_id, p.kind, po.channel_id, po.kind, p.created_at
FROM participation p JOIN posts po ON po.id = p.post_id
WHERE p.guild_id = ? AND p.member_id = ?"""

# A member's anonymous answers, for their own eyes only (never in a moderator's report).
_MEMBER_ANONYMOUS = """
UNION ALL
SELECT a.post_id, po.prompt_id, coalesce(po.theme_id, ''), 'answer', po.channel_id, po.kind,
       a.created_at
FROM anonymous_answers a JOIN posts po ON po.id = a.post_id
WHERE a.guild_id = ? AND a.member_id = ? AND a.counted = 1"""

# Every relayed answer counts, whether or not its author is counted or still linked: a figure
# that moved when a member opts out or erases their records would point at that member's answers.
_WINDOW_ANONYMOUS = (
    "SELECT count(*) FROM anonymous_answers"
    " WHERE guild_id = ? AND created_at >= ? AND created_at < ?"
)

_PROMPT_ANONYMOUS = (
    "SELECT count(*) FROM anonymous_answers a JOIN posts po ON po.id = a.post_id"
    " WHERE a.guild_id = ? AND po.prompt_id = ?"
)

_EXPORT = """
SELECT p.post_id, p.prompt_id, p.theme_id, po.channel_id, po.thread_id, p.member_id, p.kind,
       p.message_id, p.created_at, p.length, 0
FROM participation p JOIN posts po ON po.id = p.post_id
WHERE p.guild_id = :g AND p.created_at >= :s
ORDER BY p.created_at"""

# Anonymous answers are exported without their member, merged in time order (SQLite merges the
# two ordered halves without sorting; still dearer, so only used when there are some). All of
# them, counted or not, for the reason given in ``anonymous_answers``.
_ANONYMOUS = "FROM anonymous_answers a WHERE a.guild_id = :g AND a.created_at >= :s"
_EXPORT_WITH_ANONYMOUS = (
    _EXPORT.removesuffix("\nORDER BY p.created_at")
    + """
UNION ALL
SELECT a.post_id, po.prompt_id, coalesce(po.theme_id, ''), po.channel_id, po.thread_id, NULL,
       'answer', a.message_id, a.created_at, a.length, 1
FROM anonymous_answers a JOIN posts po ON po.id = a.post_id
WHERE a.guild_id = :g AND a.created_at >= :s
ORDER BY 9"""
)

_SCHEDULED = (
    "SELECT id FROM posts WHERE channel_id = ? AND status = 'posted' AND kind = 'scheduled'"
    " ORDER BY posted_at, id"
)


# Export rows read per trip to the connection's thread. sqlite3 builds each row there (two
# tracked objects: the row and its values). While more than the collector's first generation
# (700 objects) is alive at once, each of its runs promotes the batch's rows, and the promoted
# rows soon set off full collections: a walk over every object of the process, in that thread,
# holding the interpreter lock, so the event loop waits (10-40 ms each, measured; 1,000 such
# runs for a million rows read 2,000 at a time). 300 rows are freed before the first
# generation fills: no collection at all, and the export measured no slower.
EXPORT_BATCH = 300


class ReportsStore(Queries):
    """Read-only report queries on an open ``aiosqlite`` connection (``open_database``); each
    returns a typed record (``bot.reports.types``)."""

    async def _totals(self, sql: str, params: dict | tuple) -> tuple:
        """The one row of an aggregate query."""
        row = await self._one(sql, params)
        if row is None:
            raise RuntimeError("an aggregate query returned no row")
        return tuple(row)

    async def kind_totals(self, guild_id: int, since: int, now: int) -> tuple[int, int]:
        """(answers, reactions) created in the window: whole UTC days from the day totals, the
        partial days at either end counted from the rows."""
        g = guild_id

        async def rows(s: int, n: int) -> tuple[int, int]:
            answers, reactions = await self._totals(_RAW_TOTALS, {"g": g, "s": s, "n": n})
            return answers, reactions

        async def days(s: int, n: int) -> tuple[int, int]:
            answers, reactions = await self._totals(_DAY_TOTALS, {"g": g, "s": s, "n": n})
            return answers, reactions

        return await window_kind_totals(rows, days, since, now)

    async def member_totals(
        self, guild_id: int, since: int, now: int, small_window: int = SMALL_WINDOW
    ) -> tuple[int, int]:
        """(active members, new members) in the window; new = first participation ever in it."""
        params = {"g": guild_id, "s": since, "n": now}
        (rows,) = await self._totals(_PROBE, {**params, "limit": small_window})
        sql = _MEMBERS_BY_ROWS if rows < small_window else _MEMBERS_BY_MEMBER
        active, new = await self._totals(sql, params)
        return active, new

    async def window_totals(self, guild_id: int, since: int, now: int) -> WindowTotals:
        """Answers, reactions, active and new members in the window."""
        answers, reactions = await self.kind_totals(guild_id, since, now)
        active, new = await self.member_totals(guild_id, since, now)
        return WindowTotals(answers, reactions, active, new)

    async def post_answers(self, guild_id: int, since: int, now: int) -> list[PostAnswers]:
        """Each post posted in the window with its answers so far."""
        rows = await self._all(_POST_ANSWERS, {"g": guild_id, "s": since, "n": now})
        return [PostAnswers(*row) for row in rows]

    async def prompt_figures(self, guild_id: int, prompt_id: str) -> PromptFigures:
        """All-time figures of one prompt in a server."""
        return PromptFigures(*await self._totals(_PROMPT, (guild_id, prompt_id)))

    async def member_rows(
        self, guild_id: int, member_id: int, include_anonymous: bool = False
    ) -> list[MemberRow]:
        """Each of a member's participation rows with its post's channel and kind; their
        anonymous answers too only with ``include_anonymous`` (the member's own view)."""
        params: tuple[int, ...]
        sql, params = _MEMBER, (guild_id, member_id)
        if include_anonymous:  # the member's rows, then their anonymous answers
            params = (guild_id, member_id, guild_id, member_id)
            sql = sql + _MEMBER_ANONYMOUS
        return [MemberRow(*row) for row in await self._all(sql, params)]

    async def anonymous_answers(self, guild_id: int, since: int, now: int) -> int:
        """Anonymous answers in the window, all of them (no member: never linked in reports)."""
        return (await self._totals(_WINDOW_ANONYMOUS, (guild_id, since, now)))[0]

    async def starters(self, guild_id: int, since: int, now: int) -> int:
        """Conversation starters asked for with /starter in the window (not posts: a kind of
        their own, never in the post counts or the rankings)."""
        return await StarterStore(self.db).count(guild_id, since, now)

    async def prompt_anonymous_answers(self, guild_id: int, prompt_id: str) -> int:
        """Anonymous answers on one prompt in a server, all of them."""
        return (await self._totals(_PROMPT_ANONYMOUS, (guild_id, prompt_id)))[0]

    async def scheduled_posts(self, channel_id: int) -> list[int]:
        """Ids of a channel's posted scheduled prompts, oldest first (the streak sequence)."""
        return [post_id for (post_id,) in await self._all(_SCHEDULED, (channel_id,))]

    async def export_rows(
        self, guild_id: int, since: int, batch: int = EXPORT_BATCH
    ) -> AsyncIterator[Sequence[Sequence]]:
        """Rows as sequences in ``EXPORT_COLUMNS`` order, oldest first, ``batch`` at a time
        (memory stays flat; see ``EXPORT_BATCH`` for the size)."""
        params = {"g": guild_id, "s": since}
        (anonymous,) = await self._totals(f"SELECT EXISTS (SELECT 1 {_ANONYMOUS})", params)
        async with self.db.execute(_EXPORT_WITH_ANONYMOUS if anonymous else _EXPORT, params) as cur:
            while rows := await cur.fetchmany(batch):
                yield list(rows)
