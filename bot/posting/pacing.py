"""Time as the posting service sees it: the ``now`` each pass is given moved on by the real time
elapsed since, the pause between retries, and how long one attempt may take. All injectable, so
tests drive them without sleeping. Times stored in the database are Unix seconds (UTC)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STALE_AFTER = 600  # seconds: a claim this old without a message was interrupted by a crash
ATTEMPT_TIMEOUT = 90.0  # seconds one publish attempt may take (rate-limit waits included)


def ts(when: datetime) -> int:
    return int(when.timestamp())


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class Pacing:
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic  # real elapsed time
    attempt_timeout: float = ATTEMPT_TIMEOUT

    def clock_now(self, now: datetime, started: float) -> datetime:
        """The injected clock's ``now`` (read at monotonic ``started``) moved on by the real time
        elapsed since."""
        return now + timedelta(seconds=max(0.0, self.monotonic() - started))
