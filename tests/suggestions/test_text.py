"""What a member types reaches the prompt files and the admin's terminal without invisible
characters, and a question is words, not only punctuation or zero-width tricks."""

import asyncio

import pytest
import yaml

from bot.cli import main
from bot.config.database import parse_database
from bot.errors import InputError
from bot.prompts.loader import load_library
from bot.store import open_stores
from bot.suggestions.types import SUGGESTION, Limits, SuggestionError
from tests.suggestion_world import G, write_prompts
from tests.suggestions.test_service import service_on

HOSTILE = "What\x1b[2J song\x07 reminds\x00 you of \u202eemoh\u202c?"


async def suggest(service, question, note=None):
    return await service.suggest(
        G, 30, question, theme="joy", note=note, credit_name=None, limits=Limits(), now=1000
    )


async def test_control_and_direction_characters_never_reach_the_prompt_file(tmp_path, stores):
    service = service_on(tmp_path, stores)
    made = await suggest(service, HOSTILE, note="see\x1b]8;;http://x\x1b\\ this\u2066")
    assert made.question == "What[2J song reminds you of emoh?"  # only the invisible go
    assert made.note == "see]8;;http://x\\ this"
    decided = await service.decide(
        SUGGESTION, str(made.id), "accept", 33, service.files.seen("joy"), 1001
    )
    assert decided.decided
    text = (tmp_path / "prompts" / "joy.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["prompts"][-1]["question"] == made.question
    assert not any(c in text for c in "\x1b\x07\x00\u202e\u202c")
    assert "\\e" not in text and "\\a" not in text and "\\0" not in text


async def test_emoji_joined_with_zero_width_joiners_are_kept(tmp_path, stores):
    service = service_on(tmp_path, stores)
    made = await suggest(service, "Which flag 🏳️‍🌈 or 🏳️‍⚧️ did you first wave?")
    assert made.question == "Which flag 🏳️‍🌈 or 🏳️‍⚧️ did you first wave?"


@pytest.mark.parametrize("question", ["?", " ? ", "?!?", "\u200b?", "... ?", "🌈?"])
async def test_a_question_without_words_is_refused(tmp_path, stores, question):
    service = service_on(tmp_path, stores)
    with pytest.raises(SuggestionError, match="words"):
        await suggest(service, question)
    assert await service.store.pending(G, 1000) == []


@pytest.mark.parametrize(
    "question",
    [
        "What made you sm\u200bile this week?",
        "What made\u2060 you smile this we\ufeffek?",
        "What made you smi\u00adle this week?",
    ],
)
async def test_zero_width_characters_do_not_defeat_the_duplicate_check(tmp_path, stores, question):
    service = service_on(tmp_path, stores)
    with pytest.raises(SuggestionError, match=r"already a prompt \(`joy-1`\)"):
        await suggest(service, question)


def test_suggestions_list_escapes_what_older_versions_stored(tmp_path, capsys):
    write_prompts(tmp_path)
    (tmp_path / "config.yaml").write_text(f"guilds:\n  - guild_id: {G}\n")

    async def store_raw():  # as stored before members' text was cleaned
        stores = await open_stores(parse_database(tmp_path / "data" / "bot.sqlite3"))
        await stores.suggestions.add(G, 30, HOSTILE, "joy", "bell\x07", None, 100, Limits())
        await stores.close()

    asyncio.run(store_raw())
    where = ["--guild", str(G), "--config", str(tmp_path / "config.yaml")]
    assert main(["suggestions", "list", *where]) == 0
    out = capsys.readouterr().out
    assert out == (
        "1  [joy]  What\\x1b[2J song\\x07 reminds\\x00 you of \\u202eemoh\\u202c?"
        "  (note: bell\\x07)\n"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"What\\e[2J now?"', "U+001B"), ('"Who\\a rang?"', "U+0007"), ("Who \u202eis it?", "U+202E")],
)
def test_a_prompt_file_with_control_or_direction_characters_is_refused_at_the_line(
    tmp_path, value, shown
):
    folder = write_prompts(tmp_path)
    text = (folder / "joy.yaml").read_text(encoding="utf-8")
    text = text.replace("question: What made you smile this week?", f"question: {value}")
    (folder / "joy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_library(folder)
    assert [str(p) for p in refused.value.problems] == [
        f"{folder / 'joy.yaml'}:8: question holds invisible control or direction characters"
        f" ({shown})"
    ]


def test_a_prompt_whose_question_is_only_punctuation_is_refused(tmp_path):
    folder = write_prompts(tmp_path)
    text = (folder / "joy.yaml").read_text(encoding="utf-8")
    text = text.replace("question: What made you smile this week?", "question: '?'")
    (folder / "joy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_library(folder)
    assert [str(p) for p in refused.value.problems] == [
        f"{folder / 'joy.yaml'}:8: question must hold words, not only punctuation"
    ]


def test_prompts_list_escapes_invisible_characters(tmp_path, capsys):
    folder = write_prompts(tmp_path)
    text = (folder / "joy.yaml").read_text(encoding="utf-8")
    text = text.replace("What made you smile", "What made\u200b you\u200f smile")
    (folder / "joy.yaml").write_text(text, encoding="utf-8")
    assert main(["prompts", "list", "--dir", str(folder), "--theme", "joy"]) == 0
    assert "What made\\u200b you\\u200f smile this week?" in capsys.readouterr().out
