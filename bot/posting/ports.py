"""The storage the posting feature needs: its posts and their claims, the resolution of claims
that were interrupted, and each channel's moderator state. ``bot.store`` implements them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.posting.types import HistoryEntry, PostRecord


class PostRecords(Protocol):
    """The posts table: claims, their outcomes, and what the rotation counts as used."""

    async def claim_slot(
        self, guild_id: int, channel_id: int, slot: int, now: int
    ) -> int | None: ...

    async def claim_manual(self, guild_id: int, channel_id: int, now: int) -> int:
        """Claim a moderator's post-now (no slot; never conflicts)."""

    async def mark_sensitive(self, post_id: int) -> None:
        """The post is made as a heavy topic whatever its prompt file says."""

    async def set_prompt(self, post_id: int, prompt_id: str, theme_id: str) -> None:
        """Record the prompt chosen for a claim, before anything is sent."""

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
    ) -> bool: ...

    async def mark_failed(
        self, post_id: int, error: str, now: int, *, claimed_at: int | None = None
    ) -> bool:
        """Record the post as failed; False under the same conditions as ``mark_posted``."""

    async def mark_skipped(self, post_id: int, now: int) -> None:
        """Record the post as skipped (paused channel, a moderator's skip, missed slot)."""

    async def post(self, post_id: int) -> PostRecord | None: ...

    async def previous_prompt(self, post: PostRecord) -> PostRecord | None:
        """The channel's prompt (scheduled or a moderator's) posted last before ``post``."""

    async def history(self, channel_id: int) -> list[HistoryEntry]:
        """What the rotation counts as used in this channel, oldest first."""

    async def last_slot(self, channel_id: int) -> int | None:
        """The latest slot claimed in the channel (None: none yet)."""

    async def posted_since(self, since: int) -> list[PostRecord]: ...

    async def post_by_message(self, message_id: int) -> PostRecord | None: ...


class ChannelStates(Protocol):
    """Each channel's moderator state: paused, skips to take, the low-pool notice."""

    async def set_paused(self, guild_id: int, channel_id: int, paused: bool, now: int) -> None: ...

    async def is_paused(self, channel_id: int) -> bool: ...

    async def request_skip(self, guild_id: int, channel_id: int, now: int) -> int:
        """Skip one more upcoming scheduled post; returns how many skips are now pending."""

    async def pending_skips(self, channel_id: int) -> int: ...

    async def take_skip(self, channel_id: int) -> bool:
        """Consume one pending skip, atomically; True if there was one."""

    async def claim_low_pool_notice(
        self, guild_id: int, channel_id: int, cycle: int, now: int
    ) -> bool: ...


class ClaimResolution(Protocol):
    """Claims that never got a message: retried once, adopted, or resolved."""

    async def stale_claims(self, older_than: int) -> list[PostRecord]:
        """Claims made before ``older_than`` that never got a message (interrupted posts)."""

    async def take_retry(self, post_id: int, claimed_at: int, now: int) -> bool: ...

    async def adopt_claim(self, post_id: int, claimed_at: int, now: int) -> bool: ...

    async def fail_interrupted(self, post_id: int, claimed_at: int, error: str) -> bool:
        """Mark an interrupted claim failed; False if another process resolved it first."""

    async def skip_interrupted(self, post_id: int, claimed_at: int) -> bool: ...


@dataclass(frozen=True)
class PostingStores:
    """The posting feature's stores, handed together to the posting service."""

    posts: PostRecords
    claims: ClaimResolution
    channels: ChannelStates
