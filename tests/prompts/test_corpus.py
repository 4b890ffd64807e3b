"""Prompts built from essays the question bank was not written for (tests/data/essays/).

Each essay is built on its own, as a community adding it to an empty seeds folder would, and
what comes out is read the way a moderator would: one theme per item, titles from the text,
no audience named, the essay's subject in the questions, varied openings, heavy subjects marked
and gentle, and nothing generated from the general forms enabled before someone accepts it.
"""

import re
import shutil
from pathlib import Path

import pytest

from bot.essays.reader import read_essays
from bot.prompts.build import build_prompts
from bot.prompts.generate import opening_of
from bot.prompts.loader import load_library
from bot.themes.extract import find_themes

CORPUS = Path(__file__).resolve().parents[1] / "data" / "essays"
ESSAYS = sorted(p.name for p in CORPUS.iterdir())
# Words that name the first community's audience, or presume it ("who you love" asks about
# sexuality in a question on any subject).
AUDIENCE_WORDS = re.compile(
    r"\b(asian|lgbtq\+?|queer|gay|lesbian|who you love|coming out)\b", re.IGNORECASE
)
SUBJECTS = {
    "climate-pacific.md": "climate activism",
    "disability-gaming.md": "disability and online gaming",
    "grief-rituals.txt": "grief rituals",
    "heritage-language.txt": "heritage language",
    "money-and-family.txt": "money and family",
    "shift-work.md": "working nights",
    "urban-gardens.md": "urban gardens",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """essay file name -> (themes, library) built from that essay alone."""
    out = {}
    for name in ESSAYS:
        root = tmp_path_factory.mktemp(name.replace(".", "-"))
        (root / "seeds").mkdir()
        shutil.copy(CORPUS / name, root / "seeds" / name)
        themes = find_themes(root / "seeds")
        build_prompts(themes, root / "prompts")
        out[name] = (themes, load_library(root / "prompts"))
    return out


def prompts_of(library):
    return [p for t in library.themes for p in t.prompts]


def test_the_corpus_has_eight_essays_of_every_shape():
    assert len(ESSAYS) >= 8
    texts = {n: (CORPUS / n).read_text(encoding="utf-8") for n in ESSAYS}
    assert any(re.search(r"^\d+\. ", t, re.M) for t in texts.values())  # numbered
    assert any(re.search(r"^\d+\) ", t, re.M) for t in texts.values())
    assert any(re.search(r"^- \*\*", t, re.M) for t in texts.values())  # bullets
    assert any(re.search(r"^## ", t, re.M) for t in texts.values())  # headings
    assert any(not re.search(r"^(\d|-|#)", t, re.M) for t in texts.values())  # prose
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts.values())  # not English


def test_every_item_is_one_theme_titled_in_the_essays_own_words(built):
    for name in ESSAYS:
        themes, _ = built[name]
        [essay] = [e for e in read_essays(CORPUS) if e.name == name]
        text = " ".join((CORPUS / name).read_text(encoding="utf-8").split()).lower()
        refs = [s.ref for t in themes for s in t.sources]
        assert sorted(refs) == sorted(i.ref for i in essay.items), name
        assert len(themes) == len(essay.items), name  # no two items of one essay collapse
        for theme in themes:
            if not theme.concept:
                assert theme.title.rstrip("…").lower() in text, (name, theme.title)


def test_theme_ids_are_specific_and_other_scripts_keep_their_own_themes(built):
    ids = {t.id for t in built["shift-work.md"][0]}
    assert {"mental-health", "physical-health"} <= ids
    tea, _ = built["tea-culture-zh.md"]
    assert len(tea) == 5 and all(re.fullmatch(r"item-[0-9a-f]{8}", t.id) for t in tea)
    assert {t.title for t in tea} == {"待客之道", "茶与家人", "茶馆文化", "新式茶饮", "茶与健康"}
    again = find_themes(CORPUS)  # the same items among seven other essays keep their ids
    assert {t.id for t in tea} <= {t.id for t in again}


