"""The anonymous relays' store on each backend: the hourly limit is reserved before the post,
once, across processes on one database; a relay keeps the digest of its words, never the words,
and only for its hour. Two processes are two ``open_stores`` on one database."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.anonymity.types import PendingRelay
from bot.config.database import Database
from bot.store import Stores, open_stores
from tests.store import view
from tests.store.races import inserts_held

G, ANA, BEN = 10, 30, 31
POST, THREAD = 1, 1001
NOW = 1_800_000_000
HOUR = 3600


@pytest.fixture
async def two(database: Database) -> AsyncIterator[tuple[Stores, Stores]]:
    """Two processes' stores on one database, with a posted prompt (post 1) to answer."""
    first, second = await open_stores(database), await open_stores(database)
    await view.plant(
        first, "posts", id=POST, guild_id=G, channel_id=20, slot=NOW, kind="scheduled",
        status="posted", message_id=1000, thread_id=THREAD, claimed_at=NOW, posted_at=NOW,
    )  # fmt: skip
    yield first, second
    await first.close()
    await second.close()


def relay(n: int, member: int = ANA, at: int = NOW) -> PendingRelay:
    return PendingRelay(
        0, G, member, at, POST, THREAD, 40 + n, f"token-{n}", f"digest-{n}", f"itoken-{n}", None
    )


async def test_eight_relays_raced_by_two_processes_reserve_exactly_the_limit(two, database):
    a, b = two
    async with inserts_held(database, "anonymous_relays") as release:
        tries = [
            asyncio.create_task((a, b)[n % 2].relays.reserve(relay(n), since=NOW - HOUR, limit=3))
            for n in range(8)
        ]
        await release(8)
        reserved = [r for r in await asyncio.gather(*tries) if r is not None]
    assert len(reserved) == 3
    assert len(await view.rows(a, "anonymous_relays")) == 3
    # Another member's limit is their own.
    assert await b.relays.reserve(relay(9, BEN), since=NOW - HOUR, limit=3) is not None


async def test_a_reservation_holds_what_finds_the_answer_again_and_the_link_keeps_the_digest(two):
    a, b = two
    made = await a.relays.reserve(relay(1), since=NOW - HOUR, limit=3)
    assert made is not None and made.relay_id > 0
    assert (made.token, made.digest, made.length, made.interaction_token) == (
        "token-1", "digest-1", 41, "itoken-1"
    )  # fmt: skip
    assert await b.relays.pending_of(G, ANA, POST) == [made]
    assert await b.relays.pending_before(NOW) == [made]
    assert await b.relays.pending_before(NOW - 1) == []
    assert await a.relays.used(G, ANA, NOW - HOUR) == 0  # a pending relay is not yet "used"

    await b.relays.link(made, 7001, True, NOW + 5)
    await b.relays.link(made, 7001, True, NOW + 5)  # again (a retry): nothing doubles
    answer = await a.relays.link_of(7001)
    assert answer is not None
    assert (answer.member_id, answer.length, answer.counted) == (ANA, 41, True)
    assert await a.relays.pending_of(G, ANA, POST) == []
    assert await a.relays.used(G, ANA, NOW - HOUR) == 1
    assert await a.relays.posted_of(G, ANA, POST, NOW - HOUR) == [(7001, "token-1", "digest-1")]
    [kept] = await view.rows(a, "anonymous_relays")
    assert (kept["interaction_token"], kept["reply_id"], kept["length"]) == (None, None, None)


async def test_an_answer_relayed_after_an_opt_out_through_another_process_is_not_counted(two):
    a, b = two
    assert not await a.participation.is_opted_out(G, ANA)  # read before the opt-out
    await b.participation.opt_out(G, ANA, NOW)
    made = await a.relays.reserve(relay(1), since=NOW - HOUR, limit=3)
    assert made is not None
    await a.relays.link(made, 7001, not await a.participation.is_opted_out(G, ANA), NOW)
    answer = await b.relays.link_of(7001)
    assert answer is not None and not answer.counted
    # Told "counted" by a caller that has not seen the opt-out, the store still knows better.
    later = await a.relays.reserve(relay(2), since=NOW - HOUR, limit=3)
    assert later is not None
    await a.relays.link(later, 7002, True, NOW)
    answer = await b.relays.link_of(7002)
    assert answer is not None and not answer.counted


async def test_reserving_the_same_relay_again_takes_no_second_place(two):
    """A retry after a lost connection sends the same reservation (its token) again."""
    a, b = two
    first = await a.relays.reserve(relay(1), since=NOW - HOUR, limit=2)
    again = await b.relays.reserve(relay(1), since=NOW - HOUR, limit=2)
    assert again == first
    second = await a.relays.reserve(relay(2), since=NOW - HOUR, limit=2)
    assert second is not None
    assert await a.relays.reserve(relay(3), since=NOW - HOUR, limit=2) is None
    await a.relays.link(second, 7002, True, NOW)
    assert await b.relays.reserve(relay(2), since=NOW - HOUR, limit=9) is None  # posted already
    assert len(await view.rows(a, "anonymous_relays")) == 2


async def test_a_released_relay_frees_its_place_and_a_finished_one_expires_after_its_hour(two):
    a, _ = two
    first = await a.relays.reserve(relay(1), since=NOW - HOUR, limit=1)
    assert await a.relays.reserve(relay(2), since=NOW - HOUR, limit=1) is None
    assert await a.relays.release(first.relay_id)
    assert not await a.relays.release(first.relay_id)
    second = await a.relays.reserve(relay(2), since=NOW - HOUR, limit=1)
    await a.relays.link(second, 7002, False, NOW)
    assert not await a.relays.release(second.relay_id)  # posted: it stays
    later = NOW + HOUR + 1
    assert await a.relays.reserve(relay(3, at=later), since=later - HOUR, limit=1) is not None
    assert [r["token"] for r in await view.rows(a, "anonymous_relays")] == ["token-3"]


async def test_a_deleted_answer_leaves_only_the_member_and_time_on_its_relay(two):
    a, b = two
    made = await a.relays.reserve(relay(1), since=NOW - HOUR, limit=3)
    await a.relays.link(made, 7001, True, NOW)
    await a.relays.forget_token(made.relay_id)
    assert await b.anonymous.delete([7001]) == 1
    [kept] = await view.rows(a, "anonymous_relays")
    assert view.pick([kept], "member_id", "created_at", "message_id", "token", "digest") == [
        (ANA, NOW, None, None, None)
    ]
    assert await a.relays.used(G, ANA, NOW - HOUR) == 1  # its hour still counts
    assert await a.relays.posted_of(G, ANA, POST, NOW - HOUR) == []
