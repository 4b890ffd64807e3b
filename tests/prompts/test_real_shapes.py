"""Prompts from essays in the shapes people publish (tests/data/essays_md/), each built alone as
a new community would, with and without a collection file: nothing that is not a noun phrase
is slotted into a question, every quote means something on its own, and the question around a
quote fits what it is."""

import re
from pathlib import Path

import pytest

from bot.essays.phrases import noun_phrase_problem, says_it_alone, stands_alone
from bot.essays.reader import parse_essay
from bot.prompts.generate import initial_drafts, load_bank
from bot.prompts.quotes import quote_kind
from bot.safety.heavy import read_heavy_topics
from bot.themes.extract import merge_items
from bot.themes.titles import load_vocabulary
from tests.prompts.essay_builds import build_alone

ESSAYS = Path(__file__).resolve().parents[1] / "data" / "essays_md"
NAMES = sorted(p.name for p in ESSAYS.iterdir())
QUOTED = re.compile(r"“([^”]+)”")


@pytest.fixture(scope="module", params=[False, True], ids=["alone", "with-collection"])
def built(request, tmp_path_factory):
    """essay name -> (themes, prompts) built from that essay alone."""
    out = {}
    for name in NAMES:
        root = tmp_path_factory.mktemp(name.replace(".", "-"))
        collection = (
            f"subject: community life\nessays:\n  {name}:\n    title: Notes from our group\n"
            if request.param
            else None
        )
        themes, _, prompts = build_alone(ESSAYS / name, root, collection)
        out[name] = (themes, prompts)
    return out


def quotes_in(question, essay_titles=("Notes from our group",)):
    """The quoted sentences of a question, the essay's title aside."""
    return [q for q in QUOTED.findall(question) if q not in essay_titles]


def whole_or_cut_at_a_clause(quote):
    """A quote stands alone, or is a long one cut at a clause ("…") after eight words."""
    return stands_alone(quote) or (quote.endswith("…") and len(quote.split()) >= 8)


def test_every_essay_gives_prompts(built):
    """Every essay gives prompts, on all its themes but at most one: an item whose every line
    is too long to quote whole, or leans on another, may give none rather than a bad one."""
    for name in NAMES:
        themes, prompts = built[name]
        asked = {p.theme_id for p in prompts}
        assert len(themes) >= 2 and len(asked) >= len(themes) - 1, name


def test_no_title_that_is_not_a_noun_phrase_is_slotted(built):
    for name in NAMES:
        themes, prompts = built[name]
        for theme in themes:
            if theme.concept:
                continue
            if theme.kind in ("noun", "prose"):
                assert noun_phrase_problem(theme.phrase) is None, (name, theme.phrase)
            else:
                own = [p for p in prompts if p.theme_id == theme.id]
                for prompt in own:  # the title appears, if at all, quoted whole
                    text = QUOTED.sub("", prompt.question)
                    assert theme.title.lower() not in text.lower(), prompt.question


def test_instructions_and_sentences_are_quoted_whole_never_slotted(built):
    _, prompts = built["ways-to-show-up.md"]
    questions = " ".join(p.question for p in prompts)
    assert "“Ask before you help.”" in questions
    for bad in ("about ask before", "about make the first", "about pair newcomers", "of learn"):
        assert bad not in questions.lower()
    _themes, prompts = built["shelter-nights.md"]
    questions = " ".join(p.question for p in prompts).lower()
    assert "around ask for help early" not in questions
    assert "view of time is short" not in questions


def test_every_quote_stands_alone_and_has_no_markdown(built):
    for name in NAMES:
        themes, prompts = built[name]
        titles = {t.title.rstrip(".") for t in themes}
        essay_titles = {s.essay_title for t in themes for s in t.sources}
        for prompt in prompts:
            for quote in quotes_in(prompt.question, essay_titles):
                assert quote.rstrip(".") in titles or whole_or_cut_at_a_clause(quote), quote
            for text in (prompt.question, prompt.context or ""):
                assert not re.search(r"\*\*|\]\(|https?:|(^|\s)_\w|`|^> ", text), text


def test_an_anecdote_about_a_named_person_and_the_writers_record_are_never_quoted(built):
    themes, prompts = built["recovery-notes.txt"]
    texts = " ".join(f"{p.question} {p.context}" for p in prompts)
    assert "Mei" not in texts and "She was right" not in texts
    assert "ten years" not in texts  # "I've run this group for ten years" is a CV line
    essay_titles = {s.essay_title for t in themes for s in t.sources}
    quotes = [q for p in prompts for q in quotes_in(p.question, essay_titles)]
    assert quotes and not any(q.endswith(("?", ":")) for q in quotes)


