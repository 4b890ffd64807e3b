"""Rows of the members' stores (suggestions, anonymous answers and relays) read back as the
features' types, the same on every backend: a row is read by column name or position, as both
``sqlite3.Row`` and ``asyncpg.Record`` allow."""

from __future__ import annotations

import json
from typing import Any, Protocol

from bot.anonymity.types import AnonymousAnswer, PendingRelay
from bot.suggestions.types import Suggestion


class Row(Protocol):
    def __getitem__(self, key: int | str, /) -> Any: ...


# The columns every backend reads, in the order the builders below take them.
ANSWER_COLUMNS = "message_id, guild_id, post_id, channel_id, member_id, counted, created_at, length"
PENDING_COLUMNS = (
    "id, guild_id, member_id, created_at, post_id, channel_id, length, token, digest,"
    " interaction_token, reply_id"
)


def anonymous_answer(row: Row) -> AnonymousAnswer:
    """A row of ``ANSWER_COLUMNS``."""
    return AnonymousAnswer(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7])


def pending_relay(row: Row) -> PendingRelay:
    """A row of ``PENDING_COLUMNS``."""
    return PendingRelay(*(row[i] for i in range(11)))


def suggestion(row: Row) -> Suggestion:
    """A whole ``suggestions`` row."""
    return Suggestion(
        id=row["id"],
        guild_id=row["guild_id"],
        member_id=row["member_id"],
        question=row["question"],
        followups=tuple(json.loads(row["followups"] or "[]")),
        theme_id=row["theme_id"],
        note=row["note"],
        credit_name=row["credit_name"],
        status=row["status"],
        reason=row["reason"],
        prompt_id=row["prompt_id"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        card_channel_id=row["card_channel_id"],
        card_message_id=row["card_message_id"],
    )


def followups_json(followups: tuple[str, ...]) -> str:
    """How a suggestion's follow-ups are stored (a JSON list)."""
    return json.dumps(list(followups))
