"""Essays written the way people publish them (tests/data/essays_md/) are read as Markdown:
items from the document tree, marks made plain, recaps and link lists left out."""

from pathlib import Path

import pytest

from bot.essays.reader import parse_essay, read_essays

ESSAYS = Path(__file__).resolve().parents[1] / "data" / "essays_md"


@pytest.fixture(scope="module")
def essays():
    return {e.name: e for e in read_essays(ESSAYS)}


def titles(essay):
    return [i.title for i in essay.items]


def test_numbered_bold_titles_become_items_and_the_recap_list_is_no_item(essays):
    essay = essays["ways-to-show-up.md"]
    assert titles(essay) == [
        "Ask before you help",
        "Learn names, and use them",
        "Pair newcomers with a buddy",
        "Make the first task small",
        "Follow up after a missed week",
    ]
    assert [i.number for i in essay.items] == [1, 2, 3, 4, 5]
    first = essay.items[0]
    assert first.body.startswith("Most people arriving for the first time")
    assert "Taking no for an answer is a kind of respect." in first.body  # *no* made plain
    assert "**" not in first.body and "1." not in first.body
    # the quote under item 3 stays with it, without its ">" marker
    assert essay.items[2].body.endswith("The first meeting decides whether there is a second one.")
    # the paragraph after the list and the recap are no part of the last item
    assert "welcome guide" not in essay.items[-1].body
    assert "Ask before you help" not in essay.items[-1].body


def test_numbered_headings_keep_every_paragraph_and_leave_the_subtitle_out(essays):
    essay = essays["shelter-nights.md"]
    assert essay.heading == "What the night shelter taught me"  # from the front matter
    assert titles(essay) == [
        "Time is short",
        "Ask for help early",
        "Rest is part of the work",
        "Small kindnesses are remembered",
    ]
    first = essay.items[0]
    assert first.number == 1
    assert first.body.startswith("The shelter opens at eight")
    assert first.body.endswith("an hour of advice.")  # the paragraphs after the blank line
    assert "title:" not in " ".join(i.body for i in essay.items)  # front matter skipped
    assert "Recap" not in titles(essay)
    assert not essay.items[-1].truncated
    assert "listen first" not in essay.items[-1].body  # the recap is not glued on


def test_headings_with_subtitles_drop_marks(essays):
    essay = essays["markets.md"]
    assert titles(essay) == ["Regular customers", "Local food", "Volunteer stewards"]
    body = " ".join(i.body for i in essay.items)
    assert "Nobody plans this." in body and "regulars start asking" in body
    assert not any(mark in body for mark in ("_", "**", "`"))


def test_bold_colon_bullets_are_items_and_a_list_of_links_is_none(essays):
    essay = essays["garden-club.md"]
    assert titles(essay) == ["Shared tools", "Seasonal work days", "Harvest swaps", "Quiet corners"]
    assert not any("http" in i.title or "http" in i.body for i in essay.items)


def test_a_link_keeps_its_text_and_is_never_split_at_the_url():
    essay = parse_essay(
        "links.md",
        "1. [Join the rota](https://example.org/x): Two hours a month keeps the hall open.\n"
        "2. **Bring a friend**: See the [guide](https://example.org/guide) for ideas.\n",
    )
    assert titles(essay) == ["Join the rota", "Bring a friend"]
    assert essay.items[1].body == "See the guide for ideas."


def test_numbered_items_split_by_unindented_paragraphs_keep_their_paragraphs():
    text = (
        "1. **Start small**\n\nPick one evening a month.\n\nKeep it short.\n\n"
        "2. **Share the load**\n\nRotate who hosts.\n\nThat's all there is to it.\n"
    )
    essay = parse_essay("split.md", text)
    assert titles(essay) == ["Start small", "Share the load"]
    assert essay.items[0].body == "Pick one evening a month. Keep it short."


def test_a_bold_paragraph_on_its_own_is_a_heading():
    text = (
        "**1. Listen first**\n\nMost people want to be heard before they want advice.\n\n"
        "**2. Follow up**\n\nA message a week later shows you meant it.\n"
    )
    essay = parse_essay("bold-heads.md", text)
    assert [(i.number, i.title) for i in essay.items] == [(1, "Listen first"), (2, "Follow up")]


