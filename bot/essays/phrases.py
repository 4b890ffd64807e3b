"""Is a title or key phrase a noun phrase that reads right in a question's slot?

"What's one thing you wish more people understood about {phrase}?" needs a noun phrase ("shared
tools", "keeping culture alive"). A sentence ("Time is short"), an instruction ("Ask for help
early", "Make the first task small"), a clause, a pronoun ("you're"), a person's name, an
unexpanded acronym or a fragment ("changing decision", "support for") never goes there; such
items are asked about through quoted sentences instead.
"""

from __future__ import annotations

import re

from bot.essays.text import word_classes


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD = re.compile(r"[^\W\d_][\w'’+-]*|\d+")
PRONOUNS = _set(
    """i you we they he she it me us them my your our their his her its mine yours ours theirs
    myself yourself ourselves themselves himself herself itself everything everyone everybody
    something someone somebody anything anyone anybody nothing nobody this that these those who
    whom what which whose whatever whoever"""
)
_AUXILIARIES = _set(
    """is are was were am be been being has have had do does did can could will would shall should
    may might must isn't aren't wasn't weren't don't doesn't didn't can't won't"""
)
_CONTRACTION = re.compile(r"[’'](?:re|ve|ll|d|m|t)$|n[’']t$", re.IGNORECASE)
_PREPOSITIONS = _set(
    """about above across after against along among around as at before behind below beneath
    beside between beyond by despite during for from in inside into like near of off on onto
    out outside over past since through throughout to toward towards under until up upon with
    within without via"""
)
_ARTICLES = frozenset(["a", "an", "the"])
_CONJUNCTIONS = frozenset(["and", "or", "but", "nor", "so", "yet", "because", "if", "when"])
_ENDS_BADLY = _PREPOSITIONS | _ARTICLES | _CONJUNCTIONS | frozenset(["than", "versus", "vs"])
_PARTICLES = frozenset(["up", "out", "off", "back", "down", "over", "on", "in", "away", "around"])
_NOMINAL = frozenset(["NOUN", "ADJ", "PROPN"])
KNOWN_ACRONYMS = frozenset(["lgbtq", "lgbtq+", "lgbt", "lgbtqia", "lgbtqia+", "uk", "eu", "un"])


CALENDAR = _set(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december"""
)


def noun_phrase_problem(
    phrase: str, title_case: bool = False, proper: frozenset[str] = frozenset()
) -> str | None:
    """Why ``phrase`` must not fill a noun slot, or None when it may.

    ``title_case``: the phrase comes from a title written In Title Case, where a capital says
    nothing about names; ``proper``: capitalised words known to be no one's name ("Pacific")."""
    words = _WORD.findall(phrase)
    if not words:
        return "no words"
    if len(words) > 7:
        return "too long for a phrase"
    low = [w.lower() for w in words]
    for word, lower in zip(words, low, strict=True):
        if _CONTRACTION.search(lower) or (lower.endswith(("'s", "’s")) and lower[:-2] in PRONOUNS):
            return f"contraction {word!r}"
        if lower in PRONOUNS:
            return f"pronoun {word!r}"
        if lower in _AUXILIARIES:
            return f"verb {word!r}"
        if is_acronym(word):
            return f"acronym {word!r}"
    if low[-1] in _ENDS_BADLY or low[0] in _CONJUNCTIONS:
        return "a fragment"
    for i, word in enumerate(words):
        if word[:1].isupper() and low[i] not in KNOWN_ACRONYMS | proper | CALENDAR:
            classes = word_classes(low[i])
            if not classes or (i > 0 and not title_case and "PROPN" not in classes):
                return f"name {word!r}"
    return _verb_problem(low)


def is_acronym(word: str) -> bool:
    """ "NHS", "CBT", "PTSD's": two or more capitals and no lower-case letter but a plural -s."""
    core = re.sub(r"(?:['’]s|s)$", "", word)
    return (
        len(core) >= 2
        and core.isupper()
        and core.isalpha()
        and word.lower().rstrip("'’s") not in KNOWN_ACRONYMS
        and word.lower() not in KNOWN_ACRONYMS
    )


def _verb_problem(low: list[str]) -> str | None:
    for i, word in enumerate(low):
        if word in _PREPOSITIONS or word in _ARTICLES or word in _CONJUNCTIONS or word == ",":
            continue
        classes = word_classes(word)
        if not classes or classes & _NOMINAL:
            continue
        if word.endswith("ing") or (low[0].endswith("ing") and classes <= {"ADV", "ADP"}):
            continue  # a gerund and its particle ("keeping culture alive", "cooking together")
        if word.endswith(("ed", "en")) and i + 1 < len(low) and low[i + 1] not in _PREPOSITIONS:
            continue  # a participle before its noun ("shared tools")
        return f"verb {word!r}"
    first = low[0]
    if len(low) > 1 and "VERB" in word_classes(first) and not first.endswith(("ing", "ed", "s")):
        second = low[1]
        if second in _ARTICLES or second in _PARTICLES or second in _PREPOSITIONS:
            return f"instruction {first!r}"
        if len(low) > 2 and second.endswith("s") and low[2] in _PREPOSITIONS:
            return f"instruction {first!r}"  # "Pair newcomers with a buddy"
    return None