def test_prose_titles_are_phrases_a_reader_would_write(built):
    themes, _ = built["recovery-notes.txt"]
    titles = [t.title for t in themes]
    assert "Debt" in titles and "Peer support" in titles
    for title in titles:  # a phrase, or a whole sentence of the paragraph
        if len(title.split()) <= 3:
            assert not set(title.lower().split()) & {"you're", "i've", "mei", "right", "cbt"}
        else:
            assert len(title.split()) >= 5, title
        assert title != "Peer"
        assert title != "CBT" and not title.lower().startswith("changing")


def test_questions_fit_the_kind_of_quote(built):
    bank = load_bank()
    forms = [*bank.quote_forms, *bank.gentle_quote_forms]
    patterns = [
        (
            re.compile(
                re.escape(f.question)
                .replace(re.escape("{quote}"), "(?P<q>.+)")
                .replace(re.escape("{title}"), ".+")
                .replace(re.escape("{subject}"), ".+")
                + "$"
            ),
            f,
        )
        for f in forms
    ]
    heavy = read_heavy_topics()
    seen_forms = set()
    checked = 0
    for name in NAMES:
        _, prompts = built[name]
        for prompt in prompts:
            for pattern, form in patterns:
                m = pattern.match(prompt.question)
                if m:
                    seen_forms.add(form.question)
                    kind = quote_kind(m.group("q"))
                    kind = "claim" if kind == "fact" else kind
                    heavy_title = heavy.touches(prompt.theme_id.replace("-", " "))
                    if heavy_title and kind != "practice":  # under "Low mood": with care
                        assert form in bank.gentle_quote_forms, prompt.question
                    assert kind in form.fits, prompt.question
                    checked += 1
                    break
    assert checked >= 20
    assert len(seen_forms) > 4  # more than four stock forms


def test_advice_experience_and_claims_get_their_own_questions(built):
    _, prompts = built["ways-to-show-up.md"]
    advice = [p.question for p in prompts if "“Ask before you help.”" in p.question]
    assert advice and re.search(r"advice|work where you are|tried|compare", advice[0])
    _, prompts = built["shelter-nights.md"]
    claim = [p.question for p in prompts if "“Rest is part of the work.”" in p.question]
    assert claim and re.search(r"compare|understand|understood|add to (?:it|this)", claim[0])


def test_the_subject_is_a_short_phrase_of_the_title_or_none(built):
    for name, wanted, unwanted in [
        ("quiet-streets.md", "organising in small towns", "quiet streets, loud hearts"),
        ("markets.md", "Saturday markets", "saturday markets"),
        ("ways-to-show-up.md", None, "five ways"),
        ("shelter-nights.md", None, "what the night shelter"),
        ("supper-club.md", None, "on twelve months"),
    ]:
        themes, prompts = built[name]
        subjects = {s.subject for t in themes for s in t.sources}
        if subjects == {"community life"}:
            continue  # declared in the collection file
        questions = " ".join(p.question for p in prompts)
        assert unwanted not in questions, name
        assert subjects <= {wanted or ""}, (name, subjects)


def test_headings_that_ask_or_name_nothing_are_never_quoted_as_a_line(built):
    _, prompts = built["anxious-volunteer.md"]
    for prompt in prompts:
        assert "“What helped me.”" not in prompt.question
        assert "“What organisations can do.”" not in prompt.question
        assert "“Why does this matter?" not in prompt.question


def test_an_instruction_is_not_cut_down_to_its_object(built):
    _, prompts = built["moderator-advice.txt"]
    questions = " ".join(p.question for p in prompts)
    assert "about own time" not in questions and "“Protect your own time.”" in questions


def test_slotted_phrases_get_an_article_where_english_needs_one(built):
    _, prompts = built["part-structure.md"]
    questions = " ".join(p.question for p in prompts)
    assert "about tool library" not in questions and "of tool library" not in questions


def test_title_case_headings_and_their_subject_read_right(built):
    themes, prompts = built["title-case.md"]
    questions = " ".join(p.question for p in prompts)
    assert "online versus in person" not in questions.lower().replace(
        "“online versus in person", ""
    )
    subjects = {s.subject for t in themes for s in t.sources}
    assert subjects in ({"small groups"}, {"community life"})


