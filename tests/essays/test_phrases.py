"""What may fill a question's noun slot, and which sentences may be quoted on their own."""

import pytest

from bot.essays.phrases import noun_phrase_problem, reads_as_sentence, stands_alone
from bot.prompts.quotes import quote_kind


@pytest.mark.parametrize(
    "phrase",
    [
        "shared tools",
        "keeping culture alive",
        "faith and stewardship",
        "friendship across distance",
        "role of the facilitator",
        "power of small groups",
        "time to hang out",
        "peer listening",
        "volunteer wellbeing",
        "Saturday markets",
    ],
)
def test_noun_phrases_may_fill_a_slot(phrase):
    assert noun_phrase_problem(phrase) is None


@pytest.mark.parametrize(
    "phrase",
    [
        "ask for help early",  # an instruction
        "make the first task small",
        "label every dish",
        "start small",
        "protect your own time",
        "time is short",  # a sentence
        "small kindnesses are remembered",
        "you're",  # a contraction and a pronoun
        "i've",
        "everything",
        "Mei",  # a name
        "support for Arjun",
        "CBT",  # an unexpanded acronym
        "support for",  # a fragment
        "online versus in person",
        "thirty voices",  # a count
        "captioned live",
    ],
)
def test_what_is_not_a_noun_phrase_never_fills_a_slot(phrase):
    assert noun_phrase_problem(phrase) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "Peer support works because the people in the circle have been where you are.",
        "A friend told me she had never felt so welcome.",
        "Every Saturday morning the car park turns into a market.",
        "When my grandmother died in Manila, I was standing in a kitchen far away.",
    ],
)
def test_sentences_that_stand_alone(sentence):
    assert stands_alone(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "She was right about the lock on the side door.",  # who is she?
        "Mei joined us the winter after her divorce.",  # a private person by name
        "Grace told me that the first shift is the hardest.",  # a name that is also a word
        "Dr. Lee, a retired doctor, agreed to come on Saturday mornings.",  # a title and a name
        "This can help people feel at home.",  # points back
        "When they do, it is often the comment everyone remembers.",
        "Each of these slipped a little at a time.",
        "We keep a notebook by the door for exactly this reason.",
        "Here are some ways to help:",  # a list's introduction
        "Why do we keep doing this?",  # the writer's own question
        "I've run this group for ten years and seen hundreds of people come.",  # a CV line
        "In this post I will share what I learned.",  # about the post itself
        "What helped: a weekly swim and an early night.",
        "Short and sweet.",  # too short to say anything
    ],
)
def test_sentences_that_mean_nothing_alone(sentence):
    assert not stands_alone(sentence)


@pytest.mark.parametrize(
    ("title", "says"),
    [
        ("Time is short", True),
        ("Ask before you help", True),
        ("Small wins keep people going", True),
        ("Passing it on", False),
        ("Quiet corners", False),
        ("Time to hang out", False),
    ],
)
def test_a_title_is_quoted_as_a_line_only_when_it_says_something(title, says):
    finite = frozenset(["keep", "keeps"])
    assert reads_as_sentence(title, finite) is says


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Ask before you help.", "advice"),
        ("Keep minutes and share them.", "advice"),
        ("Rest is part of the work.", "claim"),
        ("I stopped answering the phone and let letters pile up.", "experience"),
        ("I hid the situation from work for almost a year.", "experience"),
        ("I felt like a guest in my own family.", "feeling"),
        ("We tell people that fruit is as welcome as a home-cooked dish.", "practice"),
        ("We run a film night each term, picked by a member.", "practice"),
        ("Now and then a caller is in real distress.", "difficulty"),
        ("The hall is free if we buy a coffee.", "fact"),
        ("I was diagnosed with depression in my second year.", "private"),
        ("My debt spiralled that winter.", "private"),
    ],
)
def test_what_kind_of_quote_a_sentence_is(sentence, kind):
    assert quote_kind(sentence) == kind


def test_a_title_naming_people_is_never_slotted():
    from bot.themes.titles import analyse_title, load_vocabulary

    vocab = load_vocabulary()
    assert analyse_title("Mei and Arjun", vocab).kind == "sentence"
    assert analyse_title("Accessible controls", vocab).kind == "noun"
    assert analyse_title("Korean dramas", vocab).kind == "noun"
