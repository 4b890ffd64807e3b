"""A sharded process of the bot leaves the guilds of other shards to their processes: after a
restart it reads only its own guilds' prompt threads, settles only their unfinished anonymous
answers, and summarises only their polls that ended while it was down. discord.py's own code
against the offline harness, on a real SQLite file shared with the other shard's process."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.adapter.anonymous.cog import COGS as ANONYMOUS_COGS
from bot.adapter.answers.cog import AnswersCog
from bot.adapter.polls import PollResults
from bot.adapter.posting import Posting
from bot.adapter.topics import Topics
from bot.anonymity.relay import STALE_AFTER
from bot.config.database import parse_database
from bot.config.settings import GuildConfig, Settings, Sharding
from bot.devserver import polls
from bot.participation.types import PromptPost
from bot.store import open_stores
from tests.adapter.test_polls import (
    ANA,
    MOD,
    NOW,
    A,
    poll_library,
    poll_library_again,
    posted,
)
from tests.discord_harness import FakeDiscord, payloads
from tests.participation_world import POSTED_AT, guild
from tests.posting_helpers import channel, community
from tests.posting_helpers import settings as posting_settings
from tests.store import view

G = 10  # the harness's guild: on shard 0 of 2
FOREIGN, FOREIGN_CHANNEL = (1 << 22) + 10, 50  # on shard 1 of 2


def settings(tmp_path, *shards: int) -> Settings:
    return Settings(
        database=tmp_path / "bot.sqlite3",
        guilds=(GuildConfig(guild_id=G), GuildConfig(guild_id=FOREIGN)),
        sharding=Sharding(2, shards),
    )


async def seed_posts(db_path) -> tuple[PromptPost, PromptPost]:
    """A posted prompt with its thread in each guild (the thread shares the message's id)."""
    stores = await open_stores(parse_database(db_path))
    made = []
    try:
        for guild_id, channel_id, n in ((G, 20, 1), (FOREIGN, FOREIGN_CHANNEL, 2)):
            message_id = payloads.snowflake(payloads.BASE_TIME) + n
            post_id = await stores.posting.posts.claim_manual(guild_id, channel_id, POSTED_AT)
            await stores.posting.posts.mark_posted(
                post_id, "p1", "t1", message_id, message_id, POSTED_AT
            )
            made.append(
                PromptPost(
                    post_id, guild_id, channel_id, "p1", "t1", message_id, message_id, POSTED_AT
                )
            )
    finally:
        await stores.close()
    return made[0], made[1]


async def test_after_a_restart_only_the_own_shards_threads_are_read(tmp_path, make_bot):
    own, foreign = await seed_posts(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path, 0), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd, [own]))  # shard 0's connection hears only its guild
        cog = bot.get_cog("Answers")
        await cog.backfill_task
        assert [p.post_id for p in cog.index] == [own.post_id]
        assert fd.requests_to("GET", f"/channels/{own.thread_id}/messages")
        assert fd.requests_to("GET", f"/channels/{foreign.thread_id}/messages") == []


async def test_unfinished_anonymous_answers_are_settled_by_their_shards_process(tmp_path, make_bot):
    """An answer relayed in the other shard's guild, never posted: this process leaves it; the
    process of that shard drops it (and would tell the member)."""
    now = int(payloads.BASE_TIME.timestamp()) + 86400
    stores = await open_stores(parse_database(tmp_path / "bot.sqlite3"))
    try:
        await view.plant(
            stores,
            "anonymous_relays",
            guild_id=FOREIGN,
            member_id=300_000_000_000_000_001,
            created_at=now - STALE_AFTER - 60,
            state="pending",
            post_id=1,
            channel_id=FOREIGN_CHANNEL,
            length=10,
            token="t",
            digest="d",
        )
    finally:
        await stores.close()

    def clock():
        return datetime.fromtimestamp(now, UTC)

    for shards, settled in (((0,), 0), ((1,), 1)):
        bot = make_bot(settings(tmp_path, *shards), cogs=ANONYMOUS_COGS, clock=clock)
        async with FakeDiscord(bot) as fd:
            await fd.connect(guild(fd))
            reconciler = bot.get_cog("Anonymous").reconciler
            assert await reconciler.run_once() == settled, shards
            reads = fd.requests_to("GET", f"/channels/{FOREIGN_CHANNEL}/messages")
            assert bool(reads) == bool(settled)
            states = [r["state"] for r in await view.rows(bot.services.stores, "anonymous_relays")]
            assert states == (["pending"] if not settled else [])


async def test_a_poll_that_ended_while_down_is_summarised_by_its_shards_process(tmp_path, make_bot):
    conf = posting_settings(tmp_path, channel(A))  # GUILD is on shard 0 of 2
    bot = make_bot(conf, poll_library(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(community(fd, A, ANA, moderators=(MOD,)))
        message_id = int((await posted(fd)).response["id"])
        message = polls.finalise(fd.server.messages[message_id], NOW + timedelta(hours=48))
        thread = fd.server.channels[message_id]

    later = NOW + timedelta(hours=50)
    for shards, summaries in (((1,), 0), ((0,), 1)):
        sharded = replace(conf, sharding=Sharding(2, shards))
        bot = make_bot(
            sharded, poll_library_again(tmp_path), cogs=[PollResults], clock=lambda: later
        )
        async with FakeDiscord(bot, clock=bot.clock) as fd:
            fd.set_history(A, [message])
            await fd.connect(community(fd, A, threads=[thread]))
            await fd.settle()
            sent = fd.requests_to("POST", f"/channels/{message_id}/messages")
            assert len(sent) == summaries, shards
            assert bool(fd.requests_to("GET", f"/channels/{A}/messages/{message_id}")) == bool(
                summaries
            )
