"""The scheduler of sharded processes on one real SQLite file: each schedules, posts and recovers
only the channels of the guilds on its shards, and two processes on the same shards post a slot
once. Time is injected; nothing sleeps."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config.database import parse_database
from bot.config.settings import GuildConfig, Settings, Sharding
from bot.posting.service import STALE_AFTER, PostingService
from bot.store import open_stores
from tests.posting_helpers import RecordingPublisher, channel, library_holder
from tests.store import view

pytestmark = pytest.mark.usefixtures("db_path")

GUILD_0, GUILD_1 = 10, (1 << 22) + 10  # on shards 0 and 1 of 2
CHANNEL_0, CHANNEL_1 = 20, 21
SLOT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)


class Deployment:
    """Processes of one bot on one database, each on the shards it is given."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.holder = library_holder(tmp_path, {"joy": 3, "grief": 3})
        self.opened = []

    def settings(self, *shards: int) -> Settings:
        return Settings(
            database=self.tmp_path / "bot.sqlite3",
            prompts_dir=self.tmp_path / "prompts",
            guilds=(
                GuildConfig(guild_id=GUILD_0, channels=(channel(CHANNEL_0),)),
                GuildConfig(guild_id=GUILD_1, channels=(channel(CHANNEL_1),)),
            ),
            sharding=Sharding(2, shards),
        )

    async def process(self, *shards: int) -> tuple[PostingService, RecordingPublisher]:
        """The posting service of a process running ``shards``, built as the bot builds it
        (from the settings of the guilds it serves), with its own view of Discord."""
        stores = await open_stores(parse_database(self.tmp_path / "bot.sqlite3"))
        self.opened.append(stores)
        publisher = RecordingPublisher()
        service = PostingService(
            self.settings(*shards).served(), stores.posting, self.holder, publisher
        )
        return service, publisher

    async def posts(self) -> list[tuple[int, str]]:
        rows = await view.rows(self.opened[0], "posts")
        return sorted((r["channel_id"], r["status"]) for r in rows)

    async def close(self):
        for stores in self.opened:
            await stores.close()


@pytest.fixture
async def deployment(tmp_path):
    d = Deployment(tmp_path)
    yield d
    await d.close()


async def test_each_process_claims_and_posts_only_its_shards_channels(deployment):
    (zero, zero_discord), (one, one_discord) = [await deployment.process(s) for s in (0, 1)]
    assert [c.channel_id for _, c in zero.channels()] == [CHANNEL_0]
    assert [c.channel_id for _, c in one.channels()] == [CHANNEL_1]
    await asyncio.gather(zero.tick(SLOT), one.tick(SLOT))
    assert [cid for cid, _, _ in zero_discord.published] == [CHANNEL_0]
    assert [cid for cid, _, _ in one_discord.published] == [CHANNEL_1]
    assert await deployment.posts() == [(CHANNEL_0, "posted"), (CHANNEL_1, "posted")]


async def test_two_processes_on_the_same_shards_post_each_slot_once(deployment):
    processes = [await deployment.process(0, 1) for _ in range(3)]
    await asyncio.gather(*(service.tick(SLOT) for service, _ in processes))
    published = [cid for _, discord in processes for cid, _, _ in discord.published]
    assert sorted(published) == [CHANNEL_0, CHANNEL_1]
    assert await deployment.posts() == [(CHANNEL_0, "posted"), (CHANNEL_1, "posted")]


async def test_an_interrupted_claim_is_recovered_by_its_shard_only(deployment):
    """A process of shard 1 claimed its slot and died. The process of shard 0 leaves the claim
    alone (it knows neither the channel nor whether Discord holds the post) instead of failing
    it; the restarted process of shard 1 finds it interrupted and posts it."""
    crashed, _ = await deployment.process(1)
    slot = int(SLOT.timestamp())
    post_id = await crashed.store.posts.claim_slot(GUILD_1, CHANNEL_1, slot, slot)
    await crashed.store.posts.set_prompt(post_id, "joy-2", "joy")

    later = SLOT + timedelta(seconds=STALE_AFTER + 60)
    zero, zero_discord = await deployment.process(0)
    outcomes = await zero.tick(later)
    assert [(o.channel_id, o.status) for o in outcomes] == [(CHANNEL_0, "posted")]
    assert zero_discord.notices == [] and zero_discord.lookups == 0
    assert (CHANNEL_1, "claimed") in await deployment.posts()

    one, one_discord = await deployment.process(1)
    [outcome] = await one.tick(later)
    assert (outcome.status, outcome.post_id, outcome.prompt_id) == ("posted", post_id, "joy-2")
    assert one_discord.published == [(CHANNEL_1, "joy-2", post_id)]
    assert await deployment.posts() == [(CHANNEL_0, "posted"), (CHANNEL_1, "posted")]
