"""What a theme title is about: its head noun phrase, lemmatised and looked up in the vocabulary.

"Sharing stories and experiences" -> phrase "stories", concept ``stories``;
"Providing a platform for marginalized voices" -> phrase "marginalized voices", concept ``voices``;
"Learning from each other" -> the gerund itself is the theme: phrase "learning from each other".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

DEFAULT_VOCABULARY = Path(__file__).resolve().parent.parent / "data" / "synonyms.yaml"
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’+-]*|&|,")
_ADJECTIVE_ENDINGS = ("al", "ive", "ous", "ful", "ic", "ed", "able", "ible", "ent", "ant", "ary")


@dataclass(frozen=True)
class Concept:
    id: str
    title: str


@dataclass(frozen=True)
class Vocabulary:
    """The synonym table and word lists of ``bot/data/synonyms.yaml``."""

    concepts: dict[str, Concept]
    words: dict[str, str]  # word or phrase -> concept id
    lists: dict[str, frozenset[str]]
    irregular: dict[str, str]

    def has(self, name: str, word: str) -> bool:
        return word in self.lists[name]


@dataclass(frozen=True)
class TitleKey:
    """What a title is about: ``key`` groups titles, ``phrase`` is the noun phrase as written."""

    key: str
    phrase: str
    concept: Concept | None


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = DEFAULT_VOCABULARY) -> Vocabulary:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    concepts, words = {}, {}
    for cid, entry in sorted(data["concepts"].items()):
        concepts[cid] = Concept(cid, entry["title"])
        for word in entry["words"]:
            words[word.lower()] = cid
    names = ("light_nouns", "not_verbs", "prepositions", "reciprocals", "determiners", "verbs")
    lists = {n: frozenset(w.lower() for w in data[n]) for n in names}
    lists["invariant"] = frozenset(data["invariant"])
    return Vocabulary(concepts, words, lists, dict(data["irregular"]))


def analyse_title(title: str, vocab: Vocabulary) -> TitleKey:
    """The theme key of an item title (see the module docstring)."""
    tokens = _TOKEN.findall(title)
    lower = [t.lower() for t in tokens]
    start, gerund_head = _skip_verb(lower, vocab)
    if gerund_head:
        phrase_tokens = tokens[start:]
        lemmas = [lemma(lower[start], vocab)]
    else:
        phrase_tokens = _noun_phrase(tokens[start:], vocab)
        lemmas = [lemma(t.lower(), vocab) for t in phrase_tokens]
    phrase = _surface(phrase_tokens, title)
    return _lookup(lemmas, phrase or title, vocab)


def lemma(word: str, vocab: Vocabulary) -> str:
    """Singular of a plural noun, by suffix rules and the exception lists."""
    word = re.sub(r"['’]s$", "", word)
    if word in vocab.irregular:
        return vocab.irregular[word]
    if len(word) <= 3 or word in vocab.lists["invariant"]:
        return word
    if word.endswith(("ss", "us", "is", "ics", "ous")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "theme"


def _skip_verb(lower: list[str], vocab: Vocabulary) -> tuple[int, bool]:
    """Index where the noun phrase starts, and whether the leading gerund is itself the theme."""
    if len(lower) < 2 or not _is_verb(lower[0], vocab):
        return 0, False
    if vocab.has("reciprocals", " ".join(lower[1:])):
        return 0, True
    if not vocab.has("prepositions", lower[1]):
        return 1, False
    rest = " ".join(lower[2:])
    if not rest or vocab.has("reciprocals", rest):
        return 0, True
    return 2, False


def _is_verb(word: str, vocab: Vocabulary) -> bool:
    if vocab.has("not_verbs", word):
        return False
    return word.endswith(("ing", "ed")) or vocab.has("verbs", word)


def _noun_phrase(tokens: list[str], vocab: Vocabulary) -> list[str]:
    """First conjunct, cut at its first preposition; a light noun hands over to its object."""
    words = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if low in ("and", "&", ",", "or"):
            break
        if vocab.has("prepositions", low):
            if words and vocab.has("light_nouns", words[-1].lower()) and tokens[i + 1 :]:
                return _noun_phrase(tokens[i + 1 :], vocab)
            break
        words.append(token)
    while words and vocab.has("determiners", words[0].lower()):
        words = words[1:]
    return words


def _lookup(lemmas: list[str], phrase: str, vocab: Vocabulary) -> TitleKey:
    core = [w for w in lemmas[:-1] if not w.endswith(_ADJECTIVE_ENDINGS)] + lemmas[-1:]
    for candidate in (" ".join(lemmas), " ".join(core), lemmas[-1] if lemmas else ""):
        if candidate in vocab.words:
            concept = vocab.concepts[vocab.words[candidate]]
            return TitleKey(concept.id, phrase, concept)
    return TitleKey(slug(" ".join(core) or phrase), phrase, None)


def _surface(tokens: list[str], title: str) -> str:
    """The phrase as a reader would write it mid-sentence: title-case words lower-cased."""
    words = [t for t in tokens if t != ","]
    if not words:
        return ""
    title_case = all(w[:1].isupper() for w in _TOKEN.findall(title) if len(w) > 3)
    out = []
    for i, word in enumerate(words):
        acronym = word.isupper() and len(word) > 1
        first_word = i == 0 and title.lstrip().startswith(word)
        out.append(word if acronym or not (title_case or first_word) else word.lower())
    return " ".join(out)
