"""The storage anonymous answers need: the links to their authors, the kill switch, the relays
being posted and the hourly limit."""

from __future__ import annotations

from typing import Protocol

from bot.anonymity.types import AnonymousAnswer, PendingRelay, PostTarget


class AnonymousLinks(Protocol):
    """Relayed anonymous answers linked to their authors, and each server's kill switch."""

    async def post_target(self, post_id: int) -> PostTarget | None: ...

    async def record(self, answer: AnonymousAnswer) -> None: ...

    async def answer(self, message_id: int) -> AnonymousAnswer | None: ...

    async def delete(self, message_ids: list[int]) -> int:
        """Forget relayed messages that were deleted (by their author or a moderator)."""

    async def delete_in_channel(self, channel_id: int) -> int:
        """Forget every relayed message of a deleted thread."""

    async def recent_count(self, guild_id: int, member_id: int, since: int) -> int:
        """The member's anonymous answers in a server after ``since`` (the rate limit)."""

    async def member_answers(self, guild_id: int, member_id: int) -> list[AnonymousAnswer]: ...

    async def forget(self, guild_id: int, member_id: int) -> int: ...

    async def uncount(self, guild_id: int, member_id: int) -> int: ...

    async def purge_older_than(self, cutoff: int) -> int:
        """Retention: links created before ``cutoff`` (Unix seconds) are deleted."""

    async def stop(self, guild_id: int, moderator_id: int, now: int) -> bool:
        """Turn the server's kill switch on; False if it already was."""

    async def resume(self, guild_id: int) -> bool:
        """Turn the kill switch off; False if it was not on."""

    async def is_stopped(self, guild_id: int) -> bool: ...


class RelayRecords(Protocol):
    """Anonymous answers being posted, and what counts toward the hourly limit."""

    async def used(self, guild_id: int, member_id: int, since: int) -> int: ...

    async def expire(self, since: int) -> int:
        """Finished relays older than ``since`` no longer count toward the limit: deleted."""

    async def reserve(
        self, relay: PendingRelay, *, since: int, limit: int
    ) -> PendingRelay | None: ...

    async def pending_of(self, guild_id: int, member_id: int, post_id: int) -> list[PendingRelay]:
        """The member's unfinished relays to one post, oldest first."""

    async def pending_before(self, before: int) -> list[PendingRelay]:
        """Unfinished relays started at or before ``before``, oldest first."""

    async def link(self, relay: PendingRelay, message_id: int, counted: bool, now: int) -> None: ...

    async def finish(self, relay_id: int, message_id: int) -> None: ...

    async def posted_of(
        self, guild_id: int, member_id: int, post_id: int, since: int
    ) -> list[tuple[int, str, str]]:
        """The member's answers to one post relayed after ``since`` and not deleted: (message
        id, token, digest), newest first."""

    async def release(self, relay_id: int) -> bool:
        """Nothing was posted: the relay is dropped and no longer counts toward the limit."""

    async def forget_token(self, relay_id: int) -> None:
        """The member was told (or can no longer be): the interaction's token is not kept."""

    async def link_of(self, message_id: int) -> AnonymousAnswer | None: ...