def test_joined_nouns_are_kept_and_sentence_titles_are_quoted_never_slotted(built):
    gaming = {t.id: t for t in built["disability-gaming.md"][0]}
    assert gaming["harassment-moderation"].phrase == "harassment and moderation"
    _, library = built["disability-gaming.md"]
    for theme_id in ("small-steps-add-up", "ask-before-you-help"):
        for prompt in library.theme(theme_id).prompts:
            assert re.search(r"“[^”]+[.!?…]” ", prompt.question), prompt.question
    questions = " ".join(p.question for p in prompts_of(library))
    assert "about before you help" not in questions and "when steps add up" not in questions
    language = {s.title: t.id for t in built["heritage-language.txt"][0] for s in t.sources}
    assert language["Countering myths and misconceptions"] == "stereotypes"


def test_no_question_names_an_audience_the_essays_did_not_declare(built):
    for name in ESSAYS:
        for prompt in prompts_of(built[name][1]):
            for text in (prompt.question, *prompt.followups):
                assert not AUDIENCE_WORDS.search(text), (name, text)


def test_the_essays_subject_reaches_the_questions_of_every_slotted_theme(built):
    for name, subject in SUBJECTS.items():
        themes, library = built[name]
        for theme in themes:
            if theme.concept or theme.kind != "noun" or subject in theme.phrase:
                continue
            prompts = library.theme(theme.id).prompts
            slotted = [p for p in prompts if theme.phrase in re.sub(r"“[^”]*”", "", p.question)]
            if not slotted:
                continue  # asked about through its lines only
            texts = [t for p in prompts for t in (p.question, *p.followups)]
            assert any(subject in t for t in texts), (name, theme.id)


def test_no_two_prompts_of_a_theme_open_alike(built):
    for name in ESSAYS:
        for theme in built[name][1].themes:
            openings = [opening_of(p.question) for p in theme.prompts]
            assert len(openings) == len(set(openings)), (name, theme.id, openings)


def test_heavy_subjects_are_marked_sensitive_and_asked_gently(built):
    expected = {
        "disability-gaming.md": "harassment-moderation",
        "shift-work.md": "mental-health",
        "money-and-family.txt": "debt-shame",
    }
    for name, theme_id in expected.items():
        prompts = built[name][1].theme(theme_id).prompts
        assert prompts and all(p.sensitive for p in prompts), (name, theme_id)
    grief = prompts_of(built["grief-rituals.txt"][1])
    assert grief and all(p.sensitive for p in grief if p.is_draft)
    gardens = built["urban-gardens.md"][1].theme("food-security").prompts
    assert not any(p.sensitive for p in gardens)
    for name in ESSAYS:
        for prompt in prompts_of(built[name][1]):
            assert "better or worse" not in " ".join((prompt.question, *prompt.followups))


def test_prompts_from_the_general_forms_are_disabled_drafts(built):
    drafts = 0
    for name in ESSAYS:
        library = built[name][1]
        for prompt in prompts_of(library):
            from_bank = library.theme(prompt.theme_id).title == _bank_title(prompt.theme_id)
            if not from_bank:
                assert prompt.is_draft and not prompt.enabled, prompt.id
                drafts += 1
        assert not any(p.is_draft for p in library.enabled_prompts())
    assert drafts >= 60


def test_contexts_quote_one_whole_sentence_and_name_the_essay_by_title(built):
    for name in ESSAYS:
        for prompt in prompts_of(built[name][1]):
            m = re.fullmatch(r"“(.+)” \(from “(.+)”\)", prompt.context)
            assert m, prompt.context
            quote, title = m.groups()
            assert title == prompt.source and not title.endswith((".md", ".txt"))
            assert quote.endswith((".", "!", "?", "。", "…")), quote


def _bank_title(theme_id):
    from bot.themes.titles import load_vocabulary

    concept = load_vocabulary().concepts.get(theme_id)
    return concept.title if concept else None


def test_no_sentence_is_quoted_twice_within_a_theme(built):
    for name in ESSAYS:
        for theme in built[name][1].themes:
            quotes = [
                q
                for p in theme.prompts
                for q in re.findall(r"“([^”]+)”", p.question)
                if q != p.source
            ]
            assert len(quotes) == len(set(quotes)), (name, theme.id, quotes)
