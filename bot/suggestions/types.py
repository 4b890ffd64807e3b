"""What the suggestion store, the review and the Discord side agree on (no discord.py here)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Final, Literal

from bot.errors import Refusal
from bot.prompts.model import Prompt

PENDING: Final = "pending"
DECIDING: Final = "deciding"
ACCEPTED: Final = "accepted"
REJECTED: Final = "rejected"
WITHDRAWN: Final = "withdrawn"
Status = Literal["pending", "deciding", "accepted", "rejected", "withdrawn"]
SUGGESTION, DRAFT = "s", "d"

STALE_CLAIM = 300  # seconds after which a decision that never finished can be taken again


class SuggestionError(Refusal):
    """The member's or moderator's request cannot be done; the message says why."""


@dataclass(frozen=True)
class Suggestion:
    id: int
    guild_id: int
    member_id: int
    question: str
    followups: tuple[str, ...]
    theme_id: str | None
    note: str | None
    credit_name: str | None
    status: Status
    reason: str | None
    prompt_id: str | None
    created_at: int
    decided_at: int | None
    card_channel_id: int | None = None  # the mod-log card that announced it
    card_message_id: int | None = None

    @property
    def shown(self) -> str:
        """A short hash of what a card shows of this suggestion (whose, when, what it asks):
        a button carries it, so it acts on this record only, never on another that got the
        same number or on a later wording the card did not show."""
        what = [self.guild_id, self.member_id, self.created_at, self.question]
        what += [list(self.followups), self.theme_id]
        digest = hashlib.sha256(json.dumps(what, ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()[:SHOWN_LENGTH]


SHOWN_LENGTH = 10


@dataclass(frozen=True)
class Limits:
    pending: int = 3
    per_day: int = 5


@dataclass(frozen=True)
class ReviewItem:
    """One thing to review: a pending suggestion or a draft prompt, shown as ``prompt``
    (exactly as it would be posted), with the hash of the file a decision would change
    (``"new"`` when that file does not exist yet)."""

    kind: str  # SUGGESTION or DRAFT
    key: str  # suggestion id, or prompt id
    prompt: Prompt
    theme_title: str
    seen: str
    suggestion: Suggestion | None = None
    warnings: tuple[str, ...] = ()  # what the disclosure rules say of its question

    @property
    def shown(self) -> str:
        """What the card's buttons check before acting ("" for a draft: its file hash does)."""
        return self.suggestion.shown if self.suggestion is not None else ""


@dataclass(frozen=True)
class Decision:
    """What a moderator's press did: the text for the moderator, whether it was decided (the
    item is gone from the review), and the member to tell (suggestions)."""

    text: str
    decided: bool
    member_id: int | None = None
    member_text: str | None = None
