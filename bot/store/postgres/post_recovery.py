"""Resolving claims a crash left without a message, on PostgreSQL (the same contract as
``bot.store.sqlite.post_recovery``): each step is an update conditional on the claim time the
caller read, so only one process wins each claim."""

from __future__ import annotations

from bot.posting.types import PostRecord
from bot.store.postgres.queries import Queries
from bot.store.sqlite.posts import POST_COLUMNS, post_record


class InterruptedClaims(Queries):
    async def stale_claims(self, older_than: int) -> list[PostRecord]:
        """Claims made before ``older_than`` that never got a message (interrupted posts)."""
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts"
            " WHERE status = 'claimed' AND message_id IS NULL AND claimed_at < $1 ORDER BY id",
            older_than,
        )
        return [post_record(r) for r in rows]

    async def take_retry(self, post_id: int, claimed_at: int, now: int) -> bool:
        """Hand an interrupted claim out for its one retry; False if another process took it
        (or it was retried already)."""
        changed = await self._write(
            "UPDATE posts SET attempts = attempts + 1, claimed_at = $1"
            " WHERE id = $2 AND status = 'claimed' AND attempts < 1 AND claimed_at = $3",
            now,
            post_id,
            claimed_at,
        )
        return changed == 1

    async def adopt_claim(self, post_id: int, claimed_at: int, now: int) -> bool:
        """Take over an interrupted claim to complete it (its message was found); False if
        another process took it first."""
        changed = await self._write(
            "UPDATE posts SET claimed_at = $1 WHERE id = $2 AND status = 'claimed'"
            " AND claimed_at = $3",
            now,
            post_id,
            claimed_at,
        )
        return changed == 1

    async def fail_interrupted(self, post_id: int, claimed_at: int, error: str) -> bool:
        """Mark an interrupted claim failed; False if another process resolved it first."""
        changed = await self._write(
            "UPDATE posts SET status = 'failed', error = $1"
            " WHERE id = $2 AND status = 'claimed' AND claimed_at = $3",
            error,
            post_id,
            claimed_at,
        )
        return changed == 1

    async def skip_interrupted(self, post_id: int, claimed_at: int) -> bool:
        """Mark an interrupted claim skipped (its channel is paused); False if resolved already."""
        changed = await self._write(
            "UPDATE posts SET status = 'skipped' WHERE id = $1 AND status = 'claimed'"
            " AND claimed_at = $2",
            post_id,
            claimed_at,
        )
        return changed == 1
