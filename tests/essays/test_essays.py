"""Essays in every form the seeds and admins use become theme items with provenance."""

import re
from pathlib import Path

from bot.essays.reader import parse_essay, read_essays

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def titles(essay):
    return [i.title for i in essay.items]


def test_the_five_seeds_hold_37_items_and_each_ends_cut_off():
    essays = read_essays(SEEDS)
    assert [len(e.items) for e in essays] == [7, 7, 7, 8, 8]
    for essay in essays:
        assert [i.truncated for i in essay.items] == [False] * (len(essay.items) - 1) + [True]
    last = essays[4].items[-1]
    assert last.title == "Creating a safe space"
    assert (
        last.body == "Cultural exchange can create a safe space for mixed Asian heritage lesbians"
    )


def test_numbered_items_with_colon_keep_number_body_and_first_sentence():
    essay = parse_essay(
        "a.txt",
        "Intro paragraph that is not a theme.\n\n"
        "1. Sharing food: Meals bring people together. They also start talks.\n"
        "2. Language: Words carry history.\n",
    )
    assert [(i.number, i.title) for i in essay.items] == [(1, "Sharing food"), (2, "Language")]
    assert essay.items[0].excerpt == "Meals bring people together."
    assert not essay.items[-1].truncated


def test_numbered_items_with_parenthesis_and_dash():
    essay = parse_essay(
        "b.md",
        "1) Family expectations - Parents hope for a wedding.\n"
        "2) Faith - Some temples welcome us.\n",
    )
    assert titles(essay) == ["Family expectations", "Faith"]
    assert essay.items[1].body == "Some temples welcome us."


def test_markdown_headings_with_paragraphs_skip_the_document_title():
    text = (
        "# Why exchange matters\n\nSome intro.\n\n"
        "## Sharing meals\n\nCooking together builds trust.\nIt is also fun.\n\n"
        "## Learning languages\n\nA word can open a door.\n\n"
        "## Festivals\n\nLunar New Year gatherings bring"
    )
    essay = parse_essay("c.md", text)
    assert titles(essay) == ["Sharing meals", "Learning languages", "Festivals"]
    assert essay.items[0].body == "Cooking together builds trust. It is also fun."
    assert essay.items[0].number is None
    assert essay.items[-1].truncated


def test_mixed_heading_levels_with_one_heading_each_still_give_their_sections():
    text = "# Cooking together\n\nWe share recipes.\n\n## Speaking up\n\nWe practise in pairs.\n"
    essay = parse_essay("mixed.md", text)
    assert titles(essay) == ["Cooking together", "Speaking up"]
    assert [i.body for i in essay.items] == ["We share recipes.", "We practise in pairs."]
    nested = parse_essay(
        "nested.md", "# Our notes\n\n## Food\n\nRecipes.\n\n### Language\n\nWords.\n"
    )
    assert titles(nested) == ["Food", "Language"]  # the title heading has no text of its own


def test_bold_bullets_with_continuation_lines():
    text = (
        "Ways to connect:\n\n"
        "- **Storytelling**: Hearing each other helps.\n  It builds empathy.\n"
        "- **Safe spaces**: Places where we can be ourselves.\n"
        "* **Mentoring** - Elders guide the young.\n"
    )
    essay = parse_essay("d.md", text)
    assert titles(essay) == ["Storytelling", "Safe spaces", "Mentoring"]
    assert essay.items[0].body == "Hearing each other helps. It builds empathy."


def test_plain_prose_yields_one_titled_item_per_substantial_paragraph():
    paragraphs = [
        "Food is where many of us first meet. Cooking dumplings with friends, sharing recipes from "
        "grandmothers and tasting dishes from other regions opens conversations about family and "
        "about food we grew up with.",
        "Language matters too. Learning a few words of someone's heritage language shows respect, "
        "and language carries humour and history that translation loses. Language classes became "
        "our favourite meeting.",
        "Short note.",
    ]
    essay = parse_essay("prose.md", "# Notes from our meetups\n\n" + "\n\n".join(paragraphs))
    assert len(essay.items) == 2
    first, second = essay.items
    assert "food" in first.title.lower()
    assert "language" in second.title.lower()
    assert first.number is None and first.excerpt == "Food is where many of us first meet."


def test_prose_titles_read_as_noun_phrases_taken_from_their_paragraph():
    verbs = {"advocate", "build", "increase", "promote", "challenge", "encourage", "facilitate"}
    for seed in read_essays(SEEDS):
        paragraphs = [i.body for i in seed.items if len(i.body.split()) >= 25]
        essay = parse_essay("prose.txt", "\n\n".join(paragraphs))
        assert len(essay.items) == len(paragraphs)
        for item in essay.items:
            if item.title.rstrip("…") in item.body:
                continue  # no phrase good enough: a sentence of its own, quoted whole
            text, words = item.body.lower(), item.title.lower().split()
            assert set(words) <= set(re.findall(r"[a-z'’+-]+", text)), item.title
            assert not words[0].endswith("ly") and words[0] not in verbs, item.title
            if len(words) == 3 and words[1] in ("and", "or"):
                a, conj, b = words
                assert f"{a} {conj} {b}" in text or f"{a}, {b}," in text, item.title
            else:
                plain = " ".join(words[1:] if words[0].endswith("ing") else words)
                assert plain in text, item.title  # no words skipped: "experiences struggles"
    first = parse_essay("prose.txt", "\n\n".join(i.body for i in read_essays(SEEDS)[0].items))
    assert titles(first)[0] == "Experiences and struggles"
    assert titles(first)[-1] == "Leadership skills"  # not "Effectively advocate"


