"""The storage /starter needs: starters asked for, per channel and per guild."""

from __future__ import annotations

from typing import Protocol


class StarterRecords(Protocol):
    """Starters asked for, with each channel's cooldown and each prompt's last use."""

    async def claim(
        self, guild_id: int, channel_id: int, prompt_id: str, theme_id: str, now: int, cooldown: int
    ) -> int | None: ...

    async def replace(
        self, starter_id: int, prompt_id: str, theme_id: str, now: int
    ) -> int | None: ...

    async def starter(self, starter_id: int) -> tuple[int, int, str] | None:
        """(guild id, channel id, prompt id) of a starter."""

    async def last_asked(self, channel_id: int) -> int | None:
        """When the channel's latest starter was asked for (not counting "Another one")."""

    async def last_uses(self, channel_id: int) -> dict[str, int]: ...

    async def count(self, guild_id: int, since: int, now: int) -> int: ...
