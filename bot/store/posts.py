"""Posts and per-channel moderator state (pause, pending skips). Times are Unix seconds (UTC).

Life of a scheduled post: ``claim_slot`` (exactly one process wins the unique (channel, slot)
row) → ``set_prompt`` (the chosen prompt is recorded before anything is sent, so a crash between
claim and post can be recovered with the same prompt) → ``mark_posted`` / ``mark_failed`` /
``mark_skipped``.

Crash recovery: ``stale_claims`` lists claims that never got a message; the scheduler
(``bot.posting_recovery``) resolves each with ``take_retry`` (one more attempt, once) /
``adopt_claim`` (Discord already holds the message) / ``fail_interrupted`` /
``skip_interrupted``: conditional updates on the claim time, so only one process wins each.

History (``history``) is what the rotation counts as used: posted posts, plus skipped ones that
had a prompt recorded (a moderator skipped a slot after its prompt was chosen: the skip moves the
rotation past that prompt). Skips requested in advance consume no prompt.
"""

from __future__ import annotations

import logging

import aiosqlite

from bot.rotation import HistoryEntry

log = logging.getLogger(__name__)

_POST = "SELECT * FROM posts"


class PostStore:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def _one(self, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, params) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _write(self, sql: str, params: tuple) -> int:
        async with self.db.execute(sql, params) as cur:
            return cur.rowcount

    # --- claiming and outcomes -------------------------------------------------------------

    async def claim_slot(self, guild_id: int, channel_id: int, slot: int, now: int) -> int | None:
        """Claim a scheduled slot; the post id, or None if it was already claimed (by anyone)."""
        async with self.db.execute(
            "INSERT INTO posts (guild_id, channel_id, slot, kind, status, claimed_at)"
            " VALUES (?, ?, ?, 'scheduled', 'claimed', ?)"
            " ON CONFLICT (channel_id, slot) DO NOTHING",
            (guild_id, channel_id, slot, now),
        ) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def claim_manual(self, guild_id: int, channel_id: int, now: int) -> int:
        """Claim a moderator's post-now (no slot; never conflicts)."""
        async with self.db.execute(
            "INSERT INTO posts (guild_id, channel_id, slot, kind, status, claimed_at)"
            " VALUES (?, ?, NULL, 'manual', 'claimed', ?)",
            (guild_id, channel_id, now),
        ) as cur:
            return cur.lastrowid

    async def set_prompt(self, post_id: int, prompt_id: str, theme_id: str) -> None:
        await self._write(
            "UPDATE posts SET prompt_id = ?, theme_id = ? WHERE id = ?",
            (prompt_id, theme_id, post_id),
        )

    async def mark_posted(
        self,
        post_id: int,
        prompt_id: str,
        theme_id: str,
        message_id: int,
        thread_id: int | None,
        now: int,
    ) -> None:
        await self._write(
            "UPDATE posts SET status = 'posted', prompt_id = ?, theme_id = ?, message_id = ?,"
            " thread_id = ?, posted_at = ?, error = NULL WHERE id = ?",
            (prompt_id, theme_id, message_id, thread_id, now, post_id),
        )

    async def mark_failed(self, post_id: int, error: str, now: int) -> None:
        log.info("post %s failed at %s: %s", post_id, now, error)
        await self._write(
            "UPDATE posts SET status = 'failed', error = ? WHERE id = ?", (error, post_id)
        )

    async def mark_skipped(self, post_id: int, now: int) -> None:
        log.info("post %s skipped at %s", post_id, now)
        await self._write("UPDATE posts SET status = 'skipped' WHERE id = ?", (post_id,))

    # --- crash recovery --------------------------------------------------------------------

    async def stale_claims(self, older_than: int) -> list[aiosqlite.Row]:
        """Claims made before ``older_than`` that never got a message (interrupted posts)."""
        return await self._all(
            _POST + " WHERE status = 'claimed' AND message_id IS NULL AND claimed_at < ?"
            " ORDER BY id",
            (older_than,),
        )

    async def take_retry(self, post_id: int, claimed_at: int, now: int) -> bool:
        """Hand an interrupted claim out for its one retry; False if another process took it
        (or it was retried already)."""
        changed = await self._write(
            "UPDATE posts SET attempts = attempts + 1, claimed_at = ?"
            " WHERE id = ? AND status = 'claimed' AND attempts < 1 AND claimed_at = ?",
            (now, post_id, claimed_at),
        )
        return changed == 1

    async def adopt_claim(self, post_id: int, claimed_at: int, now: int) -> bool:
        """Take over an interrupted claim to complete it (its message was found); False if
        another process took it first."""
        changed = await self._write(
            "UPDATE posts SET claimed_at = ?"
            " WHERE id = ? AND status = 'claimed' AND claimed_at = ?",
            (now, post_id, claimed_at),
        )
        return changed == 1

    async def fail_interrupted(self, post_id: int, claimed_at: int, error: str) -> bool:
        """Mark an interrupted claim failed; False if another process resolved it first."""
        changed = await self._write(
            "UPDATE posts SET status = 'failed', error = ?"
            " WHERE id = ? AND status = 'claimed' AND claimed_at = ?",
            (error, post_id, claimed_at),
        )
        return changed == 1

    async def skip_interrupted(self, post_id: int, claimed_at: int) -> bool:
        """Mark an interrupted claim skipped (its channel is paused); False if resolved already."""
        changed = await self._write(
            "UPDATE posts SET status = 'skipped' WHERE id = ? AND status = 'claimed'"
            " AND claimed_at = ?",
            (post_id, claimed_at),
        )
        return changed == 1

    # --- reading ---------------------------------------------------------------------------

    async def post(self, post_id: int) -> aiosqlite.Row | None:
        return await self._one(_POST + " WHERE id = ?", (post_id,))

    async def history(self, channel_id: int) -> list[HistoryEntry]:
        """What the rotation counts as used in this channel, oldest first."""
        rows = await self._all(
            "SELECT prompt_id, theme_id, COALESCE(posted_at, claimed_at) AS at FROM posts"
            " WHERE channel_id = ? AND prompt_id IS NOT NULL"
            " AND (status = 'posted' OR status = 'skipped') ORDER BY at, id",
            (channel_id,),
        )
        return [HistoryEntry(r["prompt_id"], r["theme_id"], r["at"]) for r in rows]

    async def last_slot(self, channel_id: int) -> int | None:
        row = await self._one("SELECT MAX(slot) FROM posts WHERE channel_id = ?", (channel_id,))
        return row[0]

    async def post_by_message(self, message_id: int) -> aiosqlite.Row | None:
        return await self._one(_POST + " WHERE message_id = ?", (message_id,))

    async def post_by_thread(self, thread_id: int) -> aiosqlite.Row | None:
        return await self._one(_POST + " WHERE thread_id = ?", (thread_id,))

    async def open_posts(self, since: int) -> list[aiosqlite.Row]:
        """Posted posts with a thread, posted at or after ``since``, oldest first."""
        return await self._all(
            _POST + " WHERE status = 'posted' AND thread_id IS NOT NULL AND posted_at >= ?"
            " ORDER BY posted_at, id",
            (since,),
        )

    # --- moderator controls ----------------------------------------------------------------

    async def set_paused(self, guild_id: int, channel_id: int, paused: bool, now: int) -> None:
        await self._write(
            "INSERT INTO channel_state (channel_id, guild_id, paused, updated_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel_id) DO UPDATE SET paused = excluded.paused,"
            " updated_at = excluded.updated_at",
            (channel_id, guild_id, int(paused), now),
        )

    async def is_paused(self, channel_id: int) -> bool:
        row = await self._one(
            "SELECT paused FROM channel_state WHERE channel_id = ?", (channel_id,)
        )
        return bool(row and row[0])

    async def request_skip(self, guild_id: int, channel_id: int, now: int) -> int:
        """Skip one more upcoming scheduled post; returns how many skips are now pending."""
        await self._write(
            "INSERT INTO channel_state (channel_id, guild_id, skip_next, updated_at)"
            " VALUES (?, ?, 1, ?) ON CONFLICT (channel_id) DO UPDATE"
            " SET skip_next = skip_next + 1, updated_at = excluded.updated_at",
            (channel_id, guild_id, now),
        )
        return await self.pending_skips(channel_id)

    async def pending_skips(self, channel_id: int) -> int:
        row = await self._one(
            "SELECT skip_next FROM channel_state WHERE channel_id = ?", (channel_id,)
        )
        return row[0] if row else 0

    async def take_skip(self, channel_id: int) -> bool:
        """Consume one pending skip, atomically; True if there was one."""
        changed = await self._write(
            "UPDATE channel_state SET skip_next = skip_next - 1"
            " WHERE channel_id = ? AND skip_next > 0",
            (channel_id,),
        )
        return changed == 1
