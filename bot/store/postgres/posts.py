"""Prompt posts on PostgreSQL: claims, outcomes and what has been posted (the same contract as
``bot.store.sqlite.posts``, whose module text describes a post's life). A slot is claimed by
the unique (channel, slot) row: of two processes inserting it at once, the server lets one
win and the other's ``ON CONFLICT DO NOTHING`` returns no id."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from bot.posting.types import HistoryEntry, PostRecord
from bot.store.postgres.queries import Queries
from bot.store.sqlite.posts import POST_COLUMNS, post_record

log = logging.getLogger(__name__)


class PostStore(Queries):
    """The posts table: claims, their outcomes, and what the rotation counts as used."""

    # --- claiming and outcomes -------------------------------------------------------------

    async def claim_slot(self, guild_id: int, channel_id: int, slot: int, now: int) -> int | None:
        """Claim a scheduled slot; the post id, or None if it was already claimed (by anyone)."""
        token = secrets.token_hex(16)
        row = await self._one(
            "INSERT INTO posts (guild_id, channel_id, slot, kind, status, claimed_at, claim_token)"
            " VALUES ($1, $2, $3, 'scheduled', 'claimed', $4, $5)"
            " ON CONFLICT (channel_id, slot) DO NOTHING RETURNING id",
            guild_id,
            channel_id,
            slot,
            now,
            token,
        )
        if row is None:  # claimed before; by this call if its first try's answer was lost
            row = await self._one(
                "SELECT id FROM posts WHERE channel_id = $1 AND slot = $2 AND claim_token = $3",
                channel_id,
                slot,
                token,
            )
        return None if row is None else int(row[0])

    async def claim_manual(self, guild_id: int, channel_id: int, now: int) -> int:
        """Claim a moderator's post-now (no slot; never conflicts)."""
        row = await self._one(
            "INSERT INTO posts (guild_id, channel_id, slot, kind, status, claimed_at)"
            " VALUES ($1, $2, NULL, 'manual', 'claimed', $3) RETURNING id",
            guild_id,
            channel_id,
            now,
        )
        if row is None:
            raise RuntimeError("the claim was not inserted")
        return int(row[0])

    async def mark_sensitive(self, post_id: int) -> None:
        """The post is made as a heavy topic whatever its prompt file says."""
        await self._write("UPDATE posts SET sensitive = 1 WHERE id = $1", post_id)

    async def set_prompt(self, post_id: int, prompt_id: str, theme_id: str) -> None:
        """Record the prompt chosen for a claim, before anything is sent."""
        await self._write(
            "UPDATE posts SET prompt_id = $1, theme_id = $2 WHERE id = $3",
            prompt_id,
            theme_id,
            post_id,
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
            "status = 'posted', prompt_id = $1, theme_id = $2, message_id = $3, thread_id = $4,"
            " posted_at = $5, error = NULL",
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
        return await self._settle("status = 'failed', error = $1", (error,), post_id, claimed_at)

    async def _settle(
        self,
        columns: str,
        values: tuple[Any, ...],
        post_id: int,
        claimed_at: int | None,
        *,
        unowned: int | None = None,
    ) -> bool:
        """``columns`` use $1…$n for ``values``; the conditions take the numbers after."""
        params: list[Any] = [*values, post_id]
        sql = f"UPDATE posts SET {columns} WHERE id = ${len(params)} AND status = 'claimed'"
        if claimed_at is not None:
            params.append(claimed_at)
            sql += f" AND claimed_at = ${len(params)}"
        if unowned is not None:  # no other post holds this message
            params.append(unowned)
            sql += (
                f" AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.message_id = ${len(params)}"
                " AND o.id != posts.id)"
            )
        changed = await self._write(sql, *params) == 1
        if not changed:
            log.warning(
                "post %s: its claim was settled or taken over elsewhere; left as is", post_id
            )
        return changed

    async def mark_skipped(self, post_id: int, now: int) -> None:
        """Record the post as skipped (paused channel, a moderator's skip, missed slot)."""
        log.info("post %s skipped at %s", post_id, now)
        await self._write("UPDATE posts SET status = 'skipped' WHERE id = $1", post_id)

    # --- reading ---------------------------------------------------------------------------

    async def post(self, post_id: int) -> PostRecord | None:
        row = await self._one(f"SELECT {POST_COLUMNS} FROM posts WHERE id = $1", post_id)
        return post_record(row) if row is not None else None

    async def previous_prompt(self, post: PostRecord) -> PostRecord | None:
        """The channel's prompt (scheduled or a moderator's) posted last before ``post``."""
        row = await self._one(
            f"SELECT {POST_COLUMNS} FROM posts WHERE channel_id = $1 AND id != $2"
            " AND status = 'posted' AND message_id IS NOT NULL"
            " AND (posted_at < $3 OR (posted_at = $3 AND id < $2))"
            " ORDER BY posted_at DESC, id DESC LIMIT 1",
            post.channel_id,
            post.id,
            post.posted_at,
        )
        return post_record(row) if row is not None else None

    async def history(self, channel_id: int) -> list[HistoryEntry]:
        """What the rotation counts as used in this channel, oldest first."""
        rows = await self._all(
            "SELECT prompt_id, theme_id, COALESCE(posted_at, claimed_at) AS at FROM posts"
            " WHERE channel_id = $1 AND prompt_id IS NOT NULL"
            " AND status IN ('posted', 'skipped', 'claimed') ORDER BY at, id",
            channel_id,
        )
        return [HistoryEntry(*r) for r in rows]

    async def last_slot(self, channel_id: int) -> int | None:
        """The latest slot claimed in the channel (None: none yet)."""
        return await self._scalar("SELECT MAX(slot) FROM posts WHERE channel_id = $1", channel_id)

    async def posted_since(self, since: int) -> list[PostRecord]:
        """Prompts posted at or after ``since`` (Unix seconds) with a thread, oldest first."""
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts WHERE status = 'posted' AND posted_at >= $1"
            " AND thread_id IS NOT NULL ORDER BY posted_at, id",
            since,
        )
        return [post_record(r) for r in rows]

    async def post_by_message(self, message_id: int) -> PostRecord | None:
        row = await self._one(
            f"SELECT {POST_COLUMNS} FROM posts WHERE message_id = $1 ORDER BY id LIMIT 1",
            message_id,
        )
        return post_record(row) if row is not None else None
