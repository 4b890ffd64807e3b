"""The storage charts read: participation in quarter-hour buckets, members, posting times."""

from __future__ import annotations

from typing import Protocol


class ChartRecords(Protocol):
    """The figures behind the charts (``bot.charts.data`` builds them into chart data)."""

    async def buckets(self, guild_id: int, since: int, now: int) -> list[tuple[int, str, int]]:
        """(quarter-hour start, kind, rows) of participation created in the window."""

    async def anonymous_buckets(self, guild_id: int, since: int, now: int) -> list[tuple[int, int]]:
        """(quarter-hour start, anonymous answers) in the window."""

    async def active_members(self, guild_id: int, days: list[tuple[int, int]]) -> list[int]: ...

    async def posted_times(self, guild_id: int, since: int, now: int) -> list[int]:
        """When each prompt posted in the window was posted."""

    async def scheduled_slots(self, guild_id: int, since: int, now: int) -> list[int]:
        """Slot times of the scheduled prompts posted for slots in the window."""

    async def first_answers(
        self, guild_id: int, since: int, now: int, within: int
    ) -> list[tuple[int, int]]: ...
