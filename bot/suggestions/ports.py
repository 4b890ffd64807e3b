"""The storage suggestions need: members' suggestions, their decisions and the drafts' claims."""

from __future__ import annotations

from typing import Protocol

from bot.suggestions.types import Limits, Suggestion


class SuggestionRecords(Protocol):
    """Members' suggestions, from pending to decided, withdrawn or erased."""

    async def add(
        self,
        guild_id: int,
        member_id: int,
        question: str,
        theme_id: str | None,
        note: str | None,
        credit_name: str | None,
        now: int,
        limits: Limits,
    ) -> int | None:
        """Store a pending suggestion unless the member is at a limit; its id, or None."""

    async def counts(self, guild_id: int, member_id: int, now: int) -> tuple[int, int]:
        """(pending, suggested in the last 24 hours) for one member."""

    async def get(self, suggestion_id: int) -> Suggestion | None: ...

    async def of_member(self, guild_id: int, member_id: int) -> list[Suggestion]: ...

    async def pending(self, guild_id: int, now: int) -> list[Suggestion]:
        """Suggestions waiting for a decision, oldest first (stale claims included)."""

    async def withdraw(self, suggestion_id: int, member_id: int, now: int) -> bool: ...

    async def edit(
        self, suggestion_id: int, question: str, followups: tuple[str, ...], theme_id: str | None
    ) -> bool: ...

    async def claim(self, suggestion_id: int, moderator_id: int, now: int) -> bool:
        """Start deciding; False when another decision was made or is being made."""

    async def release(self, suggestion_id: int) -> None:
        """The decision could not be written: the suggestion is pending again."""

    async def finish(
        self, suggestion_id: int, status: str, reason: str | None, prompt_id: str | None
    ) -> None: ...

    async def forget(self, guild_id: int, member_id: int) -> list[Suggestion]:
        """Erase every suggestion of the member; returns what was erased."""

    async def set_card(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """Remember the mod-log card that announced the suggestion (an erase edits it)."""

    async def claim_draft(self, prompt_id: str, moderator_id: int, now: int) -> bool: ...

    async def draft_claimed_at(self, prompt_id: str) -> int | None:
        """When the draft's decision was claimed (None: no claim)."""

    async def release_draft(self, prompt_id: str) -> None: ...
