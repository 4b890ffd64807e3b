"""Resolving claims a crash left without a message; times are Unix seconds (UTC).

``stale_claims`` lists them; the scheduler's ``bot.posting.recovery.Recovery`` resolves each with
``take_retry`` (one more attempt, once) / ``adopt_claim`` (Discord already holds the message) /
``fail_interrupted`` / ``skip_interrupted``. Each is an update conditional on the claim time the
caller read, so only one process wins each claim.
"""

from __future__ import annotations

from bot.posting.types import PostRecord
from bot.store.sqlite.posts import POST_COLUMNS, post_record
from bot.store.sqlite.queries import Queries


class InterruptedClaims(Queries):
    async def stale_claims(self, older_than: int) -> list[PostRecord]:
        """Claims made before ``older_than`` that never got a message (interrupted posts)."""
        rows = await self._all(
            f"SELECT {POST_COLUMNS} FROM posts"
            " WHERE status = 'claimed' AND message_id IS NULL AND claimed_at < ? ORDER BY id",
            (older_than,),
        )
        return [post_record(r) for r in rows]

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
