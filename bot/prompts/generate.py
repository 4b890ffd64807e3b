"""Draft discussion prompts for a theme, from the question bank in ``bot/data/question_bank.yaml``.

Known themes use their own hand-written questions. Unknown themes use general forms built around
the theme's noun phrase ("leadership skills", never the raw title "Developing leadership skills"),
starting at a place that depends on the theme id so that new themes do not all read alike.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.essays.text import shorten
from bot.themes.extract import Source, Theme

log = logging.getLogger(__name__)

DEFAULT_BANK = Path(__file__).resolve().parent.parent / "data" / "question_bank.yaml"
MIN_PROMPTS = 3
QUOTE_IN_CONTEXT = 220
QUOTE_IN_QUESTION = 150
_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "or",
        "in",
        "on",
        "with",
        "by",
        "as",
        "at",
        "from",
        "their",
        "its",
    ]
)


@dataclass(frozen=True)
class Draft:
    """A generated prompt before it gets an id. ``slot`` names what it was generated from."""

    slot: str
    question: str
    followups: tuple[str, ...]
    context: str
    source: str
    source_ref: str


@dataclass(frozen=True)
class Bank:
    concepts: dict[str, list[tuple[str, tuple[str, ...]]]]
    generic: list[tuple[str, tuple[str, ...]]]
    quote: tuple[str, tuple[str, ...]]


@lru_cache(maxsize=4)
def load_bank(path: Path = DEFAULT_BANK) -> Bank:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))

    def pairs(entries: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
        return [(e["question"], tuple(e["followups"])) for e in entries]

    concepts = {cid: pairs(entries) for cid, entries in data["concepts"].items()}
    quote = data["quote"]
    return Bank(concepts, pairs(data["generic"]), (quote["question"], tuple(quote["followups"])))


def questions_for(theme: Theme, bank: Bank) -> list[tuple[str, tuple[str, ...]]]:
    """The theme's question set, in the order its prompts use them."""
    if theme.concept and theme.id in bank.concepts:
        return bank.concepts[theme.id]
    phrase = theme.phrase.strip() or theme.title.lower()
    start = int(hashlib.sha256(theme.id.encode()).hexdigest(), 16) % len(bank.generic)
    ordered = bank.generic[start:] + bank.generic[:start]
    return [(q.format(phrase=phrase), f) for q, f in ordered]


def initial_drafts(theme: Theme, bank: Bank) -> list[Draft]:
    """Prompts for a new theme: one per source (at least three), each quoting a source."""
    questions = questions_for(theme, bank)
    sources = sorted(theme.sources, key=lambda s: (s.truncated, s.sort_key()))
    count = min(len(questions), max(MIN_PROMPTS, len(sources)))
    return [_draft(f"q{i + 1}", *questions[i], sources[i % len(sources)]) for i in range(count)]


def draft_for_source(theme: Theme, source: Source, used_slots: set[str], bank: Bank) -> Draft:
    """A prompt for a source the theme gained: the next unused question, else one on its words."""
    for i, (question, followups) in enumerate(questions_for(theme, bank)):
        if f"q{i + 1}" not in used_slots:
            return _draft(f"q{i + 1}", question, followups, source)
    template, followups = bank.quote
    question = template.format(quote=_quote(source, QUOTE_IN_QUESTION))
    return _draft(f"quote:{source.ref}", question, followups, source)


def context_for(source: Source) -> str:
    """A brief quote of the source essay, naming it."""
    return f"“{_quote(source, QUOTE_IN_CONTEXT)}” (from the essay {source.essay})"


def _draft(slot: str, question: str, followups: tuple[str, ...], source: Source) -> Draft:
    return Draft(slot, question, tuple(followups), context_for(source), source.essay, source.ref)


def _quote(source: Source, limit: int) -> str:
    text = source.excerpt
    if source.truncated and not text.endswith((".", "!", "?")):
        text = _drop_cut_word(text)
    text = shorten(text, limit)
    return text if text.endswith(("…", ".", "!", "?")) else text + "…"


def _drop_cut_word(text: str) -> str:
    """A cut-off text without its last word (it may be cut in half) and dangling small words."""
    words = text.split()[:-1]
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:") if words else text
