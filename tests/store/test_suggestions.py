"""The suggestions' store on each backend: a member's limits hold when suggestions arrive at
once, a decision is claimed once across processes, a claim never finished is taken over after
``STALE_CLAIM``. Two processes are two ``open_stores`` on one database."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config.database import Database
from bot.store import Stores, open_stores
from bot.suggestions.types import STALE_CLAIM, Limits
from tests.store.races import inserts_held

G, ANA, BEN, MOD, MOD2 = 10, 30, 31, 32, 33
NOW = 1_800_000_000
DAY = 86_400
USUAL = Limits()


@pytest.fixture
async def two(database: Database) -> AsyncIterator[tuple[Stores, Stores]]:
    first, second = await open_stores(database), await open_stores(database)
    yield first, second
    await first.close()
    await second.close()


async def suggest(stores: Stores, n: int, member: int = ANA, now: int = NOW, limits=USUAL):
    return await stores.suggestions.add(G, member, f"Question {n}?", None, None, None, now, limits)


async def test_suggestions_sent_at_once_from_two_processes_stop_at_the_pending_limit(two, database):
    a, b = two
    async with inserts_held(database, "suggestions") as release:
        tries = [
            asyncio.create_task(suggest((a, b)[n % 2], n, limits=Limits(pending=3, per_day=9)))
            for n in range(8)
        ]
        await release(8)
        made = [i for i in await asyncio.gather(*tries) if i is not None]
    assert len(made) == 3
    assert await a.suggestions.counts(G, ANA, NOW) == (3, 3)
    assert await suggest(b, 9, member=BEN) is not None  # another member's limit is their own


async def test_the_daily_limit_counts_decided_ones_and_frees_after_a_day(stores):
    limits = Limits(pending=9, per_day=2)
    first = await suggest(stores, 1, limits=limits)
    await suggest(stores, 2, limits=limits)
    assert await stores.suggestions.withdraw(first, ANA, NOW)
    assert await suggest(stores, 3, limits=limits) is None
    assert await stores.suggestions.counts(G, ANA, NOW) == (1, 2)
    assert await suggest(stores, 4, now=NOW + DAY, limits=limits) is not None
    assert await stores.suggestions.counts(G, ANA, NOW + DAY) == (2, 1)


async def test_a_decision_is_claimed_once_by_two_processes_and_a_stale_claim_taken_over(two):
    a, b = two
    number = await suggest(a, 1)
    claims = await asyncio.gather(
        *((a, b)[n % 2].suggestions.claim(number, MOD + n % 2, NOW) for n in range(6))
    )
    assert claims.count(True) == 1
    assert [s.id for s in await a.suggestions.pending(G, NOW)] == []
    assert not await b.suggestions.claim(number, MOD2, NOW + STALE_CLAIM)
    assert [s.id for s in await a.suggestions.pending(G, NOW + STALE_CLAIM + 1)] == [number]
    assert await b.suggestions.claim(number, MOD2, NOW + STALE_CLAIM + 1)
    await b.suggestions.finish(number, "accepted", None, "joy-2")
    decided = await a.suggestions.get(number)
    assert (decided.status, decided.prompt_id, decided.decided_at) == (
        "accepted", "joy-2", NOW + STALE_CLAIM + 1
    )  # fmt: skip
    assert not await a.suggestions.claim(number, MOD, NOW + 10 * STALE_CLAIM)


async def test_a_released_decision_is_pending_again_and_only_pending_ones_change(stores):
    store = stores.suggestions
    number = await suggest(stores, 1)
    assert await store.edit(number, "Which song?", ("Who sang it?",), "joy")
    assert await store.claim(number, MOD, NOW)
    assert not await store.edit(number, "Changed while deciding?", (), None)
    assert not await store.withdraw(number, ANA, NOW)
    await store.release(number)
    [pending] = await store.pending(G, NOW)
    assert (pending.question, pending.followups, pending.theme_id) == (
        "Which song?", ("Who sang it?",), "joy"
    )  # fmt: skip
    assert not await store.withdraw(number, BEN, NOW)  # not Ben's
    assert await store.withdraw(number, ANA, NOW)
    assert await store.pending(G, NOW) == []


async def test_a_draft_is_claimed_by_the_first_press_of_two_processes(two):
    a, b = two
    presses = await asyncio.gather(
        *((a, b)[n % 2].suggestions.claim_draft("grief-2", MOD + n % 2, NOW) for n in range(6))
    )
    assert presses.count(True) == 1
    assert await b.suggestions.draft_claimed_at("grief-2") == NOW
    assert not await a.suggestions.claim_draft("grief-2", MOD, NOW + STALE_CLAIM)
    assert await a.suggestions.claim_draft("grief-2", MOD, NOW + STALE_CLAIM + 1)
    await b.suggestions.release_draft("grief-2")
    assert await a.suggestions.draft_claimed_at("grief-2") is None
    assert await b.suggestions.claim_draft("grief-2", MOD2, NOW + STALE_CLAIM + 2)
