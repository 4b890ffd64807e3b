"""Which process handles an interaction or a scheduled act, on each backend: of processes
claiming one at once exactly one wins; claims are kept an hour (acts a week), then dropped."""

import asyncio

from bot.store import open_stores
from bot.store.sqlite.interactions import ACT_KEEP_SECONDS, KEEP_SECONDS

T = 1_800_000_000


async def test_one_of_two_processes_takes_an_interaction_and_an_act(database):
    first, second = await open_stores(database), await open_stores(database)
    try:
        sides = (first.claims, second.claims) * 3
        taken = await asyncio.gather(*(s.claim(42, T) for s in sides))
        assert sorted(taken) == [False] * 5 + [True]
        assert await second.claims.claim(43, T)  # another interaction is its own
        acts = await asyncio.gather(*(s.claim_act("digest:1:2", T) for s in sides))
        assert sorted(acts) == [False] * 5 + [True]
    finally:
        await first.close()
        await second.close()


async def test_claims_are_dropped_after_their_time_and_not_before(database):
    first = await open_stores(database)
    try:
        assert await first.claims.claim(42, T)
        assert await first.claims.claim_act("digest:1:2", T)
    finally:
        await first.close()
    later = await open_stores(database)  # a process started later deletes old claims
    try:
        assert not await later.claims.claim(42, T + KEEP_SECONDS)
        assert not await later.claims.claim_act("digest:1:2", T + ACT_KEEP_SECONDS)
    finally:
        await later.close()
    again = await open_stores(database)
    try:
        assert await again.claims.claim(42, T + KEEP_SECONDS + 1)
        assert await again.claims.claim_act("digest:1:2", T + ACT_KEEP_SECONDS + 1)
    finally:
        await again.close()
