"""Themes merge by what they are about; ids are stable; admins can force merges, splits, renames."""

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import InputError
from bot.essays.reader import parse_essay
from bot.themes.extract import find_themes, merge_items, theme_json
from bot.themes.titles import load_vocabulary

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def theme_of(themes, item_title):
    found = [t.id for t in themes for s in t.sources if s.title == item_title]
    assert found, item_title
    return found[0]


def titles_merged(*titles):
    essays = [
        parse_essay(f"{i}.txt", f"1. {t}: Body one.\n2. Other {i}: Body two.\n")
        for i, t in enumerate(titles)
    ]
    themes = merge_items(essays, load_vocabulary())
    return {theme_of(themes, t) for t in titles}


def test_seeds_give_37_items_each_in_exactly_one_theme():
    themes = find_themes(SEEDS)
    refs = [s.ref for t in themes for s in t.sources]
    assert len(refs) == 37 and len(set(refs)) == 37
    assert len(themes) == 19


@pytest.mark.parametrize(
    "group",
    [
        [
            "Sharing stories",
            "Shared experiences",
            "Sharing stories and experiences",
            "Sharing experiences",
        ],
        ["Creating safe spaces", "Creating a safe space"],
        ["Engaging in dialogue", "Creating dialogue", "Facilitating dialogue and communication"],
        ["Breaking stereotypes", "Challenging stereotypes"],
        ["Promoting visibility", "Creating visibility"],
        ["Providing a platform for marginalized voices", "Empowering marginalized voices"],
        ["Learning from each other", "Promoting cross-cultural learning"],
        ["Building alliances", "Encouraging collaboration"],
    ],
)
def test_seed_titles_about_the_same_thing_are_one_theme(group):
    themes = find_themes(SEEDS)
    assert len({theme_of(themes, t) for t in group}) == 1


@pytest.mark.parametrize(
    "pair",
    [
        ("Challenging stereotypes", "Challenging heteronormativity"),
        ("Promoting visibility", "Promoting intersectionality"),
        ("Building solidarity", "Building alliances"),
        ("Encouraging self-expression and identity exploration", "Encouraging self-reflection"),
    ],
)
def test_same_verb_different_subject_stays_apart(pair):
    themes = find_themes(SEEDS)
    assert theme_of(themes, pair[0]) != theme_of(themes, pair[1])


def test_unseen_titles_merge_on_the_head_noun_not_the_verb():
    assert len(titles_merged("Celebrating family recipes", "Sharing family recipes")) == 1
    assert len(titles_merged("Honouring elders", "Listening to elders")) == 1
    assert len(titles_merged("Sharing recipes", "Sharing languages")) == 2


def test_json_is_sorted_and_shaped_for_provenance():
    data = theme_json(find_themes(SEEDS))
    assert [t["id"] for t in data] == sorted(t["id"] for t in data)
    stories = next(t for t in data if t["id"] == "stories")
    assert stories["sources"][0] == {
        "essay": "000_b66c1c57bbe23d61.txt",
        "item": 1,
        "title": "Sharing stories",
        "excerpt": "Through storytelling, members of different ethnic Asian LGBTQ groups can learn "
        "about each other's experiences, struggles, and triumphs.",
        "truncated": False,
    }


def test_cli_output_is_byte_identical_between_runs(capsys):
    outputs = []
    for _ in range(2):
        assert main(["themes", "--seeds", str(SEEDS), "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) == 19
    assert main(["themes", "--seeds", str(SEEDS)]) == 0
    table = capsys.readouterr().out
    assert "Sharing stories and experiences [stories]" in table
    assert "19 themes from 37 items" in table


def test_adding_an_essay_keeps_every_existing_id(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    before = {s.ref: t.id for t in find_themes(tmp_path / "seeds") for s in t.sources}
    (tmp_path / "seeds" / "aaa_new.md").write_text(
        "## Cooking together\n\nShared meals make strangers into friends.\n\n"
        "## Telling our stories\n\nStories heal.\n"
    )
    themes = find_themes(tmp_path / "seeds")
    after = {s.ref: t.id for t in themes for s in t.sources}
    assert {ref: after[ref] for ref in before} == before
    assert after["aaa_new.md#Telling our stories"] == "stories"
    assert after["aaa_new.md#Cooking together"] == "cooking"


def test_overrides_split_merge_and_rename(tmp_path):
    overrides = tmp_path / "_overrides.yaml"
    overrides.write_text(
        "split:\n"
        "  - id: alliances\n"
        "    items: [Building alliances]\n"
        "merge:\n"
        "  - into: community\n"
        "    themes: [solidarity]\n"
        "rename:\n"
        "  dialogue: Talking across differences\n"
    )
    themes = {t.id: t for t in find_themes(SEEDS, overrides)}
    assert [s.title for s in themes["alliances"].sources] == ["Building alliances"]
    assert [s.title for s in themes["collaboration"].sources] == ["Encouraging collaboration"]
    assert "solidarity" not in themes
    assert {s.title for s in themes["community"].sources} == {
        "Building community",
        "Building solidarity",
    }
    assert themes["dialogue"].title == "Talking across differences"
    assert sum(len(t.sources) for t in themes.values()) == 37


def test_overrides_naming_nothing_fail_with_the_line(tmp_path):
    overrides = tmp_path / "_overrides.yaml"
    overrides.write_text("merge:\n  - into: stories\n    themes: [storys]\nrename:\n  nope: X\n")
    with pytest.raises(InputError) as err:
        find_themes(SEEDS, overrides)
    assert [str(p) for p in err.value.problems] == [
        f"{overrides}:3: no theme has id 'storys'",
        f"{overrides}:5: no theme has id 'nope'",
    ]


def test_overrides_with_unknown_key_fail_with_the_line(tmp_path):
    overrides = tmp_path / "_overrides.yaml"
    overrides.write_text("rename:\n  stories: Our stories\nmerj: []\n")
    with pytest.raises(InputError) as err:
        find_themes(SEEDS, overrides)
    assert str(err.value.problems[0]).startswith(f"{overrides}:3: unknown key 'merj'")


@pytest.mark.parametrize(
    ("title", "theme_id"),
    [
        ("Community gardens in cities", "community-garden"),  # a bank word, not its head
        ("Small steps add up", "small-steps-add-up"),  # a sentence, not "steps"
        ("Ask before you help", "ask-before-you-help"),
        ("The conversation we never had", "the-conversation-we-never-had"),
        ("Misconceptions and myths", "stereotypes"),  # every joined noun is looked up
        ("Countering myths and misconceptions", "stereotypes"),
        ("Mental health", "mental-health"),
        ("Physical health", "physical-health"),
    ],
)
def test_an_item_joins_a_bank_theme_only_when_its_head_phrase_means_it(title, theme_id):
    body = "Members from different cultural backgrounds meet here."
    essay = parse_essay("x.txt", f"1. {title}: {body}\n2. Other item: Body two.\n")
    themes = merge_items([essay], load_vocabulary())
    assert theme_of(themes, title) == theme_id


@pytest.mark.parametrize(
    ("body", "theme_id"),
    [
        ("Some calls are easy. The rest we share out so nobody takes two in a row.", None),
        ("Talking across cultural differences takes patience on both sides.", "dialogue"),
    ],
)
def test_a_bank_theme_that_presumes_meeting_across_cultures_needs_that_setting(body, theme_id):
    title = "Honest conversations"
    essay = parse_essay("x.txt", f"1. {title}: {body}\n2. Other item: Body two.\n")
    themes = merge_items([essay], load_vocabulary())
    assert theme_of(themes, title) == (theme_id or "honest-conversations")
