"""How long a member waits for an answer while the bot is busy with something else: the
measurement the decisions, reload and safety benchmarks share."""

from __future__ import annotations

import asyncio
import time

from tests.discord_harness import FakeDiscord


async def answer_times(
    fd: FakeDiscord, busy: asyncio.Future, *, user_id: int, channel_id: int, at_least: int = 0
) -> list[float]:
    """Until ``busy`` is done (and at least ``at_least`` times), the member ``user_id`` sends
    ``/participation me`` in ``channel_id``: the seconds from each command to its answer.
    ``busy`` is left for the caller to await."""
    latencies: list[float] = []
    while not busy.done() or len(latencies) < at_least:
        sent = time.perf_counter()
        replies = await fd.slash("participation me", user_id=user_id, channel_id=channel_id)
        assert replies.messages
        latencies.append(time.perf_counter() - sent)
    return latencies
