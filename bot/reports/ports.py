"""The storage reports read: window totals, per-post and per-member figures, the export."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from bot.reports.types import MemberRow, PostAnswers, PromptFigures, WindowTotals


class ReportRecords(Protocol):
    """Read-only report queries; each window is ``[since, now)`` in Unix seconds."""

    async def kind_totals(self, guild_id: int, since: int, now: int) -> tuple[int, int]: ...

    async def member_totals(
        self, guild_id: int, since: int, now: int, small_window: int = ...
    ) -> tuple[int, int]: ...

    async def window_totals(self, guild_id: int, since: int, now: int) -> WindowTotals:
        """Answers, reactions, active and new members in the window."""

    async def post_answers(self, guild_id: int, since: int, now: int) -> list[PostAnswers]:
        """Each post posted in the window with its answers so far."""

    async def prompt_figures(self, guild_id: int, prompt_id: str) -> PromptFigures:
        """All-time figures of one prompt in a server."""

    async def member_rows(
        self, guild_id: int, member_id: int, include_anonymous: bool = False
    ) -> list[MemberRow]: ...

    async def anonymous_answers(self, guild_id: int, since: int, now: int) -> int: ...

    async def starters(self, guild_id: int, since: int, now: int) -> int: ...

    async def prompt_anonymous_answers(self, guild_id: int, prompt_id: str) -> int:
        """Anonymous answers on one prompt in a server, all of them."""

    async def scheduled_posts(self, channel_id: int) -> list[int]: ...

    def export_rows(
        self, guild_id: int, since: int, batch: int = 2000
    ) -> AsyncIterator[Sequence[Sequence]]: ...
