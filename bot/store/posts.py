"""Prompt posts: claims, outcomes and what has been posted. Times are Unix seconds (UTC).

Life of a scheduled post: ``claim_slot`` (exactly one process wins the unique (channel, slot)
row) → ``set_prompt`` (the chosen prompt is recorded before anything is sent, so a crash between
claim and post can be recovered with the same prompt) → ``mark_posted`` / ``mark_failed`` /
``mark_skipped``. Posted and failed are recorded only while the claim is still open and, when the
caller passes the claim time it holds, still that claim: a pass that lost its claim to another
(which took it over as interrupted) changes nothing.

``PostStore`` also holds the steps that resolve claims a crash interrupted
(``bot.store.post_recovery``) and the channels' moderator state (``bot.store.channel_state``),
so the scheduler and commands work with one store over one connection.

History (``history``) is what the rotation counts as used: posted posts, claims whose prompt is
chosen but whose outcome is not recorded yet (the message may be in the channel already: a crash
between sending and recording must not let the next slot pick the same prompt), plus skipped
ones that had a prompt recorded (a moderator skipped a slot after its prompt was chosen: the skip
moves the rotation past that prompt). Skips requested in advance consume no prompt.

A message belongs to one post: ``mark_posted`` never records a message id another post holds.
"""

from __future__ import annotations

import logging

import aiosqlite

from bot.posting.rotation import HistoryEntry
from bot.store.channel_state import ChannelStateStore
from bot.store.post_recovery import ClaimRecovery

log = logging.getLogger(__name__)

_POST = "SELECT * FROM posts"


class PostStore(ClaimRecovery, ChannelStateStore):
    """Posts, their crash recovery and the channels' moderator state, on one connection."""

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
        *,
        claimed_at: int | None = None,
    ) -> bool:
        """Record the post's message; False (nothing changed) if the claim is no longer open, or
        no longer the one made at ``claimed_at`` (another pass took it over)."""
        return await self._settle(
            "status = 'posted', prompt_id = ?, theme_id = ?, message_id = ?, thread_id = ?,"
            " posted_at = ?, error = NULL",
            (prompt_id, theme_id, message_id, thread_id, now),
            post_id,
            claimed_at,
            unowned=message_id,
        )

    async def mark_failed(
        self, post_id: int, error: str, now: int, *, claimed_at: int | None = None
    ) -> bool:
        """Record the post as failed; False under the same conditions as ``mark_posted``."""
        log.info("post %s failed at %s: %s", post_id, now, error)
        return await self._settle("status = 'failed', error = ?", (error,), post_id, claimed_at)

    async def _settle(
        self,
        columns: str,
        values: tuple,
        post_id: int,
        claimed_at: int | None,
        *,
        unowned: int | None = None,
    ) -> bool:
        sql = f"UPDATE posts SET {columns} WHERE id = ? AND status = 'claimed'"
        params = (*values, post_id)
        if claimed_at is not None:
            sql, params = sql + " AND claimed_at = ?", (*params, claimed_at)
        if unowned is not None:  # no other post holds this message
            sql += " AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.message_id = ? AND o.id != ?)"
            params = (*params, unowned, post_id)
        changed = await self._write(sql, params) == 1
        if not changed:
            log.warning(
                "post %s: its claim was settled or taken over elsewhere; left as is", post_id
            )
        return changed

    async def mark_skipped(self, post_id: int, now: int) -> None:
        log.info("post %s skipped at %s", post_id, now)
        await self._write("UPDATE posts SET status = 'skipped' WHERE id = ?", (post_id,))

    # --- reading ---------------------------------------------------------------------------

    async def post(self, post_id: int) -> aiosqlite.Row | None:
        return await self._one(_POST + " WHERE id = ?", (post_id,))

    async def history(self, channel_id: int) -> list[HistoryEntry]:
        """What the rotation counts as used in this channel, oldest first."""
        rows = await self._all(
            "SELECT prompt_id, theme_id, COALESCE(posted_at, claimed_at) AS at FROM posts"
            " WHERE channel_id = ? AND prompt_id IS NOT NULL"
            " AND status IN ('posted', 'skipped', 'claimed') ORDER BY at, id",
            (channel_id,),
        )
        return [HistoryEntry(r["prompt_id"], r["theme_id"], r["at"]) for r in rows]

    async def last_slot(self, channel_id: int) -> int | None:
        row = await self._one("SELECT MAX(slot) FROM posts WHERE channel_id = ?", (channel_id,))
        return row[0]

    async def post_by_message(self, message_id: int) -> aiosqlite.Row | None:
        return await self._one(_POST + " WHERE message_id = ?", (message_id,))
