"""The posting stores (posts, claims, channel state), on each backend: two processes are two
``open_stores`` on one database."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config.database import Database
from bot.posting.ports import PostingStores
from bot.posting.types import HistoryEntry
from bot.store import Stores, open_stores

GUILD, CHANNEL, OTHER = 10, 20, 30
SLOT = 1_800_000_000
HOUR = 3600


@pytest.fixture
def store(stores: Stores) -> PostingStores:
    return stores.posting


@pytest.fixture
async def two(database: Database) -> AsyncIterator[tuple[PostingStores, PostingStores]]:
    """The posting stores of two processes on one database."""
    first, second = await open_stores(database), await open_stores(database)
    yield first.posting, second.posting
    await first.close()
    await second.close()


async def test_two_processes_on_one_database_claim_a_slot_once(two):
    a, b = two
    results = await asyncio.gather(
        *(s.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT) for s in (a, b, a, b))
    )
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert (await b.posts.post(winners[0])).status == "claimed"
    # Another channel's same slot is its own claim.
    assert await b.posts.claim_slot(GUILD, OTHER, SLOT, SLOT) is not None


async def test_posted_prompt_shows_in_history_and_lookups(store):
    post_id = await store.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT + 5)
    await store.posts.set_prompt(post_id, "p1", "t1")
    await store.posts.mark_posted(post_id, "p1", "t1", message_id=500, thread_id=600, now=SLOT + 7)
    assert await store.posts.history(CHANNEL) == [HistoryEntry("p1", "t1", SLOT + 7)]
    assert await store.posts.history(OTHER) == []
    assert (await store.posts.post_by_message(500)).id == post_id
    assert await store.posts.post_by_message(999) is None
    assert await store.posts.last_slot(CHANNEL) == SLOT
    assert await store.posts.last_slot(OTHER) is None


async def test_history_counts_posted_skipped_and_unresolved_claims_with_prompt_not_failed(store):
    """A claim whose prompt is chosen may already be in the channel (a crash before its outcome
    was recorded): the rotation counts it as used."""
    for i, outcome in enumerate(["posted", "failed", "skipped", "skipped-empty", "claimed"]):
        post_id = await store.posts.claim_slot(GUILD, CHANNEL, SLOT + i * HOUR, SLOT + i * HOUR)
        if outcome != "skipped-empty":
            await store.posts.set_prompt(post_id, f"p{i}", "t")
        if outcome == "posted":
            await store.posts.mark_posted(post_id, f"p{i}", "t", 1, None, SLOT + i * HOUR)
        elif outcome == "failed":
            await store.posts.mark_failed(post_id, "403 Missing Permissions", SLOT + i * HOUR)
        elif outcome.startswith("skipped"):
            await store.posts.mark_skipped(post_id, SLOT + i * HOUR)
    assert [e.prompt_id for e in await store.posts.history(CHANNEL)] == ["p0", "p2", "p4"]


async def test_manual_posts_never_conflict(store):
    first = await store.posts.claim_manual(GUILD, CHANNEL, SLOT)
    second = await store.posts.claim_manual(GUILD, CHANNEL, SLOT)
    assert first != second
    assert (await store.posts.post(first)).kind == "manual"


async def test_pause_and_resume_per_channel(store):
    assert not await store.channels.is_paused(CHANNEL)
    await store.channels.set_paused(GUILD, CHANNEL, True, SLOT)
    assert await store.channels.is_paused(CHANNEL)
    assert not await store.channels.is_paused(OTHER)
    await store.channels.set_paused(GUILD, CHANNEL, False, SLOT + 1)
    assert not await store.channels.is_paused(CHANNEL)


async def test_skips_are_counted_and_each_taken_once(two):
    a, b = (side.channels for side in two)
    assert not await a.take_skip(CHANNEL)
    await a.set_paused(GUILD, CHANNEL, True, SLOT)
    assert await a.request_skip(GUILD, CHANNEL, SLOT) == 1
    assert await a.request_skip(GUILD, CHANNEL, SLOT) == 2
    assert await a.is_paused(CHANNEL)  # a skip does not undo a pause
    taken = await asyncio.gather(*(s.take_skip(CHANNEL) for s in (a, b, a, b)))
    assert sorted(taken) == [False, False, True, True]
    assert await b.pending_skips(CHANNEL) == 0


async def test_an_interrupted_claim_is_handed_out_for_one_retry_only(store):
    post_id = await store.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT)
    await store.posts.set_prompt(post_id, "p1", "t1")
    assert await store.claims.stale_claims(SLOT) == []  # claimed at SLOT: not older than SLOT
    [stale] = await store.claims.stale_claims(SLOT + 1)
    assert (stale.id, stale.prompt_id, stale.attempts) == (post_id, "p1", 0)
    assert await store.claims.take_retry(post_id, SLOT, SLOT + 600)
    # Crashed again during the retry: not handed out a second time, then failed.
    assert not await store.claims.take_retry(post_id, SLOT + 600, SLOT + 1200)
    assert await store.claims.fail_interrupted(post_id, SLOT + 600, "interrupted before posting")
    row = await store.posts.post(post_id)
    assert (row.status, row.error) == ("failed", "interrupted before posting")
    assert await store.claims.stale_claims(SLOT + 3 * HOUR) == []


async def test_a_resolved_claim_cannot_be_resolved_again_from_an_old_reading(store):
    post_id = await store.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT)
    assert await store.claims.adopt_claim(post_id, SLOT, SLOT + 600)  # its message was found
    # Whoever read the claim before it was adopted can no longer fail or skip it.
    assert not await store.claims.fail_interrupted(post_id, SLOT, "interrupted before posting")
    assert not await store.claims.skip_interrupted(post_id, SLOT)
    assert (await store.posts.post(post_id)).status == "claimed"


async def test_two_processes_recovering_at_once_retry_a_claim_once(two):
    a, b = two
    post_id = await a.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT)
    results = await asyncio.gather(
        a.claims.take_retry(post_id, SLOT, SLOT + 600),
        b.claims.take_retry(post_id, SLOT, SLOT + 600),
    )
    assert sorted(results) == [False, True]
    assert (await a.posts.post(post_id)).status == "claimed"


async def test_a_cycles_low_pool_notice_is_claimed_once_by_two_processes(two):
    a, b = two
    await a.channels.request_skip(GUILD, CHANNEL, SLOT)  # the channel already has a state row
    claims = [a.channels.claim_low_pool_notice(GUILD, CHANNEL, 0, SLOT) for _ in range(2)]
    claims += [b.channels.claim_low_pool_notice(GUILD, CHANNEL, 0, SLOT) for _ in range(2)]
    assert sorted(await asyncio.gather(*claims)) == [False, False, False, True]
    assert await b.channels.claim_low_pool_notice(GUILD, CHANNEL, 4, SLOT)  # the next cycle
    assert not await a.channels.claim_low_pool_notice(GUILD, CHANNEL, 0, SLOT)  # an older one
    assert await b.channels.pending_skips(CHANNEL) == 1  # other state kept
    assert await a.channels.claim_low_pool_notice(GUILD, OTHER, 0, SLOT)  # no state row yet


async def test_a_claim_taken_over_is_not_settled_by_its_old_holder(store):
    post_id = await store.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT)
    await store.posts.set_prompt(post_id, "p1", "t1")
    assert await store.claims.take_retry(post_id, SLOT, SLOT + 600)  # another pass took it over
    assert not await store.posts.mark_posted(
        post_id, "p1", "t1", 500, 600, SLOT + 610, claimed_at=SLOT
    )
    assert not await store.posts.mark_failed(post_id, "503", SLOT + 610, claimed_at=SLOT)
    row = await store.posts.post(post_id)
    assert (row.status, row.message_id, row.error) == ("claimed", None, None)
    # The new holder settles it.
    assert await store.posts.mark_posted(
        post_id, "p1", "t1", 501, 601, SLOT + 620, claimed_at=SLOT + 600
    )
    assert (await store.posts.post_by_message(501)).id == post_id


async def test_a_posted_post_is_never_turned_failed_or_rewritten(store):
    post_id = await store.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT)
    assert await store.posts.mark_posted(post_id, "p1", "t1", 500, 600, SLOT + 5, claimed_at=SLOT)
    assert not await store.posts.mark_failed(post_id, "503", SLOT + 9, claimed_at=SLOT)
    assert not await store.posts.mark_failed(post_id, "503", SLOT + 9)
    assert not await store.posts.mark_posted(post_id, "p2", "t2", 700, 800, SLOT + 9)
    row = await store.posts.post(post_id)
    assert (row.status, row.prompt_id, row.message_id, row.error) == (
        "posted",
        "p1",
        500,
        None,
    )
    assert await store.posts.history(CHANNEL) == [HistoryEntry("p1", "t1", SLOT + 5)]


async def test_a_message_another_post_holds_is_never_recorded_for_a_second_post(store):
    first = await store.posts.claim_slot(GUILD, CHANNEL, SLOT, SLOT)
    second = await store.posts.claim_slot(GUILD, CHANNEL, SLOT + HOUR, SLOT + HOUR)
    assert await store.posts.mark_posted(first, "p1", "t1", 500, 500, SLOT + 5)
    assert not await store.posts.mark_posted(second, "p1", "t1", 500, 500, SLOT + HOUR + 5)
    assert (await store.posts.post(second)).status == "claimed"  # left for its own message
    assert await store.posts.mark_posted(second, "p1", "t1", 501, 501, SLOT + HOUR + 6)
    assert (await store.posts.post_by_message(500)).id == first