def test_markdown_in_a_txt_file_is_read_as_markdown(tmp_path):
    (tmp_path / "notes.txt").write_text(
        "Some words first.\n\n1) **Cook together**: Meals start talks.\n"
        "2) **Walk together**: Walks are easier than meetings.\n",
        encoding="utf-8",
    )
    [essay] = read_essays(tmp_path)
    assert titles(essay) == ["Cook together", "Walk together"]
    assert essay.items[0].body == "Meals start talks."


def test_numbered_h3_headings_keep_their_bullets_and_skip_image_tldr_and_outro(essays):
    essay = essays["lessons.md"]
    assert titles(essay) == [
        "Shorter books get finished",
        "Rotating hosts keeps it alive",
        "The quiet members have the best insights",
        "Not every book has to be about us",
    ]
    assert "Hosts pick from a shortlist." in essay.items[1].body
    assert "Thanks for reading" not in essay.items[-1].body


def test_tips_numbered_with_a_short_first_sentence_are_titled_by_it(essays):
    essay = essays["moderator-advice.txt"]
    assert titles(essay)[:2] == [
        "Write the rules down before you need them",
        "Never moderate while you are angry",
    ]
    assert essay.items[0].body.startswith("Arguments about what is allowed")


def test_bullets_of_whole_sentences_are_titled_by_their_bold_words(essays):
    essay = essays["bold-in-sentences.md"]
    assert titles(essay) == [
        "Step-free access details",
        "Food and drink",
        "Quiet room",
        "Talks are captioned live by a volunteer typing into a shared screen",  # no noun in bold
        "Public transport access",
    ]


def test_sections_nest_under_parts_and_a_final_thoughts_section_is_no_item(essays):
    assert titles(essays["part-structure.md"]) == [
        "Grocery runs",
        "Phone trees",
        "Tool library",
        "Skill swaps",
    ]
    anxious = essays["anxious-volunteer.md"]
    assert anxious.heading == "The anxious volunteer"
    assert titles(anxious) == [
        "Why does this matter?",
        "What helped me",
        "What organisations can do",
    ]
    assert "first shift is the hardest one" in anxious.items[0].body  # the quote, marker gone


def test_paragraphs_opening_in_bold_are_items(essays):
    assert titles(essays["bold-paras.md"]) == [
        "Label every dish",
        "Have a greeter at the door",
        "Keep it cheap",
        "End on time",
    ]
    assert essays["bold-paras.md"].items[0].body.startswith("People arrive with allergies")


def test_emoji_and_step_counters_are_left_out_of_heading_titles(essays):
    essay = essays["emoji-steps.md"]
    assert [(i.number, i.title) for i in essay.items] == [
        (1, "Start small"),
        (2, "Agree on confidentiality"),
        (3, "Make space for silence"),
        (4, "Meet regularly"),
    ]


def test_prose_paragraphs_are_titled_by_what_their_opening_sentence_is_about(essays):
    found = titles(essays["lunch-club.txt"])
    assert "Loneliness among older people" in found
    assert "Intergenerational projects" in found


def test_top_level_sections_a_content_note_unmarked_lines_and_template_tags(essays):
    essay = essays["two-winters.md"]
    assert essay.heading == "Two winters of burnout"
    assert titles(essay) == ["What burnout looked like", "What helped"]
    first = essay.items[0].body
    assert "Sleep. Appetite. Friends. Each of these slipped" in first  # lines without markers
    assert "{{" not in first and "figure" not in first
    assert ":seedling:" not in essay.items[1].title


def test_a_txt_title_line_and_prose_titled_by_the_phrases_a_reader_would_use(essays):
    essay = essays["support-groups.txt"]
    assert essay.heading == "Mental health support in small community groups"
    found = titles(essay)
    for wanted in ("Community groups", "Peer listening", "Stigma", "Volunteer wellbeing"):
        assert wanted in found
    assert len(found) == 7  # two paragraphs naming one phrase stay two items
    assert not {"Peer", "Volunteer", "Community groups work best"} & set(found)


