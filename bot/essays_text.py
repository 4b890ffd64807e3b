"""Small text helpers for essays: first sentence, shortening, key phrase of a paragraph."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter

log = logging.getLogger(__name__)

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "dr.", "mr.", "mrs.", "ms.", "st.", "cf.")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’+-]*")
_STOP_TEXT = """a about above after again against all also am an and any are as at be
    because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just let me might more most must my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves may
    many much often one ones way ways well like even still yet every another each other others
    make makes made help helps helped able new us something things thing"""

_GENERIC_TEXT = """cultural culture cultures exchange exchanges asian lgbtq lgbtq+ lgbt
    queer gay lesbian
    group groups member members people individuals person community-based programs program
    different diverse ethnic ethnically mixed heritage significant role understanding"""
STOPWORDS = frozenset(_STOP_TEXT.split())
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when no sentence ends)."""
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        before = text[: m.end()].lower()
        if not before.endswith(_ABBREVIATIONS):
            return text[: m.end()]
    return text


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary so that it fits ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"


def key_phrase(paragraph: str, paragraphs: list[str]) -> str:
    """A short title for a prose paragraph: its most distinctive one- or two-word phrase.

    A phrase scores by how often it appears here and how rare it is in the other paragraphs;
    when the text puts a gerund in front of it ("sharing meals"), the gerund becomes part of it.
    """
    counts = _phrase_counts(paragraph)
    if not counts:
        return " ".join(paragraph.split()[:4])
    others = [set(_phrase_counts(p)) for p in paragraphs if p != paragraph]

    def score(phrase: str) -> tuple[float, int, str]:
        seen = sum(phrase in o for o in others)
        idf = math.log((1 + len(others)) / (1 + seen)) + 1
        return (counts[phrase] * idf * (1.3 if " " in phrase else 1.0), len(phrase), phrase)

    best = max(counts, key=score)
    return _with_gerund(paragraph, best).capitalize()


def _phrase_counts(paragraph: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    run: list[str] = []
    for word in [*_WORD.findall(paragraph.lower()), "."]:
        if word in STOPWORDS or word in GENERIC_WORDS or word.endswith("ing") or word == ".":
            run = []
            continue
        run.append(word)
        counts[word] += 1
        if len(run) >= 2:
            counts[" ".join(run[-2:])] += 1
    return Counter({p: n for p, n in counts.items() if len(p) > 3})


def _with_gerund(paragraph: str, phrase: str) -> str:
    m = re.search(
        r"\b([a-z]+ing)\s+(?:(?:the|our|their|a|an)\s+)?" + re.escape(phrase) + r"\b",
        paragraph.lower(),
    )
    return f"{m.group(1)} {phrase}" if m else phrase
