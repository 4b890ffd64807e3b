"""Generated questions read like a facilitator's, for known and never-seen themes alike."""

from pathlib import Path

from bot.essays.reader import parse_essay
from bot.prompts.generate import draft_for_source, initial_drafts, load_bank, questions_for
from bot.themes.extract import find_themes, merge_items
from bot.themes.titles import load_vocabulary

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
UNSEEN = """\
1. Navigating family expectations: Many of us juggle what parents hope for with who we are.
2. Developing mentorship networks: Older members can guide newcomers through hard first years.
3. Reclaiming ancestral languages: Learning a grandparent's language can feel like coming home.
4. Celebrating queer elders: Our elders kept the doors open for us. They deserve thanks and
"""


def themes_of(text, name="new.txt"):
    return merge_items([parse_essay(name, text)], load_vocabulary())


def well_formed(question):
    return question.endswith("?") and len(question) <= 300 and "{" not in question


def test_unseen_themes_get_grammatical_questions_without_the_raw_title():
    bank = load_bank()
    themes = themes_of(UNSEEN)
    assert {t.id for t in themes} == {
        "family-expectation",
        "mentorship-network",
        "ancestral-language",
        "queer-elder",
    }
    for theme in themes:
        drafts = initial_drafts(theme, bank)
        assert len(drafts) == 1  # one line each: shown as the context of one question on it
        for draft in drafts:
            assert well_formed(draft.question)
            assert theme.sources[0].title.lower() not in draft.question.lower()
            assert len(draft.followups) >= 2
        for draft in drafts:  # an item's only line is never both the question and its context
            line = draft.context.split("“")[1].split("”")[0]
            assert line not in draft.question, draft
    family = next(t for t in themes if t.id == "family-expectation")
    assert family.phrase == "family expectations"


def test_unseen_themes_do_not_all_open_with_the_same_question():
    bank = load_bank()
    openings = {initial_drafts(t, bank)[0].question.split()[0] for t in themes_of(UNSEEN)}
    assert len(openings) >= 2


def test_seed_themes_vary_in_form():
    bank = load_bank()
    firsts = [initial_drafts(t, bank)[0].question for t in find_themes(SEEDS)]
    assert len({" ".join(q.split()[:2]) for q in firsts}) >= 12
    for question in firsts:
        assert well_formed(question)
        assert not question.startswith(("How has ", "What does Promoting"))


def test_context_quotes_the_essay_briefly_and_names_it():
    theme = next(t for t in find_themes(SEEDS) if t.id == "self-reflection")
    context = initial_drafts(theme, load_bank())[0].context
    assert context == (
        "“Cultural exchange can encourage members of mixed Asian heritage…” "
        "(from “Mixed Asian heritage and LGBTQ+ communities”)"
    )


def test_a_source_after_the_questions_run_out_gets_a_question_on_its_own_words():
    bank = load_bank()
    [theme] = [t for t in themes_of(UNSEEN) if t.id == "queer-elder"]
    used = {slot for slot, _ in questions_for(theme, bank)}
    draft = draft_for_source(theme, theme.sources[0], used, bank)
    assert draft.slot == "quote:new.txt#4"
    assert well_formed(draft.question) and "new.txt" in draft.question
    assert "Our elders kept the doors open for us." in draft.context  # its words, shown once
    assert "Our elders" not in draft.question


def test_a_singular_noun_ending_in_a_takes_the_article_and_agrees():
    from bot.essays.articles import is_plural, with_article

    assert not is_plural("shed rota") and with_article("shed rota") == "the shed rota"
    assert not is_plural("meeting agenda") and is_plural("the media")
