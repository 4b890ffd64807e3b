"""Report and export queries over participation in PostgreSQL (read-only). Times are Unix
seconds, UTC; the same figures as ``bot.store.sqlite.reports``.

A window is ``since <= created_at < now``. Posts count for a window when posted inside it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from bot.reports.types import MemberRow, PostAnswers, PromptFigures, WindowTotals
from bot.store.postgres.queries import Queries
from bot.store.postgres.starters import StarterStore
from bot.store.records import window_kind_totals

_WINDOW = "guild_id = $1 AND created_at >= $2 AND created_at < $3"

_RAW_TOTALS = f"""
SELECT count(*) FILTER (WHERE kind = 'answer'), count(*) FILTER (WHERE kind = 'reaction')
FROM participation WHERE {_WINDOW}"""

_DAY_TOTALS = """
SELECT coalesce(sum(n) FILTER (WHERE kind = 'answer'), 0)::bigint,
       coalesce(sum(n) FILTER (WHERE kind = 'reaction'), 0)::bigint
FROM participation_day_totals WHERE guild_id = $1 AND day >= $2 AND day < $3"""

# New members come from each member's first time (``participation_first_seen``, kept by the
# migrations' triggers): an index range, whatever the window. Active members, with few rows in
# the window: its distinct members (a hash of the window's index entries). With many: each
# member seen before the window's end, active if first seen inside it or, else, if one index
# descent finds a row of theirs in it (work bounded by the members, not the rows). A descent
# was measured to cost about as much as hashing ten rows (1,000,000 rows, 20,000 members), so
# the rows are hashed while they number fewer than ten per member first seen before the window.
SMALL_WINDOW = 50_000
ROWS_PER_DESCENT = 10
_EARLIER = "SELECT count(*) FROM participation_first_seen WHERE guild_id = $1 AND first_at < $2"
_PROBE = f"SELECT count(*) FROM (SELECT 1 FROM participation WHERE {_WINDOW} LIMIT $4) AS w"

_NEW_MEMBERS = """
SELECT count(*) FROM participation_first_seen
WHERE guild_id = $1 AND first_at >= $2 AND first_at < $3"""

_MEMBERS_BY_ROWS = f"""
SELECT (SELECT count(*) FROM (SELECT DISTINCT member_id FROM participation WHERE {_WINDOW}) a),
       ({_NEW_MEMBERS})"""

_MEMBERS_BY_MEMBER = """
SELECT count(*), count(*) FILTER (WHERE f.first_at >= $2)
FROM participation_first_seen f
WHERE f.guild_id = $1 AND f.first_at < $3 AND (f.first_at >= $2 OR EXISTS (
    SELECT 1 FROM participation p WHERE p.guild_id = $1 AND p.member_id = f.member_id
    AND p.created_at >= $2 AND p.created_at < $3))"""

_POST_ANSWERS = """
SELECT po.id, po.prompt_id, coalesce(po.theme_id, ''), coalesce(t.answers, 0)
FROM posts po LEFT JOIN participation_post_totals t ON t.post_id = po.id
WHERE po.guild_id = $1 AND po.status = 'posted' AND po.prompt_id IS NOT NULL
  AND po.posted_at >= $2 AND po.posted_at < $3
ORDER BY po.id"""

_PROMPT = """
SELECT count(DISTINCT po.id), min(po.posted_at), max(po.posted_at),
       count(p.id) FILTER (WHERE p.kind = 'answer'), count(p.id) FILTER (WHERE p.kind = 'reaction'),
       count(DISTINCT p.member_id), (avg(p.length) FILTER (WHERE p.kind = 'answer'))::float8
FROM posts po LEFT JOIN participation p ON p.post_id = po.id
WHERE po.guild_id = $1 AND po.prompt_id = $2 AND po.status = 'posted'"""

_MEMBER = """
SELECT p.post_id, p.prompt_id, p.theme_id, p.kind, po.channel_id, po.kind, p.created_at
FROM participation p JOIN posts po ON po.id = p.post_id
WHERE p.guild_id = $1 AND p.member_id = $2"""

# A member's anonymous answers, for their own eyes only (never in a moderator's report).
_MEMBER_WITH_ANONYMOUS = f"""
({_MEMBER} ORDER BY p.created_at)
UNION ALL
(SELECT a.post_id, po.prompt_id, coalesce(po.theme_id, ''), 'answer', po.channel_id, po.kind,
       a.created_at
FROM anonymous_answers a JOIN posts po ON po.id = a.post_id
WHERE a.guild_id = $1 AND a.member_id = $2 AND a.counted = 1 ORDER BY a.created_at)"""

# Every relayed answer counts, whether or not its author is counted or still linked (see
# ``bot.store.sqlite.reports``).
_WINDOW_ANONYMOUS = (
    "SELECT count(*) FROM anonymous_answers"
    " WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3"
)

_PROMPT_ANONYMOUS = (
    "SELECT count(*) FROM anonymous_answers a JOIN posts po ON po.id = a.post_id"
    " WHERE a.guild_id = $1 AND po.prompt_id = $2"
)

_EXPORT = """
SELECT p.post_id, p.prompt_id, p.theme_id, po.channel_id, po.thread_id, p.member_id, p.kind,
       p.message_id, p.created_at, p.length, 0
FROM participation p JOIN posts po ON po.id = p.post_id
WHERE p.guild_id = $1 AND p.created_at >= $2"""

# Anonymous answers are exported without their member, merged in time order; all of them,
# counted or not, for the reason given in ``anonymous_answers``.
_ANONYMOUS = "FROM anonymous_answers a WHERE a.guild_id = $1 AND a.created_at >= $2"
_EXPORT_WITH_ANONYMOUS = (
    _EXPORT
    + """
