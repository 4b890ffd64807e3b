"""The reports' records: what the reports store returns and the reports built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.participation.types import Ranked

# The columns of ``python -m bot export`` and /stats export, in order.
EXPORT_COLUMNS = (
    "post_id", "prompt_id", "theme_id", "channel_id", "thread_id", "member_id", "kind",
    "message_id", "created_at", "length", "anonymous",
)  # fmt: skip


class WindowTotals(NamedTuple):
    """Participation created in a report window."""

    answers: int
    reactions: int
    active_members: int  # members with any answer or reaction in the window
    new_members: int  # active members whose first participation ever is in the window


class PostAnswers(NamedTuple):
    """A post posted in a report window, with the answers it has received so far."""

    post_id: int
    prompt_id: str
    theme_id: str
    answers: int


class PromptFigures(NamedTuple):
    """All-time figures of one prompt in a server."""

    posts: int
    first_posted: int | None
    last_posted: int | None
    answers: int
    reactions: int
    members: int
    mean_length: float | None


class MemberRow(NamedTuple):
    """One of a member's participation rows, with its post's channel and kind."""

    post_id: int
    prompt_id: str
    theme_id: str
    kind: str  # ANSWER or REACTION
    channel_id: int
    post_kind: str  # "scheduled" or "manual"
    created_at: int


@dataclass(frozen=True)
class ServerReport:
    guild_id: int
    since: int
    now: int
    active_members: int  # members with any answer or reaction in the window
    new_members: int  # active members whose first participation ever is in the window
    returning_members: int  # active members who had taken part before the window
    answers: int
    reactions: int
    posts: int  # prompts posted in the window
    most_discussed_prompts: tuple[Ranked, ...]  # by answers per post, over posts in the window
    least_discussed_prompts: tuple[Ranked, ...]  # not repeating the most discussed ones
    most_discussed_themes: tuple[Ranked, ...]
    least_discussed_themes: tuple[Ranked, ...]
    anonymous_answers: int = 0  # relayed anonymous answers (not in ``answers``, never linked)
    starters: int = 0  # conversation starters members asked for (/starter), not posts

    def rankings(self) -> list[tuple[str, tuple[Ranked, ...]]]:
        """The four rankings with their headings, in the order every report shows them."""
        return [
            ("Most discussed prompts", self.most_discussed_prompts),
            ("Least discussed prompts", self.least_discussed_prompts),
            ("Most discussed themes", self.most_discussed_themes),
            ("Least discussed themes", self.least_discussed_themes),
        ]


@dataclass(frozen=True)
class PromptReport:
    guild_id: int
    prompt_id: str
    posts: int
    answers: int
    reactions: int
    members: int  # distinct members who answered or reacted
    mean_length: float | None  # mean answer length in characters, when known
    first_posted: int | None
    last_posted: int | None
    anonymous_answers: int = 0  # relayed anonymous answers (not in ``answers``, never linked)

    @property
    def answers_per_post(self) -> float:
        return self.answers / self.posts if self.posts else 0.0


@dataclass(frozen=True)
class MemberReport:
    guild_id: int
    member_id: int
    answers: int
    reactions: int
    prompts_answered: int  # distinct prompts the member answered
    themes_touched: int  # distinct themes of prompts the member answered or reacted to
    current_streak: int
    best_streak: int
    first_at: int | None
    last_at: int | None
