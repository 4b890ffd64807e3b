"""Thread steps (paced follow-ups and nudges) and the reads facilitation needs. Times are Unix
seconds (UTC).

A step is claimed by inserting its row (unique per post and number, and one nudge per post)
before anything is sent: exactly one process wins it. ``mark_sent`` / ``mark_failed`` record the
outcome only while the claim is still the one the caller holds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from bot.facilitation.types import OpenThread, Step
from bot.store.records import open_thread, steps_by_post
from bot.store.sqlite.queries import Queries

_STEP_COLUMNS = (
    "post_id, number, kind, followup, answers_seen, status, claimed_at, sent_at, message_id"
)

# Posted prompts with a thread, in the given channels, posted at or after a time, with their
# recorded answers (anonymous ones included) and the time of the last one.
_OPEN_THREADS = """
SELECT p.id, p.guild_id, p.channel_id, p.thread_id, p.prompt_id, p.posted_at,
       coalesce(t.answers, 0)
         + (SELECT count(*) FROM anonymous_answers a WHERE a.post_id = p.id),
       max(coalesce((SELECT max(created_at) FROM participation r
                     WHERE r.post_id = p.id AND r.kind = 'answer'), 0),
           coalesce((SELECT max(created_at) FROM anonymous_answers a WHERE a.post_id = p.id), 0)),
       p.sensitive
FROM posts p LEFT JOIN participation_post_totals t ON t.post_id = p.id
WHERE p.status = 'posted' AND p.thread_id IS NOT NULL AND p.prompt_id IS NOT NULL
  AND p.posted_at >= ? AND p.channel_id IN (SELECT value FROM json_each(?))
"""


class FacilitationStore(Queries):
    """Steps of prompt threads, open threads with their answers, first answers, and the counts
    of the server report."""

    async def open_threads(
        self, channel_ids: Iterable[int], since: int, post_ids: Iterable[int] | None = None
    ) -> list[OpenThread]:
        """Threads of posts in ``channel_ids`` posted at or after ``since`` (only ``post_ids``
        when given)."""
        sql, params = _OPEN_THREADS, [since, json.dumps(list(channel_ids))]
        if post_ids is not None:
            sql += " AND p.id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(post_ids)))
        rows = await self._all(sql + " ORDER BY p.id", tuple(params))
        return [open_thread(r) for r in rows]

    async def steps(self, post_ids: Iterable[int]) -> dict[int, list[Step]]:
        """Each post's steps, in order."""
        rows = await self._all(
            f"SELECT {_STEP_COLUMNS} FROM thread_steps"
            " WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, number",
            (json.dumps(list(post_ids)),),
        )
        return steps_by_post(rows)

    async def claim(
        self, post_id: int, number: int, kind: str, followup: int | None, answers: int, now: int
    ) -> bool:
        """Claim step ``number`` of a post; False if it (or the post's nudge) is taken."""
        try:
            changed = await self._write(
                "INSERT INTO thread_steps"
                " (post_id, number, kind, followup, answers_seen, status, claimed_at)"
                " VALUES (?, ?, ?, ?, ?, 'claimed', ?) ON CONFLICT DO NOTHING",
                (post_id, number, kind, followup, answers, now),
            )
        except sqlite3.IntegrityError:  # the post is gone
            return False
        return changed == 1

    async def mark_sent(
        self, post_id: int, number: int, message_id: int, now: int, claimed_at: int
    ) -> bool:
        return (
            await self._write(
                "UPDATE thread_steps SET status = 'sent', sent_at = ?, message_id = ?"
                " WHERE post_id = ? AND number = ? AND status = 'claimed' AND claimed_at = ?",
                (now, message_id, post_id, number, claimed_at),
            )
            == 1
        )

    async def mark_failed(self, post_id: int, number: int, now: int, claimed_at: int) -> bool:
        return (
            await self._write(
                "UPDATE thread_steps SET status = 'failed', sent_at = ?"
                " WHERE post_id = ? AND number = ? AND status = 'claimed' AND claimed_at = ?",
                (now, post_id, number, claimed_at),
            )
            == 1
        )

    async def stale(self, before: int) -> list[Step]:
        """Claims made before ``before`` whose message is not recorded (a crash, an outage)."""
        rows = await self._all(
            f"SELECT {_STEP_COLUMNS} FROM thread_steps"
            " WHERE status = 'claimed' AND claimed_at < ? ORDER BY post_id, number",
            (before,),
        )
        return [Step(*r) for r in rows]

    async def retake(self, post_id: int, number: int, claimed_at: int, now: int) -> bool:
        """Take over an interrupted claim; False if another process did first."""
        return (
            await self._write(
                "UPDATE thread_steps SET claimed_at = ?"
                " WHERE post_id = ? AND number = ? AND status = 'claimed' AND claimed_at = ?",
                (now, post_id, number, claimed_at),
            )
            == 1
        )

    # --- welcome ---------------------------------------------------------------------------

    async def first_answer(self, guild_id: int, member_id: int) -> int | None:
        """The message id of the member's earliest recorded answer in the server."""
        row = await self._one(
            "SELECT message_id FROM participation WHERE guild_id = ? AND member_id = ?"
            " AND kind = 'answer' ORDER BY created_at, message_id LIMIT 1",
            (guild_id, member_id),
        )
        return row[0] if row else None

    # --- the server report -----------------------------------------------------------------

    async def answers_per_post(
        self, guild_id: int, channel_ids: Iterable[int], since: int
    ) -> tuple[int, int]:
        """(posts, answers) of the prompts posted in ``channel_ids`` at or after ``since``,
        anonymous answers included."""
        row = await self._one(
            "SELECT count(*), coalesce(sum(coalesce(t.answers, 0)"
            " + (SELECT count(*) FROM anonymous_answers a WHERE a.post_id = p.id)), 0)"
            " FROM posts p LEFT JOIN participation_post_totals t ON t.post_id = p.id"
            " WHERE p.guild_id = ? AND p.status = 'posted' AND p.posted_at >= ?"
            " AND p.channel_id IN (SELECT value FROM json_each(?))",
            (guild_id, since, json.dumps(list(channel_ids))),
        )
        return (row[0], row[1]) if row else (0, 0)

    async def nudges(self, guild_id: int, since: int) -> tuple[int, int]:
        """(threads nudged, of those the ones that got a first answer after the nudge), for
        prompts posted at or after ``since``."""
        row = await self._one(
            "SELECT count(*), coalesce(sum(EXISTS ("
            "  SELECT 1 FROM participation r WHERE r.post_id = s.post_id AND r.kind = 'answer'"
            "  AND r.created_at >= s.sent_at) OR EXISTS ("
            "  SELECT 1 FROM anonymous_answers a WHERE a.post_id = s.post_id"
            "  AND a.created_at >= s.sent_at)), 0)"
            " FROM thread_steps s JOIN posts p ON p.id = s.post_id"
            " WHERE s.kind = 'nudge' AND s.status = 'sent' AND p.guild_id = ? AND p.posted_at >= ?",
            (guild_id, since),
        )
        return (row[0], row[1]) if row else (0, 0)
