"""What the backends share that is not SQL: writing participation in chunks (a refused chunk
retried row by row), the opted-out members read once per server, a report window cut into
whole days and the partial days at its ends, and the records built from rows.

Each backend passes in its own statements; nothing here knows which database runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from bot.facilitation.types import OpenThread, Step
from bot.participation.types import ParticipationRow

log = logging.getLogger(__name__)

DAY = 86_400
QUARTER = 900  # every timezone in use is a whole number of quarter-hours off UTC

# Where a member's id is still kept on purpose after ``forget`` in one server: their rows in
# other servers, an opt-out (it is what honours the request), links to anonymous answers in
# other servers, a moderator's decisions. While it is kept there, no erasure of its copies
# elsewhere is needed (the id is in the database anyway).
KEPT_ON_PURPOSE = (
    ("participation", "member_id"),
    ("opt_outs", "member_id"),
    ("anonymous_answers", "member_id"),
    ("suggestions", "member_id"),
    ("suggestions", "decided_by"),
    ("draft_decisions", "decided_by"),
)


async def record_in_chunks(
    rows: Sequence[ParticipationRow],
    insert: Callable[[Sequence[ParticipationRow]], Awaitable[int]],
    refused: type[Exception] | tuple[type[Exception], ...],
    chunk: int,
) -> int:
    """Insert ``rows`` ``chunk`` at a time with ``insert`` (one statement, hence one
    transaction, returning the rows that were new); a chunk refused as a whole (``refused``: a
    row pointing at a deleted post) is retried row by row, so the valid rows are kept."""
    written = 0
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        try:
            written += await insert(part)
        except refused:
            for row in part:
                try:
                    written += await insert([row])
                except refused as exc:
                    log.warning("dropped participation row for post %s: %s", row.post_id, exc)
    return written


class OptedOut:
    """The opted-out members of each server: read once with ``read``, then served from
    memory, so the writer drops their rows early (the hot path of every answer). The sets are
    live: ``add``/``discard`` keep them true after this process's own opt-outs and opt-ins.

    Only an early filter: another process on the same database changes ``opt_outs`` without
    telling this one, so the participation insert itself leaves out opted-out members and
    ``is_opted_out`` asks the database."""

    def __init__(self, read: Callable[[int], Awaitable[set[int]]]) -> None:
        self._read = read
        self._members: dict[int, set[int]] = {}
        self._loading = asyncio.Lock()

    def note(self, guild_id: int, member_id: int, opted_out: bool) -> None:
        """What the database said of one member, kept in the server's set if it was read."""
        cached = self._members.get(guild_id)
        if cached is not None:
            (cached.add if opted_out else cached.discard)(member_id)

    def cached(self, guild_id: int) -> set[int] | None:
        return self._members.get(guild_id)

    async def members(self, guild_id: int) -> set[int]:
        cached = self._members.get(guild_id)
        if cached is not None:
            return cached
        async with self._loading:  # a burst of first answers reads the table once
            cached = self._members.get(guild_id)
            if cached is None:
                cached = self._members[guild_id] = await self._read(guild_id)
        return cached


Totals = tuple[int, int]


async def window_kind_totals(
    rows: Callable[[int, int], Awaitable[Totals]],
    days: Callable[[int, int], Awaitable[Totals]],
    since: int,
    now: int,
) -> Totals:
    """(answers, reactions) created in ``[since, now)``: whole UTC days from the day totals
    (``days(first_day, last_day)``), the partial days at either end counted from the rows
    (``rows(since, now)``)."""
    first, last = -(-since // DAY), now // DAY  # whole days: first <= day < last
    if first >= last:
        return await rows(since, now)
    whole = await days(first, last)
    head = await rows(since, first * DAY)
    tail = await rows(last * DAY, now)
    answers, reactions = (int(a + b + c) for a, b, c in zip(whole, head, tail, strict=True))
    return answers, reactions


def open_thread(row: Sequence[Any]) -> OpenThread:
    """An open thread from its row (post id, guild, channel, thread, prompt, posted at,
    answers, last answer at or 0, sensitive flag)."""
    return OpenThread(
        row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]), row[7] or None, bool(row[8])
    )


def quarter_buckets(rows: Sequence[Sequence[Any]]) -> list[tuple[int, int]]:
    """(quarter-hour start, count) from rows of (quarter-hour number, count)."""
    return [(q * QUARTER, n) for q, n in rows]


def per_span(found: dict[int, int], spans: int) -> list[int]:
    """One figure per span, in order, 0 where the query found nothing."""
    return [found.get(i, 0) for i in range(spans)]


def steps_by_post(rows: Iterable[Sequence[Any]]) -> dict[int, list[Step]]:
    """Thread steps read as ``Step`` fields (post first), grouped by post in the order read."""
    found: dict[int, list[Step]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(Step(*row))
    return found
