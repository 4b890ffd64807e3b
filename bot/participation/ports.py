"""The storage participation needs: rows written and erased, opt-outs, read cursors, posts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.participation.types import ParticipationRow, PromptPost


class ParticipationRecords(Protocol):
    """Participation reads and writes: rows, opt-outs, read cursors and posted prompts."""

    async def record_many(self, rows: Sequence[ParticipationRow]) -> int: ...

    async def delete_message(self, message_id: int) -> int:
        """Remove the answer stored for a deleted message; returns rows removed."""

    async def delete_reaction(self, message_id: int, member_id: int) -> int: ...

    async def delete_reactions(self, message_id: int) -> int: ...

    async def forget(
        self, guild_id: int, member_id: int, queued_reactions: Iterable[int] = ()
    ) -> int: ...

    async def reactions_not_recovered(self) -> set[int]:
        """Posts whose reactions must not be read back from Discord (see ``forget``)."""

    async def purge_older_than(self, cutoff: int) -> int: ...

    async def opt_out(self, guild_id: int, member_id: int, now: int) -> None:
        """Stop recording a member in a server (idempotent; keeps the first opt-out time)."""

    async def opt_in(self, guild_id: int, member_id: int) -> None:
        """Record a member again; their opt-out record is deleted."""

    async def is_opted_out(self, guild_id: int, member_id: int) -> bool: ...

    def opted_out_cached(self, guild_id: int) -> set[int] | None:
        """The server's opted-out members if already read (the live set), else None."""

    async def opted_out_members(self, guild_id: int) -> set[int]: ...

    async def rebuild_totals(self) -> None: ...

    async def advance_cursors(self, seen: dict[int, int]) -> None: ...

    async def cursors(self) -> dict[int, int]: ...

    async def posted_prompt(
        self, *, post_id: int | None = None, message_id: int | None = None
    ) -> PromptPost | None: ...

    async def open_posts(self, posted_since: int) -> list[PromptPost]: ...
