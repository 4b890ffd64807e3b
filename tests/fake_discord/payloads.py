"""What the process-level fake adds to the shared payload factories in tests/harness/: ids
stamped with the wall clock, as Discord issues them, and messages built from a send body.

Every Discord object shape (user, role, member, channel, thread, guild, message, application,
command) comes from ``tests.harness.payloads``, ``tests.harness.events`` and
``tests.harness.app_payloads``, so both fakes answer with the same JSON."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

from tests.harness import events
from tests.harness.payloads import DEFAULT_EVERYONE, DISCORD_EPOCH_MS, Payload, iso

# Permissions of @everyone in a fake guild, as in a new server.
EVERYONE_PERMISSIONS = DEFAULT_EVERYONE
ADMINISTRATOR = 1 << 3

Json = Payload


class Snowflakes:
    """Increasing snowflake ids whose timestamps are the current time, as Discord issues them."""

    def __init__(self) -> None:
        self._last = 0
        self._counter = itertools.count()

    def next(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(self._last + 1, stamp | (next(self._counter) & 0xFFF))
        return self._last


def now() -> datetime:
    return datetime.now(UTC)


def now_iso() -> str:
    return iso(now())


def message(message_id: int, channel: Json, author: Json, body: Json) -> Json:
    """A message as the REST API returns it; ``body`` is what the sender posted."""
    return events.message(
        int(channel["id"]),
        author,
        body.get("content") or "",
        message_id=message_id,
        embeds=body.get("embeds"),
        components=body.get("components"),
        flags=int(body.get("flags") or 0),
        tts=bool(body.get("tts", False)),
        # Discord leaves these keys out when unset; discord.py reads them only when present.
        nonce=body.get("nonce") or None,
        reference=body.get("message_reference") or None,
    )
