"""What the anonymous-answer feature keeps and decides on (immutable values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# ``anonymous_answers`` in a guild's config: nowhere, on every prompt, or on sensitive ones only.
AnonymousMode = Literal["off", "all", "sensitive"]

UNLINKED = 0  # ``member_id`` of an answer whose author erased the link (no Discord id is 0)


@dataclass(frozen=True, slots=True)
class AnonymousAnswer:
    """A relayed answer: the message the bot posted and the member it came from (the link)."""

    message_id: int
    guild_id: int
    post_id: int
    channel_id: int  # where the relayed message is (the prompt's thread)
    member_id: int
    counted: bool  # counts as the member's own participation (False when opted out)
    created_at: int  # Unix seconds, UTC
    length: int

    @property
    def linked(self) -> bool:
        """Whether the answer still leads to its author (False once they erased the link)."""
        return self.member_id != UNLINKED


@dataclass(frozen=True, slots=True)
class PostTarget:
    """Where a prompt post collects answers."""

    post_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class PendingRelay:
    """An anonymous answer about to be posted, or posted but not yet linked (the bot stopped in
    between): enough to find the relayed message again, never the text."""

    relay_id: int
    guild_id: int
    member_id: int
    created_at: int  # Unix seconds, UTC
    post_id: int
    channel_id: int  # the prompt's thread
    length: int
    token: str  # random; the send's nonce and the digest come from it
    digest: str  # of the token and the answer's text
    interaction_token: str | None  # to tell the member (Discord accepts it for 15 minutes)
    reply_id: int | None  # the reply the member sees ("thinking" until told)
