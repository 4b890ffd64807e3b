"""The starters store on each backend: a channel's turn under its cooldown taken once, even by
two processes asking at the same moment; "Another one" in place of a starter; the prompts a
channel used lately; the count reports show."""

import asyncio

import pytest

from bot.store import open_stores
from tests.store import view

G, CHANNEL, OTHER = 10, 900_000_000_000_000_021, 900_000_000_000_000_022
COOLDOWN = 600


@pytest.fixture
def store(stores):
    return stores.starters


async def test_a_channel_gets_one_starter_per_cooldown(store):
    first = await store.claim(G, CHANNEL, "grief-1", "grief", 1000, COOLDOWN)
    assert first is not None
    assert await store.claim(G, CHANNEL, "joy-1", "joy", 1000 + COOLDOWN - 1, COOLDOWN) is None
    assert await store.claim(G, OTHER, "joy-1", "joy", 1001, COOLDOWN) is not None
    again = await store.claim(G, CHANNEL, "joy-1", "joy", 1000 + COOLDOWN, COOLDOWN)
    assert again is not None and again != first
    assert await store.starter(first) == (G, CHANNEL, "grief-1")
    assert await store.last_asked(CHANNEL) == 1000 + COOLDOWN


async def test_two_processes_asking_at_once_get_one_starter(database):
    """Members asking in the same channel through two bot processes on one database: one
    starter, whatever the interleaving."""
    one, two = await open_stores(database), await open_stores(database)
    try:
        claims = [
            s.starters.claim(G, CHANNEL, f"p-{n}", "t", 1000, COOLDOWN)
            for n, s in enumerate([one, two] * 4)
        ]
        won = [c for c in await asyncio.gather(*claims) if c is not None]
        assert len(won) == 1
        assert len(await view.rows(one, "starters")) == 1
    finally:
        await one.close()
        await two.close()


async def test_another_one_replaces_without_restarting_the_cooldown(store):
    first = await store.claim(G, CHANNEL, "grief-1", "grief", 1000, COOLDOWN)
    second = await store.replace(first, "joy-1", "joy", 1200)
    assert second is not None and second != first
    assert await store.starter(second) == (G, CHANNEL, "joy-1")
    assert await store.replace(999_999, "joy-2", "joy", 1300) is None
    assert await store.last_asked(CHANNEL) == 1000  # "Another one" is not a new ask
    assert await store.last_asked(OTHER) is None
    assert await store.count(G, 0, 2000) == 1
    assert await store.count(G, 1001, 2000) == 0
    assert await store.count(G + 1, 0, 2000) == 0


async def test_last_uses_merge_posts_and_starters_of_the_channel(stores):
    posts = stores.posting.posts
    post_id = await posts.claim_slot(G, CHANNEL, 500, 500)
    await posts.mark_posted(post_id, "grief-1", "grief", 70, 71, 510)
    claimed = await posts.claim_manual(G, CHANNEL, 520)
    await posts.set_prompt(claimed, "joy-2", "joy")  # claimed, its outcome not recorded yet
    store = stores.starters
    first = await store.claim(G, CHANNEL, "joy-1", "joy", 1000, COOLDOWN)
    await store.replace(first, "grief-1", "grief", 1100)
    await store.claim(G, OTHER, "hope-1", "hope", 1200, COOLDOWN)
    assert await store.last_uses(CHANNEL) == {"grief-1": 1100, "joy-1": 1000, "joy-2": 520}
    assert await store.last_uses(OTHER) == {"hope-1": 1200}
