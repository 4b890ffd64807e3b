"""``python -m bot suggestions list|accept|reject`` decides with the same rules as the buttons."""

import asyncio

import yaml

from bot.cli import main
from bot.config.database import parse_database
from bot.store import open_stores
from bot.suggestions.types import Limits
from tests.suggestion_world import JOY, G, write_prompts


def setup(tmp_path):
    write_prompts(tmp_path)
    (tmp_path / "config.yaml").write_text(f"guilds:\n  - guild_id: {G}\n")

    async def go():
        stores = await open_stores(parse_database(tmp_path / "data" / "bot.sqlite3"))
        store = stores.suggestions
        for question, theme in (("What song reminds you of home?", "joy"), ("Why?", None)):
            await store.add(G, 30, question, theme, "a note", None, 100, Limits())
        await stores.close()

    asyncio.run(go())
    return ["--guild", str(G), "--config", str(tmp_path / "config.yaml")]


def test_list_accept_and_reject_from_the_shell(tmp_path, capsys):
    where = setup(tmp_path)
    assert main(["suggestions", "list", *where]) == 0
    listed = capsys.readouterr().out
    assert "1  [joy]  What song reminds you of home?  (note: a note)" in listed
    assert "2  [no theme yet]  Why?" in listed

    assert main(["suggestions", "accept", "1", *where]) == 0
    assert "as `joy-2`" in capsys.readouterr().out
    text = (tmp_path / "prompts" / "joy.yaml").read_text()
    assert text.startswith(JOY)
    assert yaml.safe_load(text)["prompts"][-1]["source"] == "suggestion"

    assert main(["suggestions", "accept", "1", *where]) == 1  # already decided
    assert "Already decided" in capsys.readouterr().out
    assert main(["suggestions", "accept", "2", *where]) == 1
    assert "Choose a theme first" in capsys.readouterr().out

    assert main(["suggestions", "reject", "2", "--reason", "Too short.", *where]) == 0
    assert main(["suggestions", "list", *where]) == 0
    assert "No pending suggestions." in capsys.readouterr().out
    assert (tmp_path / "prompts" / "joy.yaml").read_text() == text


def test_accept_with_a_theme_for_one_that_has_none(tmp_path, capsys):
    where = setup(tmp_path)
    assert main(["suggestions", "accept", "2", "--theme", "Grief and loss", "--off", *where]) == 0
    added = yaml.safe_load((tmp_path / "prompts" / "grief.yaml").read_text())["prompts"][-1]
    assert (added["id"], added["question"], added["enabled"]) == ("grief-3", "Why?", False)
