"""The facilitation feature's records and the interface it is handed to reach Discord (the
adapter implements it; no discord.py here). Times are Unix seconds (UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, Protocol

FOLLOWUP: Final = "followup"
NUDGE: Final = "nudge"
StepKind = Literal["followup", "nudge"]
StepStatus = Literal["claimed", "sent", "failed"]


@dataclass(frozen=True, slots=True)
class Step:
    """A follow-up or the nudge, claimed (and maybe sent) in a post's thread."""

    post_id: int
    number: int  # 0, 1, 2 … in the order taken
    kind: StepKind  # FOLLOWUP or NUDGE
    followup: int | None  # index in the prompt's follow-ups; None for the gentle line
    answers_seen: int  # answers the post had when the step was claimed
    status: StepStatus
    claimed_at: int
    sent_at: int | None = None
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class OpenThread:
    """A posted prompt's thread still collecting answers, with what it has had so far."""

    post_id: int
    guild_id: int
    channel_id: int
    thread_id: int
    prompt_id: str
    posted_at: int
    answers: int  # recorded answers, anonymous ones included
    last_answer_at: int | None
    sensitive: bool = False  # posted as a heavy topic by a moderator


@dataclass(frozen=True, slots=True)
class Due:
    """The next step of a thread: what it is and from when it may be sent. ``at`` None means it
    waits for answers (``answers_needed`` more)."""

    kind: StepKind  # FOLLOWUP or NUDGE
    followup: int | None
    at: int | None
    answers_needed: int = 0
    quiet_until: int | None = None  # due, but held by the channel's quiet hours until then


@dataclass(frozen=True, slots=True)
class PendingThread:
    """One open thread as moderators see it: the step it waits for."""

    guild_id: int
    channel_id: int
    thread_id: int
    prompt_id: str
    answers: int
    steps_taken: int
    followups_left: int
    due: Due | None


class StepSender(Protocol):
    """What facilitation needs from Discord."""

    async def thread_open(self, thread_id: int) -> bool:
        """False when the thread is archived, locked or gone: nothing is sent there."""

    async def send_step(self, thread_id: int, text: str, nonce: str) -> int:
        """Send ``text`` in the thread (mentioning no one) with ``nonce``; the message id.
        Raises ``StepRefused`` (do not retry) or ``StepUnavailable`` (retry later)."""

    async def find_step(self, thread_id: int, text: str, since: int) -> int | None:
        """The bot's own message with ``text`` in the thread, sent at or after ``since``."""

    async def welcome(self, channel_id: int, message_id: int, emoji: str) -> None:
        """Add the bot's reaction ``emoji`` to a member's answer; failures are logged only."""


class StepRefused(Exception):
    """Discord will not take this message (permissions, unknown thread)."""


class StepUnavailable(Exception):
    """Discord could not be reached: the claim waits and is sent later."""
