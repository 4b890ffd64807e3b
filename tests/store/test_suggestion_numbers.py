"""Suggestion numbers are never given twice, also on a database made before they were kept."""

import sqlite3

from bot.store.sqlite.db import migrations, open_database
from bot.store.sqlite.suggestions import SuggestionStore
from bot.suggestions.types import Limits

ANA, BEN = 30, 31


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