def test_instructions_in_bold_or_after_an_emoji_are_never_slotted(built):
    for name in ("bold-paras.md", "emoji-steps.md"):
        themes, prompts = built[name]
        assert all(t.kind == "sentence" for t in themes), name
        questions = " ".join(p.question for p in prompts).lower()
        for bad in ("about label every", "about start small", "about make space", "step 1"):
            assert bad not in questions, name


def test_a_private_fact_of_the_writers_is_never_asked_to_be_matched():
    essay = parse_essay(
        "notes.md",
        "# Notes from a support circle\n\n"
        "## Finding the circle\n\n"
        "I was diagnosed with depression in my second year at university. "
        "The circle met on Tuesdays in the library basement and nobody had to speak.\n\n"
        "## Staying\n\n"
        "Regular meetings build trust faster than occasional long ones. "
        "A fixed time each week means nobody has to organise from scratch.\n",
    )
    bank = load_bank()
    drafts = [d for t in merge_items([essay], load_vocabulary()) for d in initial_drafts(t, bank)]
    quoting = [d for d in drafts if "diagnosed" in d.question]
    assert quoting
    for draft in quoting:
        assert draft.sensitive, draft.question
        assert not re.search(r"happened to you|moment of your own|felt something", draft.question)
    assert quote_kind("I was diagnosed with depression in my second year.") == "private"


def test_a_title_line_gives_the_subject_and_a_file_name_gives_one_only_when_it_is_a_topic(built):
    themes, _ = built["support-groups.txt"]
    assert {s.subject for t in themes for s in t.sources} <= {
        "mental health support",
        "community life",
    }
    themes, _ = built["lunch-club.txt"]  # "Lunch club" is no topic to ask about
    assert {s.subject for t in themes for s in t.sources} <= {"", "community life"}


def test_questions_as_headings_are_themes_asked_through_their_answers(built):
    themes, prompts = built["faq.md"]
    assert "Do I have to talk about myself?" in {t.title for t in themes}
    quotes = [q for p in prompts for q in QUOTED.findall(p.question)]
    assert "Plenty of people come for months and mostly listen." in quotes  # "No." stays apart
    assert not any(q.endswith("?") for q in quotes)


def test_bold_bullets_under_section_headings_are_the_items(built):
    themes, prompts = built["youth-group.md"]
    assert {t.title for t in themes} == {
        "Clear information",
        "A named contact",
        "Choice of activities",
        "Shared ground rules",
        "Time to hang out",
    }
    questions = " ".join(p.question for p in prompts)
    assert "the time to hang out" not in questions


def test_list_fragments_second_person_titles_and_long_gerund_titles(built):
    themes, prompts = built["carers.md"]
    questions = " ".join(p.question for p in prompts)
    assert "“You are a carer.”" not in questions  # said to members, it tells them who they are
    assert "a weekly swim" not in questions.lower()  # a list entry that goes on "What helped:"
    assert "What helped:" not in questions
    assert "In short" not in questions and "resonated" not in questions
    subjects = {s.subject for t in themes for s in t.sources}
    assert subjects in ({"caring for a parent"}, {"community life"})
    assert "‘just helping out’" in questions or "just helping out" not in questions


def test_a_long_heading_is_asked_about_through_its_lines_never_slotted(built):
    for name in NAMES:
        themes, prompts = built[name]
        for theme in themes:
            qualified = re.search(r" (?:for|of|in|with|about) ", theme.phrase)
            if theme.concept or len(theme.phrase.split()) <= 4 or not qualified:
                continue
            for prompt in [p for p in prompts if p.theme_id == theme.id]:
                asked = QUOTED.sub("", prompt.question).lower()
                assert theme.phrase.lower() not in asked, prompt.question


def test_a_single_word_found_in_prose_is_never_slotted(built):
    for name in NAMES:
        themes, prompts = built[name]
        for theme in themes:
            if theme.kind != "prose" or " " in theme.phrase.strip():
                continue
            for prompt in [p for p in prompts if p.theme_id == theme.id]:
                asked = QUOTED.sub("", prompt.question).lower()
                assert theme.phrase.lower() not in asked, prompt.question


def test_no_quote_is_followed_by_a_question_that_asks_members_to_match_it(built):
    """A line of the essay, whoever it is about, is never asked "has this happened to you?",
    "does this bring back a moment of your own?" or "do you agree?" of a line that may argue
    nothing: members answer about the line, in their own terms."""
    for name in NAMES:
        for prompt in built[name][1]:
            asked = QUOTED.sub("", prompt.question).lower()
            for push in ("happened to you", "moment of your own", "do you agree", "ring true"):
                assert push not in asked, prompt.question


