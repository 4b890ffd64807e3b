"""The participation records: what the store writes and returns, and what the logic works on.
Nothing here imports anything else of the bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

ANSWER: Final = "answer"
REACTION: Final = "reaction"
Kind = Literal["answer", "reaction"]


@dataclass(frozen=True, slots=True)
class PromptPost:
    """A posted prompt: where it is, and which prompt and theme it carries."""

    post_id: int
    guild_id: int
    channel_id: int
    prompt_id: str
    theme_id: str
    message_id: int  # the prompt message (reactions and replies attach here)
    thread_id: int | None  # the thread opened for answers, if any
    posted_at: int  # Unix seconds, UTC


class ParticipationRow(NamedTuple):
    """One stored participation row; field order is the column order of the insert."""

    guild_id: int
    post_id: int
    prompt_id: str
    theme_id: str
    member_id: int
    message_id: int  # the answer, or for a reaction the prompt message
    kind: Kind  # ANSWER or REACTION
    created_at: int  # Unix seconds, UTC
    length: int | None  # characters in the answer when known; None for reactions


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    best: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """A prompt or theme with how much its posts were discussed."""

    key: str
    posts: int
    answers: int

    @property
    def per_post(self) -> float:
        return self.answers / self.posts if self.posts else 0.0
