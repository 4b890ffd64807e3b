"""Prompt posts: claims, outcomes and what has been posted. Times are Unix seconds (UTC).

Life of a scheduled post: ``claim_slot`` (exactly one process wins the unique (channel, slot)
row) → ``set_prompt`` (the chosen prompt is recorded before anything is sent, so a crash between
claim and post can be recovered with the same prompt) → ``mark_posted`` / ``mark_failed`` /
``mark_skipped``. Posted and failed are recorded only while the claim is still open and, when the
caller passes the claim time it holds, still that claim: a pass that lost its claim to another
(which took it over as interrupted) changes nothing.

The steps that resolve claims a crash interrupted are ``post_recovery``, the channels'
moderator state ``channel_state``; ``PostingStores`` hands the three, over one
connection, to the posting service. Every read returns typed records (``bot.posting.types``).

History (``history``) is what the rotation counts as used: posted posts, claims whose prompt is
chosen but whose outcome is not recorded yet (the message may be in the channel already: a crash
between sending and recording must not let the next slot pick the same prompt), plus skipped
ones that had a prompt recorded (a moderator skipped a slot after its prompt was chosen: the skip
moves the rotation past that prompt). Skips requested in advance consume no prompt.

A message belongs to one post: ``mark_posted`` never records a message id another post holds.
"""

from __future__ import annotations

import logging

from bot.posting.types import HistoryEntry, PostRecord
from bot.store.sqlite.queries import Queries, Record

log = logging.getLogger(__name__)

POST_COLUMNS = (
    "id, guild_id, channel_id, slot, kind, status, prompt_id, theme_id, message_id, thread_id,"
    " claimed_at, posted_at, error, attempts"
)


def post_record(row: Record) -> PostRecord:
    """A row selected with ``POST_COLUMNS`` as a record."""
    return PostRecord(*row)


class PostStore(Queries):
    """The posts table: claims, their outcomes, and what the rotation counts as used."""

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
            if cur.lastrowid is None:
                raise RuntimeError("the claim was not inserted")
            return cur.lastrowid

    async def mark_sensitive(self, post_id: int) -> None:
        """The post is made as a heavy topic whatever its prompt file says."""
        await self._write("UPDATE posts SET sensitive = 1 WHERE id = ?", (post_id,))

    async def set_prompt(self, post_id: int, prompt_id: str, theme_id: str) -> None:
        """Record the prompt chosen for a claim, before anything is sent."""
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
        log.debug("post %s failed at %s: %s", post_id, now, error)  # the caller logs why
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
        """Record the post as skipped (paused channel, a moderator's skip, missed slot)."""
        log.info("post %s skipped at %s", post_id, now)
        await self._write("UPDATE posts SET status = 'skipped' WHERE id = ?", (post_id,))

    # --- reading ---------------------------------------------------------------------------

    async def post(self, post_id: int) -> PostRecord | None:
        row = await self._one(f"SELECT {POST_COLUMNS} FROM posts WHERE id = ?", (post_id,))
        return post_record(row) if row is not None else None

    async def previous_prompt(self, post: PostRecord) -> PostRecord | None:
        """The channel's prompt (scheduled or a moderator's) posted last before ``post``."""
        row = await self._one(
            f"SELECT {POST_COLUMNS} FROM posts WHERE channel_id = ? AND id != ?"
            " AND status = 'posted' AND message_id IS NOT NULL"
            " AND (posted_at < ? OR (posted_at = ? AND id < ?))"
            " ORDER BY posted_at DESC, id DESC LIMIT 1",
            (post.channel_id, post.id, post.posted_at, post.posted_at, post.id),
        )
        return post_record(row) if row is not None else None

    async def history(self, channel_id: int) -> list[HistoryEntry]:
        """What the rotation counts as used in this channel, oldest first."""
        rows = await self._all(
            "SELECT prompt_id, theme_id, COALESCE(posted_at, claimed_at) AS at FROM posts"
            " WHERE channel_id = ? AND prompt_id IS NOT NULL"
            " AND status IN ('posted', 'skipped', 'claimed') ORDER BY at, id",
            (channel_id,),
        )
        return [HistoryEntry(*r) for r in rows]

    async def last_slot(self, channel_id: int) -> int | None:
        """The latest slot claimed in the channel (None: none yet)."""
        return await self._scalar("SELECT MAX(slot) FROM posts WHERE channel_id = ?", (channel_id,))

    async def posted_since(self, since: int) -> list[PostRecord]:
        """Prompts posted at or after ``since`` (Unix seconds) with a thread, oldest first."""
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE status = 'posted' AND posted_at >= ?"
            " AND thread_id IS NOT NULL ORDER BY posted_at, id",
            (since,),
        )
        return [post_record(r) for r in rows]

    async def post_by_message(self, message_id: int) -> PostRecord | None:
        row = await self._one(
            f"SELECT {POST_COLUMNS} FROM posts WHERE message_id = ? ORDER BY id LIMIT 1",
            (message_id,),
        )
        return post_record(row) if row is not None else None