UNION ALL
SELECT a.post_id, po.prompt_id, coalesce(po.theme_id, ''), po.channel_id, po.thread_id, NULL,
       'answer', a.message_id, a.created_at, a.length, 1
FROM anonymous_answers a JOIN posts po ON po.id = a.post_id
WHERE a.guild_id = $1 AND a.created_at >= $2"""
)

_SCHEDULED = (
    "SELECT id FROM posts WHERE channel_id = $1 AND status = 'posted' AND kind = 'scheduled'"
    " ORDER BY posted_at, id"
)


class ReportsStore(Queries):
    """Read-only report queries over the pool; each returns a typed record
    (``bot.reports.types``)."""

    async def _totals(self, sql: str, *args: Any) -> tuple:
        """The one row of an aggregate query."""
        row = await self._one(sql, *args)
        if row is None:
            raise RuntimeError("an aggregate query returned no row")
        return tuple(row)

    async def kind_totals(self, guild_id: int, since: int, now: int) -> tuple[int, int]:
        """(answers, reactions) created in the window: whole UTC days from the day totals, the
        partial days at either end counted from the rows."""

        async def rows(s: int, n: int) -> tuple[int, int]:
            answers, reactions = await self._totals(_RAW_TOTALS, guild_id, s, n)
            return answers, reactions

        async def days(s: int, n: int) -> tuple[int, int]:
            answers, reactions = await self._totals(_DAY_TOTALS, guild_id, s, n)
            return answers, reactions

        return await window_kind_totals(rows, days, since, now)

    async def member_totals(
        self, guild_id: int, since: int, now: int, small_window: int | None = None
    ) -> tuple[int, int]:
        """(active members, new members) in the window; new = first participation ever in it.
        Active members are counted from the window's rows while they number fewer than
        ``small_window`` (by default whichever costs less), else member by member."""
        if small_window is None:
            earlier = int(await self._scalar(_EARLIER, guild_id, since))
            small_window = max(SMALL_WINDOW, ROWS_PER_DESCENT * earlier)
        (rows,) = await self._totals(_PROBE, guild_id, since, now, small_window)
        sql = _MEMBERS_BY_ROWS if rows < small_window else _MEMBERS_BY_MEMBER
        active, new = await self._totals(sql, guild_id, since, now)
        return active, new

    async def window_totals(self, guild_id: int, since: int, now: int) -> WindowTotals:
        """Answers, reactions, active and new members in the window."""
        answers, reactions = await self.kind_totals(guild_id, since, now)
        active, new = await self.member_totals(guild_id, since, now)
        return WindowTotals(answers, reactions, active, new)

    async def post_answers(self, guild_id: int, since: int, now: int) -> list[PostAnswers]:
        """Each post posted in the window with its answers so far."""
        rows = await self._all(_POST_ANSWERS, guild_id, since, now)
        return [PostAnswers(*row) for row in rows]

    async def prompt_figures(self, guild_id: int, prompt_id: str) -> PromptFigures:
        """All-time figures of one prompt in a server."""
        return PromptFigures(*await self._totals(_PROMPT, guild_id, prompt_id))

    async def member_rows(
        self, guild_id: int, member_id: int, include_anonymous: bool = False
    ) -> list[MemberRow]:
        """Each of a member's participation rows with its post's channel and kind; their
        anonymous answers too only with ``include_anonymous`` (the member's own view)."""
        sql = _MEMBER_WITH_ANONYMOUS if include_anonymous else _MEMBER + " ORDER BY p.created_at"
        return [MemberRow(*row) for row in await self._all(sql, guild_id, member_id)]

    async def anonymous_answers(self, guild_id: int, since: int, now: int) -> int:
        """Anonymous answers in the window, all of them (no member: never linked in reports)."""
        return int(await self._scalar(_WINDOW_ANONYMOUS, guild_id, since, now))

    async def starters(self, guild_id: int, since: int, now: int) -> int:
        """Conversation starters asked for with /starter in the window (not posts: a kind of
        their own, never in the post counts or the rankings)."""
        return await StarterStore(self.db).count(guild_id, since, now)

    async def prompt_anonymous_answers(self, guild_id: int, prompt_id: str) -> int:
        """Anonymous answers on one prompt in a server, all of them."""
        return int(await self._scalar(_PROMPT_ANONYMOUS, guild_id, prompt_id))

    async def scheduled_posts(self, channel_id: int) -> list[int]:
        """Ids of a channel's posted scheduled prompts, oldest first (the streak sequence)."""
        return [post_id for (post_id,) in await self._all(_SCHEDULED, channel_id)]

    async def export_rows(
        self, guild_id: int, since: int, batch: int = 2000
    ) -> AsyncIterator[Sequence[Sequence]]:
        """Rows as sequences in ``EXPORT_COLUMNS`` order, oldest first, ``batch`` at a time
        (memory stays flat: a server-side cursor, read in one transaction)."""
        (anonymous,) = await self._totals(f"SELECT EXISTS (SELECT 1 {_ANONYMOUS})", guild_id, since)
        sql = (_EXPORT_WITH_ANONYMOUS if anonymous else _EXPORT) + " ORDER BY 9"
        async with self.db.connection() as con, con.transaction():
            cursor = await con.cursor(sql, guild_id, since)
            while rows := await cursor.fetch(batch):
                yield rows
