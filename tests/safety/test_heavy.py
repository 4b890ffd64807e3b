"""Heavy subjects judged on what a text is about, and a badly edited list named by its line."""

import pytest

from bot.cli import main
from bot.errors import InputError
from bot.safety import heavy
from bot.safety.heavy import read_heavy_topics

HEAVY = {
    "homelessness": "For most of that winter she slept rough behind the bus station.",
    "debt and eviction": "The letters kept coming: we were behind on the rent and the bills.",
    "depression and low mood": "Some months my mood sank so low that I stopped answering calls.",
    "self-harm and suicide": "He talked about the years when he was hurting himself in secret "
    "and about self-harm groups.",
    "addiction": "Two years into recovery from addiction, she still goes to her meetings.",
    "abuse and violence": "What he called jealousy was abuse, and it took her years to see it.",
    "incarceration": "After three years in prison, finding work felt impossible.",
    "illness": "The week after my cancer diagnosis I could not read a single email.",
    "bereavement": "Our grandmother died in spring, and the funeral was in her village.",
}
LIGHT = [
    "Our choir raises money for the shelter every winter. What helps you with stage fright?",
    "The hospital rota changes each week. How do you plan your rest around a new shift?",
    "We raised money for new chairs and the rent of the hall was covered by a grant.",
    "Bring a dish you are dying to share; the market stall was to die for.",
    "Who in your life taught you to cook?",
]


def test_each_heavy_subject_is_found_in_a_text_about_it():
    topics = read_heavy_topics()
    for subject, text in HEAVY.items():
        assert subject in topics.subjects_of(text), (subject, text)


def test_a_word_that_merely_appears_does_not_make_a_text_heavy():
    topics = read_heavy_topics()
    for text in LIGHT:
        assert not topics.touches(text), (text, topics.subjects_of(text))


def test_a_text_is_judged_whole_two_light_words_of_one_subject_make_it_heavy():
    topics = read_heavy_topics()
    assert not topics.touches("The loan of a projector made the evening.")
    assert topics.subjects_of("Paying back the loan meant we were always short of rent.") == (
        "debt and eviction",
    )


BAD_FILES = {
    "topics:\n  grief: [grief\n": 2,  # unclosed list: the line of its bracket
    "topics:\n  grief:\n    strong: grief\n": 3,  # a word, not a list
    "topics:\n  grief:\n    strong: [grief]\n    light: [loss]\n": 4,  # unknown key
    "topics:\n  grief:\n    strong: [grief, 12]\n": 3,  # not a word
    "topics:\n  grief:\n    strong: ['gr*ef']\n": 3,  # * inside a word
    "subjects:\n  grief: [grief]\n": 1,
}


@pytest.mark.parametrize("text", BAD_FILES)
def test_a_badly_edited_list_is_one_clear_message_at_its_line(tmp_path, text):
    path = tmp_path / "heavy_topics.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        read_heavy_topics(path)
    lines = [p.line for p in raised.value.problems]
    assert BAD_FILES[text] in lines, raised.value.problems


def test_validate_and_build_say_where_the_list_is_broken_without_a_traceback(
    tmp_path, monkeypatch, capsys
):
    broken = tmp_path / "heavy_topics.yaml"
    broken.write_text("topics:\n  grief:\n    strong: grief\n")
    monkeypatch.setattr(heavy, "SHIPPED", broken)
    seeds, out = tmp_path / "seeds", tmp_path / "prompts"
    seeds.mkdir()
    (seeds / "a.md").write_text(
        "1. Quiet rooms: Nobody pinged anyone. It was calm there all evening.\n"
        "2. Loud rooms: Everyone talked at once. Nobody heard the answer.\n"
        "3. Shared tables: Strangers passed the bread. Some stayed to wash up.\n"
    )
    assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:3: topic 'grief' strong must be a list" in err
    out.mkdir(exist_ok=True)
    (out / "a.yaml").write_text(
        "id: a\ntitle: A\nprompts:\n  - id: a-1\n    question: Why?\n    followups: []\n"
        "    context: x\n"
    )
    assert main(["prompts", "validate", "--dir", str(out)]) == 1
    assert f"{broken}:3: topic 'grief' strong must be a list" in capsys.readouterr().err


def test_heavy_texts_in_many_wordings_are_found_and_light_ones_left_alone():
    from tests.safety.heavy_probes import HEAVY_TEXTS, LIGHT_TEXTS

    topics = read_heavy_topics()
    found = [t for t in HEAVY_TEXTS if topics.touches(t)]
    assert len(found) / len(HEAVY_TEXTS) >= 0.85, [t for t in HEAVY_TEXTS if t not in found]
    wrongly = [(t, topics.subjects_of(t)) for t in LIGHT_TEXTS if topics.touches(t)]
    assert len(wrongly) <= 2, wrongly


def test_inflections_and_people_are_read_as_the_same_cue():
    topics = read_heavy_topics()
    assert "self-harm and suicide" in topics.subjects_of("He tried to end his life in May.")
    assert "bereavement" in topics.subjects_of("We buried our grandmother in the hills.")
    assert not topics.touches("We sold out of tickets, and the outing was scary fun.")


def test_a_contexts_attribution_to_an_essay_on_a_heavy_subject_tells_no_ones_story():
    heavy = read_heavy_topics()
    light = (
        "“A member's first evening ends with tea.” (from “Minding each other: low mood and grief”)"
    )
    assert heavy.in_context(light) == ()
    personal = "“My neighbour was evicted in March.” (from “Notes”)"
    assert heavy.in_context(personal)


def test_beating_a_document_is_no_violence():
    heavy = read_heavy_topics()
    assert not heavy.touches("Ten minutes of showing someone the stall beats any handbook.")
    assert heavy.touches("He was beaten on the way home from the bar.")
