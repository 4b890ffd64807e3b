"""Suggestion numbers are never given twice, on each backend, also after a restart and on an
SQLite database made before they were kept."""

import sqlite3

from bot.store import open_stores
from bot.store.sqlite.db import migrations, open_database
from bot.store.sqlite.suggestions import SuggestionStore
from bot.suggestions.types import Limits

G, ANA, BEN = 10, 30, 31
NOW = 1_800_000_000
LIMITS = Limits(9, 9)


async def suggest(stores, n: int, member: int = ANA):
    return await stores.suggestions.add(G, member, f"Question {n}?", None, None, None, NOW, LIMITS)


async def test_a_number_is_never_given_twice_after_an_erase_nor_after_a_restart(database):
    stores = await open_stores(database)
    try:
        numbers = [await suggest(stores, n) for n in range(3)]
        await stores.suggestions.set_card(numbers[2], 22, 9002)
        erased = await stores.suggestions.forget(G, ANA)
        assert [(s.id, s.card_message_id) for s in erased] == [
            (numbers[0], None), (numbers[1], None), (numbers[2], 9002)
        ]  # fmt: skip
        assert await stores.suggestions.of_member(G, ANA) == []
        assert await stores.suggestions.get(numbers[2]) is None
        fourth = await suggest(stores, 4, member=BEN)
        assert fourth == numbers[2] + 1
        await stores.suggestions.forget(G, BEN)
    finally:
        await stores.close()
    stores = await open_stores(database)
    try:
        assert await suggest(stores, 5, member=BEN) == fourth + 1
    finally:
        await stores.close()


async def test_an_older_database_keeps_its_suggestions_and_never_reuses_a_number(tmp_path):
    path = tmp_path / "bot.sqlite3"
    con = sqlite3.connect(path)
    for version, _, sql in migrations()[:8]:
        con.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    with con:
        for n, member in ((1, ANA), (2, BEN), (3, ANA)):
            con.execute(
                "INSERT INTO suggestions (id, guild_id, member_id, question, created_at)"
                " VALUES (?, 10, ?, ?, 100)",
                (n, member, f"What is {n}?"),
            )
    con.close()

    db = await open_database(path)
    try:
        store = SuggestionStore(db)
        assert [(s.id, s.member_id) for s in await store.pending(10, 200)] == [
            (1, ANA), (2, BEN), (3, ANA)
        ]  # fmt: skip
        assert [s.id for s in await store.forget(10, ANA)] == [1, 3]
        new = await store.add(10, BEN, "What is new?", None, None, None, 200, Limits(9, 9))
        assert new == 4  # not 3, the number of Ana's erased suggestion
        await store.forget(10, BEN)
        assert await store.add(10, ANA, "What again?", None, None, None, 200, Limits(9, 9)) == 5
    finally:
        await db.close()
