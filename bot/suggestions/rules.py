"""What a suggested question must be: the prompt file's own limits, a real question, no
mentions, not already asked. Each refusal is one sentence the member can act on."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from bot.errors import InputError
from bot.invisible import without_invisible
from bot.prompts.model import Library
from bot.prompts.schema import FOLLOWUP_MAX, ID_PATTERN, MENTION, QUESTION_MAX
from bot.safety.disclosure import SHIPPED, Checker, load_checker
from bot.safety.heavy import HeavyTopics, read_heavy_topics
from bot.suggestions.types import Suggestion, SuggestionError

log = logging.getLogger(__name__)

NOTE_MAX = 500
FOLLOWUPS_MAX = 5
CREDITED = "Suggested by {name}."
UNCREDITED = "Suggested by a member of the community."


def checked_question(text: str) -> str:
    """The question as it will be stored, or SuggestionError saying what is wrong."""
    question = " ".join(without_invisible(text).split())
    if not question:
        raise SuggestionError("Write a question to suggest.")
    if not any(c.isalnum() for c in question):
        raise SuggestionError("A question needs words: write what you would ask, ending with ?.")
    if len(question) > QUESTION_MAX:
        raise SuggestionError(
            f"The question is {len(question)} characters long; the limit is {QUESTION_MAX}."
        )
    if not question.endswith("?"):
        raise SuggestionError("A suggestion is a question: end it with a question mark (?).")
    _no_mentions(question, "The question")
    return question


def checked_note(text: str | None) -> str | None:
    note = without_invisible(text or "").strip()
    if len(note) > NOTE_MAX:
        raise SuggestionError(f"The note is {len(note)} characters long; the limit is {NOTE_MAX}.")
    _no_mentions(note, "The note")
    return note or None


def checked_followups(text: str | None) -> tuple[str, ...]:
    """One follow-up question per line."""
    text = without_invisible(text or "")
    lines = tuple(" ".join(line.split()) for line in text.splitlines() if line.strip())
    if len(lines) > FOLLOWUPS_MAX:
        raise SuggestionError(f"At most {FOLLOWUPS_MAX} follow-ups, one per line.")
    for line in lines:
        if len(line) > FOLLOWUP_MAX:
            raise SuggestionError(f"A follow-up is longer than {FOLLOWUP_MAX} characters.")
        _no_mentions(line, "A follow-up")
    return lines


def checked_theme(library: Library, text: str | None, *, new_allowed: bool) -> str | None:
    """A theme id of the library (its id or title as typed); with ``new_allowed``, a new id."""
    typed = (text or "").strip()
    if not typed:
        return None
    for theme in library.themes:
        if typed.casefold() in (theme.id, theme.title.casefold()):
            return theme.id
    slug = re.sub(r"[^a-z0-9]+", "-", _plain(typed)).strip("-")[:60]
    if new_allowed and ID_PATTERN.match(slug or "-"):
        return slug
    raise SuggestionError(f"There is no theme `{typed}`: pick one from the list or leave it empty.")


def duplicate_of(question: str, library: Library, pending: list[Suggestion]) -> str | None:
    """Why ``question`` is already asked (a prompt or a pending suggestion), else None."""
    key = _plain(question)
    for theme in library.themes:
        for prompt in theme.prompts:
            if _plain(prompt.question) == key:
                return f"This question is already a prompt (`{prompt.id}`)."
    if any(_plain(s.question) == key for s in pending):
        return "This question was already suggested and is waiting for review."
    return None


def is_heavy(texts: Iterable[str]) -> bool:
    """Whether a suggested question or its follow-ups touch a subject of the heavy-topics list;
    such a prompt is written ``sensitive: true``, as a generated one would be."""
    return _heavy_topics().touches(*texts)


@lru_cache(maxsize=1)
def _heavy_topics() -> HeavyTopics:
    try:
        return read_heavy_topics()
    except InputError as exc:
        log.warning("heavy topics not read: %s", "; ".join(map(str, exc.problems)))
        return HeavyTopics()


def disclosure_warnings(texts: Iterable[str], prompts_dir: Path) -> tuple[str, ...]:
    """What the disclosure check of ``prompts validate`` (shipped, and the admins' own rules in
    the prompt folder) says of a question and its follow-ups, for the moderator deciding on it.
    Slow work: the running bot calls it in a worker thread. Broken admin rules are left out
    (and logged) rather than leaving the card without the shipped check."""
    return tuple(_checker(prompts_dir).messages(tuple(texts)))


def _checker(prompts_dir: Path) -> Checker:
    try:
        return load_checker(prompts_dir)
    except InputError as exc:
        log.warning("disclosure rules not read: %s", "; ".join(map(str, exc.problems)))
    try:
        return load_checker(None, SHIPPED)
    except InputError:
        return Checker()


def credit_text(name: str | None) -> str:
    return CREDITED.format(name=name) if name else UNCREDITED


def _no_mentions(text: str, what: str) -> None:
    if MENTION.search(text):
        raise SuggestionError(f"{what} must not mention @everyone, @here, roles or members.")


def _plain(text: str) -> str:
    """Case, accents, spacing, punctuation and zero-width characters ignored: how duplicates
    are compared."""
    shown = (c for c in text.casefold() if c.isspace() or unicodedata.category(c)[0] != "C")
    text = unicodedata.normalize("NFKD", "".join(shown))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def clean_name(name: str) -> str:
    """A display name as it may appear in a prompt: no mention or markup characters."""
    cleaned = re.sub(r"[@<>#*_`~|\\]", "", " ".join(without_invisible(name).split()))
    return cleaned[:64].strip() or "a member"