def test_only_txt_and_md_files_are_read_in_name_order(tmp_path):
    (tmp_path / "b.md").write_text("1. One: a.\n2. Two: b.\n")
    (tmp_path / "a.txt").write_text("1. Three: c.\n2. Four: d.\n")
    (tmp_path / "notes.json").write_text("{}")
    assert [e.name for e in read_essays(tmp_path)] == ["a.txt", "b.md"]


def test_abbreviations_do_not_end_the_excerpt():
    essay = parse_essay(
        "e.txt", "1. Oppression: Forms of it (e.g. racism) overlap. More.\n2. X: y.\n"
    )
    assert essay.items[0].excerpt == "Forms of it (e.g. racism) overlap."


def test_reading_essays_never_follows_a_link_out_of_the_folder(tmp_path):
    """Whoever reads the essays (themes, build, anything else), a link to a file outside the
    folder is refused, so a system file can never be quoted in a prompt."""
    import pytest

    from bot.errors import InputError

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("1. Sharing stories: We talk.\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("1. Private: not for prompts.\n", encoding="utf-8")
    (seeds / "b.txt").symlink_to(secret)
    with pytest.raises(InputError) as raised:
        read_essays(seeds)
    [problem] = raised.value.problems
    assert problem.path == str(seeds / "b.txt") and "outside the essay folder" in problem.message


def test_a_thing_met_in_passing_never_titles_a_prose_paragraph():
    paragraphs = [
        "Twelve of us came to the first meeting, most of us too shy to speak. Someone had baked, "
        "so there was cake on every table, and cake gave our hands something to do. What "
        "mattered was that nobody was asked to explain themselves or say why they had come.",
        "Food is where many of us first meet. Cooking dumplings with friends and sharing recipes "
        "from grandmothers opens conversations about family and about the food we grew up with.",
    ]
    essay = parse_essay("prose.md", "# Notes\n\n" + "\n\n".join(paragraphs))
    assert essay.items[1].title == "Food"  # what the opening sentence is about
    assert essay.items[0].title != "Cake"


def test_an_ordinal_or_a_phrase_cut_from_someones_never_titles_a_prose_paragraph():
    paragraphs = [
        "When I first came here I knew nobody at all. The first winter was the loneliest of my "
        "life, and the second was not much better until I found the Thursday table.",
        "Tam, who is not anyone's real aunt, runs the Thursday table at the library. Everyone "
        "calls her Auntie Tam, and her real name is a mystery to most of us. The table has no "
        "agenda and nobody is asked why they came.",
    ]
    essay = parse_essay("prose.md", "# Notes\n\n" + "\n\n".join(paragraphs))
    found = [i.title.lower() for i in essay.items]
    assert "first" not in found and "real aunt" not in found, found


def test_a_closing_paragraph_that_introduces_a_list_is_no_item():
    paragraphs = [
        "The members now come from eleven countries, and most of them are younger than the "
        "founders ever expected. Most of them found us through a friend rather than online.",
        "Cooking is the part of the lunch that newcomers remember. Chopping vegetables beside "
        "someone is easier than sitting across a table from them, and the food gives everyone "
        "something to talk about when the conversation stalls.",
        "Looking back over ten years of Sunday lunches, here is what the whole circle agrees on, "
        "written down for anyone who wants to start a lunch of their own in a new city.",
    ]
    text = "# Notes\n\n" + "\n\n".join(paragraphs) + "\n\n- Cook together\n- Eat slowly\n"
    found = [i.title.lower() for i in parse_essay("prose.md", text).items]
    assert len(found) == 2 and not any("looking back" in t for t in found), found
    assert not {"cook together", "eat slowly"} & set(found)  # the prose is the essay


def test_a_concrete_noun_named_in_the_opening_is_no_title_unless_it_is_its_subject():
    paragraphs = [
        "Our first meeting had cake, and cake was the reason half of us stayed. Someone brought "
        "a lemon cake in a tin, and by the end of the evening the cake was gone and we were "
        "friends.",
        "Food is where many of us first meet. Cooking dumplings with friends and sharing recipes "
        "from grandmothers opens conversations about family and about the food we grew up with.",
    ]
    essay = parse_essay("prose.md", "# Notes\n\n" + "\n\n".join(paragraphs))
    found = [i.title for i in essay.items]
    assert found[1] == "Food" and "cake" not in found[0].lower().split()[:2], found
