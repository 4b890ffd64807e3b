"""The PostgreSQL server restarted while the scheduler posts: the pool's retry carries every
statement over the restart, so no slot is lost and none is posted twice."""

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.config.database import parse_database
from bot.store import open_stores
from tests.postgres_server import private_cluster
from tests.posting.test_service import SLOT, World
from tests.posting_helpers import channel
from tests.store import view

pytestmark = pytest.mark.slow  # a PostgreSQL cluster of its own, stopped and started

A = 20
MINUTES = 40


async def test_a_server_restart_while_posting_loses_no_slot_and_posts_none_twice(tmp_path, caplog):
    # Whatever level an earlier test left the root logger at, the retries' warnings are seen.
    caplog.set_level(logging.WARNING, logger="bot.store.postgres.connection")
    with private_cluster() as cluster:
        database = parse_database(cluster.url)
        world = World(tmp_path, database, channel(A, "* * * * *", catch_up=timedelta(minutes=5)))
        service = await world.service()
        try:
            restarted = asyncio.create_task(asyncio.to_thread(cluster.restart))
            ticks = 0
            # Post a slot a minute; the server goes down and comes back meanwhile.
            while ticks < MINUTES or not restarted.done():
                outcomes = await service.tick(SLOT + timedelta(minutes=ticks))
                assert [o.status for o in outcomes] == ["posted"], outcomes
                ticks += 1
            await restarted
            assert ticks >= MINUTES
            # The restart came while the service was using the database, and was retried.
            assert "database connection lost" in caplog.text
        finally:
            await world.close()

        slots = [int((SLOT + timedelta(minutes=m)).timestamp()) for m in range(ticks)]
        stores = await open_stores(database)
        try:
            stored = await view.rows(stores, "posts")
        finally:
            await stores.close()
        assert [r["slot"] for r in stored] == slots
        assert {r["status"] for r in stored} == {"posted"}
        # Each post published once: as many messages as slots, one per post.
        assert [post_id for _, _, post_id in world.publisher.published] == [r["id"] for r in stored]