def test_a_long_essay_title_and_a_long_line_still_make_a_question_discord_takes(built):
    _, prompts = built["long-title-practice.md"]
    assert prompts
    for prompt in prompts:
        assert len(prompt.question) <= 300, prompt.question


@pytest.mark.parametrize(
    "line",
    [
        "Between them, the two rotas made the winter bearable for the volunteers.",
        "Since the spring we run it on weekday mornings only.",
        "Nobody on the committee wants to skip it any more.",
        "We hold on to the ones that still make us laugh at the end of the night.",
        "Every week we tell them to leave the legal questions to the advice desk.",
        "Looking back over ten years, here is what the choir gave me.",
        "Before we begin, the chair reads out the three house rules.",
        "Drivers and bakers are always welcome, so just reply to this post.",
        "If you want to help, get in touch with the coordinator by email.",
        "What we have learned over the years is simple.",
        "Everyone who buys one gets a free slice of cake at the end.",
        "There have been hard years too.",
        "There were hard years, too.",
        "Many groups now switch between the two.",
        "Several of our regulars spent their first month in that corner.",
        "A partner from the exchange had no stake in it.",
        "If you run a group like ours, we would love to hear how you handle the summer.",
        "Pickled radish, spring onions and a chilli oil that only one member could make.",
        "Conversations on the doorstep usually do not.",
        "A short message with these details lowers the barrier to coming at all.",
        "Not every group will manage this, but each should know who to ring.",
        "The first winter we forgot this, so the heating bill doubled.",
        "Usually a handful do, and that is what everyone talks about afterwards.",
        "'That was when I knew I had changed countries,' he says.",
        "Anyone running something similar: send us a note and we will share our forms.",
        "We keep his old apron on a hook behind the kitchen door.",
        "The lesson of that winter comes down to this.",
    ],
)
def test_a_line_that_leans_on_what_is_not_quoted_never_stands_alone(line):
    assert not (stands_alone(line) and says_it_alone(line))


@pytest.mark.parametrize(
    "line",
    [
        "If a meeting runs long, the chair ends it with a round of thanks.",
        "Newcomers often hover by the door until someone offers them a cup of tea.",
        "Most volunteers stay for a year, and many of them stay far longer.",
        "Asking for help is easier when the people around you have done it too.",
    ],
)
def test_a_line_whose_pronouns_point_inside_it_stands_alone(line):
    assert stands_alone(line) and says_it_alone(line)


@pytest.mark.parametrize(
    ("title", "quoted"),
    [
        ("Getting together — why the video era ended", False),
        ("Saying hello", False),
        ("Names for ourselves", False),
        ("Names we give ourselves", False),
        ("Songs they taught us", False),
        ("Ask before you help", True),
        ("Time is short", True),
        ("Label the shelves", True),
        ("Nothing leaves the room", True),
    ],
)
def test_a_heading_is_quoted_only_when_it_says_something_whole(title, quoted):
    from bot.prompts.generate import _title_quotable

    assert _title_quotable(title) is quoted


def test_no_two_prompts_of_a_theme_ask_in_the_same_words(built):
    for name in NAMES:
        _, prompts = built[name]
        by_theme = {}
        for prompt in prompts:
            asked = QUOTED.sub("“…”", prompt.question)
            assert asked not in by_theme.setdefault(prompt.theme_id, set()), prompt.question
            by_theme[prompt.theme_id].add(asked)


def test_every_question_ends_as_a_question(built):
    for name in NAMES:
        for prompt in built[name][1]:
            assert prompt.question.endswith("?"), prompt.question


def test_a_question_quotes_whole_lines_only(built):
    """A line cut at its comma loses what comes after it, often its point: a question quotes
    whole sentences of the essay, and a line too long to quote is left to be context."""
    for name in NAMES:
        for prompt in built[name][1]:
            for quote in quotes_in(prompt.question, (prompt.source, "Notes from our group")):
                assert not quote.endswith("…"), prompt.question


def test_an_idea_to_try_is_only_ever_a_lists_or_headings_own_noun(built):
    for name in NAMES:
        themes, prompts = built[name]
        for theme in themes:
            if theme.kind == "noun":
                continue
            for prompt in [p for p in prompts if p.theme_id == theme.id]:
                assert "Here is one idea from" not in prompt.question, prompt.question
                assert " suggests " not in QUOTED.sub("", prompt.question), prompt.question
