"""Each member's first participation in a server, kept beside the rows on each backend (the
report's new members are counted from it): right after inserts, every kind of deletion, forget,
retention, a rebuild, and filled from the rows already stored when the schema is upgraded."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config.database import Database, parse_database
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.store import Stores, open_stores
from bot.store.postgres import db as pg_db
from bot.store.sqlite import db as sqlite_db
from tests.postgres_server import PostgresServer
from tests.store import view

G, OTHER = 1, 2
DAY = 86_400


async def add_post(stores: Stores, post_id: int, guild: int = G) -> None:
    await view.plant(
        stores, "posts", id=post_id, guild_id=guild, channel_id=10 + post_id, slot=post_id,
        kind="scheduled", status="posted", prompt_id=f"p{post_id}", theme_id="t",
        message_id=500 + post_id, thread_id=900 + post_id, claimed_at=0, posted_at=0,
    )  # fmt: skip


def row(member: int, message: int, at: int, post: int = 1, guild: int = G, kind: str = ANSWER):
    return ParticipationRow(guild, post, f"p{post}", "t", member, message, kind, at, None)


async def first_seen(stores: Stores) -> dict[tuple[int, int], int]:
    return {
        (r["guild_id"], r["member_id"]): r["first_at"]
        for r in await view.rows(stores, "participation_first_seen")
    }


async def from_rows(stores: Stores) -> dict[tuple[int, int], int]:
    """Each (server, member)'s earliest row, worked out from every stored row."""
    found: dict[tuple[int, int], int] = {}
    for r in await view.rows(stores, "participation"):
        key = (r["guild_id"], r["member_id"])
        found[key] = min(found.get(key, r["created_at"]), r["created_at"])
    return found


async def test_first_times_follow_every_insert_and_deletion(stores):
    for post, guild in ((1, G), (2, G), (3, OTHER)):
        await add_post(stores, post, guild)
    p = stores.participation
    await p.record_many([row(7, 100, 5 * DAY), row(8, 101, 6 * DAY), row(7, 102, 3 * DAY, 2)])
    await p.record_many([row(7, 103, 9 * DAY, 3, OTHER), row(9, 104, 2 * DAY, 2)])
    await p.record_many([row(7, 100, 5 * DAY)])  # again: nothing moves
    await p.record_many([row(7, 501, 3 * DAY, kind=REACTION), row(8, 105, 1 * DAY, 2)])
    assert await first_seen(stores) == {
        (G, 7): 3 * DAY, (G, 8): 1 * DAY, (G, 9): 2 * DAY, (OTHER, 7): 9 * DAY
    }  # fmt: skip

    await p.delete_message(102)  # 7's first answer; a reaction the same second stays
    assert (await first_seen(stores))[(G, 7)] == 3 * DAY
    await p.delete_reaction(501, 7)
    assert (await first_seen(stores))[(G, 7)] == 5 * DAY
    await p.delete_message(104)  # 9's only row
    assert (G, 9) not in await first_seen(stores)
    await p.forget(G, 7)
    assert await first_seen(stores) == {(G, 8): 1 * DAY, (OTHER, 7): 9 * DAY}
    await p.purge_older_than(2 * DAY)  # retention takes 8's first answer
    assert await first_seen(stores) == {(G, 8): 6 * DAY, (OTHER, 7): 9 * DAY}
    assert await first_seen(stores) == await from_rows(stores)


async def test_a_deleted_post_takes_its_members_first_times_with_it(stores):
    await add_post(stores, 1)
    await add_post(stores, 2)
    p = stores.participation
    await p.record_many([row(7, 100, DAY), row(7, 101, 4 * DAY, 2), row(8, 102, 2 * DAY)])
    await view.remove(stores, "posts", id=1)  # its rows go with it (the foreign key)
    assert await first_seen(stores) == {(G, 7): 4 * DAY}


async def test_a_rebuild_recomputes_first_times_from_the_rows(stores):
    await add_post(stores, 1)
    await stores.participation.record_many([row(m, 100 + m, m * DAY) for m in range(1, 30)])
    await view.remove(stores, "participation_first_seen")
    await stores.participation.rebuild_totals()
    assert await first_seen(stores) == await from_rows(stores) != {}


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield parse_database(tmp_path / "old.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("postgresql")
    made = server.new_database(migrated=False)
    yield made
    server.drop(made)


async def test_an_upgrade_fills_first_times_from_the_rows_already_stored(unmigrated, monkeypatch):
    for module in (sqlite_db, pg_db):
        shipped = module.migrations()
        assert [v for v, _, _ in shipped][-1] >= 14
        monkeypatch.setattr(module, "migrations", lambda shipped=shipped: shipped[:13])
    old = await open_stores(unmigrated)  # the schema as it was before first times were kept
    try:
        await add_post(old, 1)
        await add_post(old, 2, OTHER)
        await old.participation.record_many(
            [row(m % 40, 1000 + m, (500 - m) * 3600, 1 + m % 2, (G, OTHER)[m % 2])
             for m in range(400)]
        )  # fmt: skip
    finally:
        await old.close()
    monkeypatch.undo()
    stores = await open_stores(unmigrated)
    try:
        assert len(await first_seen(stores)) == 40
        assert await first_seen(stores) == await from_rows(stores)
    finally:
        await stores.close()