def test_a_recap_list_without_a_heading_is_not_glued_onto_the_last_item():
    text = (
        "## 1) Listen first: the hardest habit\n\nMost people want to be heard before advised.\n\n"
        "## 2) Follow up\n\nA message a week later shows you meant it.\n\n"
        "So, in short:\n\n- Listen first\n- Follow up\n"
    )
    essay = parse_essay("recap.md", text)
    assert [(i.number, i.title) for i in essay.items] == [(1, "Listen first"), (2, "Follow up")]
    assert essay.items[1].body == "A message a week later shows you meant it."


def test_a_counter_before_the_colon_gives_way_to_the_title_after_it():
    essay = parse_essay(
        "myths.md",
        "## Lesson one: trust takes time\n\nIt takes months to build.\n\n"
        "## Myth #2: Nobody cares\n\nMost people care more than you think.\n",
    )
    assert titles(essay) == ["Trust takes time", "Nobody cares"]


def test_html_in_an_essay_is_left_out():
    essay = parse_essay(
        "html.md",
        "<!-- more -->\n\n## One <br> title\n\nSome <em>body</em> text here.\n\n"
        '<div class="aside">\nhidden block\n</div>\n\n## Two\n\nMore text.\n',
    )
    assert [(i.title, i.body) for i in essay.items] == [
        ("One title", "Some body text here."),
        ("Two", "More text."),
    ]


def test_an_italic_line_under_a_heading_is_its_subtitle():
    text = (
        "# Markets\n\n## Regular customers\n*How a stall becomes a meeting point*\n\n"
        "The same faces come back every week.\n\n## Local food\n_Keeping money close to home_\n\n"
        "Money spent at the market stays in the area.\n"
    )
    essay = parse_essay("subtitles.md", text)
    assert [(i.title, i.body) for i in essay.items] == [
        ("Regular customers", "The same faces come back every week."),
        ("Local food", "Money spent at the market stays in the area."),
    ]


def test_closing_points_that_restate_the_sections_are_no_new_items():
    text = (
        "# Our choir\n\n## Tasks for good weeks and bad weeks\n\nSome weeks people have energy "
        "and some weeks they do not. We keep a list of jobs for every mood, from sorting sheet "
        "music to making the tea.\n\n## Rehearsal rhythm\n\nA short warm-up, two songs in depth "
        "and one for fun keeps rehearsals steady.\n\n## A goodbye round\n\nEach rehearsal ends "
        "with a goodbye round where everyone says one word about the evening.\n\n"
        "## What we'd tell another group\n\n"
        "1. **Have a job for every mood.** Sorting music or making tea counts.\n"
        "2. **Keep the rehearsal rhythm steady.** Warm-up, two songs, one for fun.\n"
        "3. **End with a goodbye round.** One word each about the evening.\n"
    )
    essay = parse_essay("choir.md", text)
    assert titles(essay) == [
        "Tasks for good weeks and bad weeks",
        "Rehearsal rhythm",
        "A goodbye round",
    ]


def test_a_closing_list_of_advice_under_its_own_heading_is_no_item():
    essays_md = Path(__file__).resolve().parents[1] / "data" / "essays_md"
    text = (essays_md / "house-rules.md").read_text()
    essay = parse_essay("house-rules.md", text)
    found = [i.title for i in essay.items]
    assert "Our advice to others" not in found
    assert {"Speak for yourself", "Nothing leaves the room", "Leave space"} <= set(found)
    assert "When a book hits close to home" in found


def test_a_list_of_rules_sharing_words_with_earlier_sections_is_items_not_a_recap():
    essays_md = Path(__file__).resolve().parents[1] / "data" / "essays_md"
    essay = parse_essay("who-we-tell.md", (essays_md / "who-we-tell.md").read_text())
    found = [(i.number, i.title) for i in essay.items]
    assert (1, "Family stays private") in found and (4, "First names only") in found, found
    assert "What we expect of each other" not in [t for _, t in found]


def test_a_subtitle_after_a_dash_stays_out_of_a_heading_title():
    text = (
        "# Notes\n\n## Getting together — why the video era ended\n\nWe met on screens for two "
        "years and everyone was tired of it by the end.\n\n## Meetings – short and regular\n\n"
        "Forty-five minutes once a month is easier to say yes to than two hours.\n"
    )
    assert titles(parse_essay("dash.md", text)) == ["Getting together", "Meetings"]
