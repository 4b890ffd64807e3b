"""The storage facilitation needs: the steps of prompt threads and the answers that time them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.facilitation.types import OpenThread, Step


class FacilitationRecords(Protocol):
    """Steps of prompt threads, open threads, first answers and the counts."""

    async def open_threads(
        self, channel_ids: Iterable[int], since: int, post_ids: Iterable[int] | None = None
    ) -> list[OpenThread]: ...

    async def steps(self, post_ids: Iterable[int]) -> dict[int, list[Step]]:
        """Each post's steps, in order."""

    async def claim(
        self, post_id: int, number: int, kind: str, followup: int | None, answers: int, now: int
    ) -> bool:
        """Claim step ``number`` of a post; False if it (or the post's nudge) is taken."""

    async def mark_sent(
        self, post_id: int, number: int, message_id: int, now: int, claimed_at: int
    ) -> bool: ...

    async def mark_failed(self, post_id: int, number: int, now: int, claimed_at: int) -> bool: ...

    async def stale(self, before: int) -> list[Step]: ...

    async def retake(self, post_id: int, number: int, claimed_at: int, now: int) -> bool:
        """Take over an interrupted claim; False if another process did first."""

    async def first_answer(self, guild_id: int, member_id: int) -> int | None:
        """The message id of the member's earliest recorded answer in the server."""

    async def answers_per_post(
        self, guild_id: int, channel_ids: Iterable[int], since: int
    ) -> tuple[int, int]: ...

    async def nudges(self, guild_id: int, since: int) -> tuple[int, int]: ...
