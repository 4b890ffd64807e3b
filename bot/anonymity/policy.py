"""Who may answer anonymously, how often, and who may reveal an author. Pure: no Discord, no
database; the adapter asks these and shows the refusals as they are written here."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.anonymity.types import AnonymousMode

log = logging.getLogger(__name__)

ANSWER_MAX = 2000  # characters in an anonymous answer (a Discord embed description fits it)
RATE_WINDOW = 3600  # seconds the per-member rate limit counts over
REASON_MIN = 10  # characters a reveal reason needs, so it says something

WHO_SEES = (
    "Your name is not shown: the bot keeps which answer is yours only so you can delete it and "
    "so abuse can be handled, and only the roles this server chose can look that up, each time "
    "with a written reason posted to the moderators' log."
)
TURNED_OFF = "Anonymous answers are turned off for this prompt. Nothing was posted or stored."
STOPPED = (
    "Moderators have paused anonymous answers in this server for now. Nothing was posted or stored."
)
MAY_NOT_POST = (
    "You cannot post in this prompt's thread right now, so the bot cannot post for you either. "
    "Nothing was posted or stored."
)
THREAD_CLOSED = (
    "This prompt's thread is closed or archived, so it takes no more answers. "
    "Nothing was posted or stored."
)


def offered(mode: AnonymousMode, sensitive: bool) -> bool:
    """Whether a post carries the "Answer anonymously" button."""
    return mode == "all" or (mode == "sensitive" and sensitive)


def rate_limited_text(limit: int) -> str:
    return (
        f"You can post {limit} anonymous answer(s) an hour in this server. "
        "Nothing was posted or stored; please try again later."
    )


def may_reveal(role_ids: Iterable[int], reveal_role_ids: Iterable[int]) -> bool:
    """Only members holding one of the configured reveal roles (none by default: no one)."""
    allowed = set(reveal_role_ids)
    return bool(allowed) and any(r in allowed for r in role_ids)


def reason_problem(reason: str | None) -> str | None:
    """Why a reveal reason is not acceptable, or None."""
    if reason is None or len(reason.strip()) < REASON_MIN:
        return (
            f"A reveal needs a written reason (at least {REASON_MIN} characters). "
            "Nothing was revealed."
        )
    return None
