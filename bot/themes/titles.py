"""What a theme title is about: its head noun phrase, lemmatised and looked up in the vocabulary.

"Sharing stories and experiences" -> phrase "stories", concept ``stories``;
"Providing a platform for marginalized voices" -> phrase "marginalized voices", concept ``voices``;
"Learning from each other" -> the gerund itself is the theme: phrase "learning from each other".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.essays.phrases import CALENDAR, is_name, noun_phrase_problem

DEFAULT_VOCABULARY = Path(__file__).resolve().parent.parent / "data" / "synonyms.yaml"
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’+-]*|&|,")
_LATIN = re.compile(r"[A-Za-z]")
_ENGLISH_ENDINGS = (
    *("able", "ible", "al", "ive", "ous", "ic", "ing", "ed", "er", "ers", "ful", "less", "ity"),
    *("tion", "sion", "ment", "ness", "ship", "ism", "ist", "ists", "ance", "ence", "hood", "ly"),
)
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
    """What a title is about: ``key`` groups titles, ``phrase`` is the noun phrase as it reads
    mid-sentence. ``kind`` is "noun" for a noun phrase, "sentence" for a title that is a
    sentence or an imperative ("Small steps add up", "Ask before you help": quoted whole, never
    slotted into a question), and "foreign" for a title in another script."""

    key: str
    phrase: str
    concept: Concept | None
    kind: str = "noun"


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = DEFAULT_VOCABULARY) -> Vocabulary:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    concepts, words = {}, {}
    for cid, entry in sorted(data["concepts"].items()):
        concepts[cid] = Concept(cid, entry["title"])
        for word in entry["words"]:
            words[word.lower()] = cid
    names = (
        "light_nouns",
        "not_verbs",
        "prepositions",
        "reciprocals",
        "determiners",
        "verbs",
        "pronouns",
        "finite_verbs",
        "proper_nouns",
        "particles",
    )
    lists = {n: frozenset(w.lower() for w in data[n]) for n in names}
    lists["invariant"] = frozenset(data["invariant"])
    return Vocabulary(concepts, words, lists, dict(data["irregular"]))


def analyse_title(title: str, vocab: Vocabulary) -> TitleKey:
    """The theme key of an item title (see the module docstring)."""
    if not _LATIN.search(title):
        return TitleKey(foreign_id(title), title.strip(), None, "foreign")
    tokens = _TOKEN.findall(title)
    lower = [t.lower() for t in tokens]
    if _is_sentence(title, lower, vocab):
        return TitleKey(slug(" ".join(lower[:5])), title.strip(), None, "sentence")
    start, gerund_head = _skip_verb(lower, vocab)
    if gerund_head:
        phrase_tokens = tokens[start:]
        conjuncts = [[lemma(lower[start], vocab)]]
    else:
        conjuncts = [
            [lemma(t.lower(), vocab) for t in c] for c in _conjuncts(tokens[start:], vocab)
        ]
        phrase_tokens = tokens[start:] if start == 0 or not lower[0].endswith("ed") else tokens
        whole = start == 2 or (start and vocab.has("particles", lower[-1]))
        if whole or (start and lower[0].endswith("ing") and not _known_verb(lower[0], vocab)):
            phrase_tokens = tokens  # "asking for help", "rising seas": said whole
    phrase = _surface(_without_determiners(phrase_tokens, vocab), title, vocab)
    key = _lookup(conjuncts, phrase or title.strip(), vocab)
    proper = vocab.lists["proper_nouns"]
    instruction = start > 0 and not gerund_head and not lower[0].endswith(("ing", "ed"))
    if key.concept is None and (  # "Protect your own time" is an instruction, not "own time"
        instruction
        or _names_people(tokens, proper)
        or noun_phrase_problem(key.phrase, _title_case(title), proper)
    ):
        return TitleKey(slug(" ".join(lower[:5])), title.strip(), None, "sentence")
    return key


def _names_people(tokens: list[str], proper: frozenset[str]) -> bool:
    """ "Mei and Arjun"; a title's first word is capitalised anyway ("Accessible controls")."""
    return any(
        is_name(t) and (i or ("-" not in t and not t.lower().endswith(_ENGLISH_ENDINGS)))
        for i, t in enumerate(tokens)
        if t.lower() not in proper
    )


def _title_case(title: str) -> bool:
    words = [w for w in _TOKEN.findall(title) if len(w) > 3]
    return len(words) > 1 and all(w[:1].isupper() for w in words)


def foreign_id(title: str) -> str:
    """A stable id for a title without Latin letters: ``item-`` and a hash of the title."""
    return "item-" + hashlib.sha256(title.strip().encode("utf-8")).hexdigest()[:8]


def _is_sentence(title: str, lower: list[str], vocab: Vocabulary) -> bool:
    """A title that is a sentence or an instruction rather than a noun phrase."""
    if title.rstrip().endswith(("?", "!")):
        return True
    if any(vocab.has("pronouns", w) for w in lower):
        return True
    for i in range(1, len(lower)):
        prev = lower[i - 1]
        if (
            vocab.has("finite_verbs", lower[i])
            and not vocab.has("prepositions", prev)
            and not vocab.has("determiners", prev)
            and prev not in ("and", "or", ",", "&")
        ):
            return True
    return len(lower) > 1 and vocab.has("verbs", lower[0]) and vocab.has("prepositions", lower[1])


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
    if lower[1] in ("and", "or", ",", "&"):
        return 0, False  # "Streaming and representation": the gerund is one of the nouns
    if not vocab.has("prepositions", lower[1]):
        return 1, False
    rest = " ".join(lower[2:])
    if not rest or vocab.has("reciprocals", rest):
        return 0, True
    return 2, False


def _known_verb(gerund: str, vocab: Vocabulary) -> bool:
    """A gerund of a verb the vocabulary lists ("sharing" -> share), which a title drops."""
    base = gerund[:-3]
    return any(vocab.has("verbs", b) for b in (base, base + "e", base[:-1]))


def _is_verb(word: str, vocab: Vocabulary) -> bool:
    if vocab.has("not_verbs", word):
        return False
    return word.endswith(("ing", "ed")) or vocab.has("verbs", word)


def _conjuncts(tokens: list[str], vocab: Vocabulary) -> list[list[str]]:
    """The joined noun phrases before the first preposition ("myths and misconceptions" gives
    two); a light noun hands over to its object ("a platform for voices" is about voices)."""
    out: list[list[str]] = [[]]
    for i, token in enumerate(tokens):
        low = token.lower()
        if low in ("and", "&", ",", "or", "versus", "vs"):
            if out[-1]:
                out.append([])
            continue
        if vocab.has("prepositions", low):
            words = out[-1]
            if words and vocab.has("light_nouns", words[-1].lower()) and tokens[i + 1 :]:
                return [*out[:-1], *_conjuncts(tokens[i + 1 :], vocab)]
            break
        out[-1].append(token)
    out = [_without_determiners(c, vocab) for c in out]
    return [c for c in out if c] or [[]]


def _without_determiners(words: list[str], vocab: Vocabulary) -> list[str]:
    while words and vocab.has("determiners", words[0].lower()):
        words = words[1:]
    return words


def _lookup(conjuncts: list[list[str]], phrase: str, vocab: Vocabulary) -> TitleKey:
    """The first joined noun that the vocabulary knows decides the concept, whichever comes
    first ("myths and misconceptions" and "misconceptions and myths" are both stereotypes);
    otherwise the key is the whole phrase, so "mental health" and "physical health" differ."""
    for lemmas in conjuncts:
        if not lemmas:
            continue
        core = [w for w in lemmas[:-1] if not w.endswith(_ADJECTIVE_ENDINGS)] + lemmas[-1:]
        for candidate in (" ".join(lemmas), " ".join(core), lemmas[-1]):
            if candidate in vocab.words:
                concept = vocab.concepts[vocab.words[candidate]]
                return TitleKey(concept.id, phrase, concept)
    words = [w for c in conjuncts for w in c][:5]
    return TitleKey(slug(" ".join(words) or phrase), phrase, None)


def _surface(tokens: list[str], title: str, vocab: Vocabulary) -> str:
    """The phrase as a reader would write it mid-sentence: lower case, except acronyms, proper
    nouns the vocabulary lists, and capitalised words inside a sentence-case title."""
    words = list(tokens)
    if not [w for w in words if w != ","]:
        return ""
    title_case = all(w[:1].isupper() for w in _TOKEN.findall(title) if len(w) > 3)
    first = _TOKEN.findall(title)[:1]
    out = []
    for word in words:
        keep = (word.isupper() and len(word) > 1) or vocab.has("proper_nouns", word.lower())
        keep = keep or (word[:1].isupper() and word.lower() in CALENDAR)
        inner = word[:1].isupper() and not title_case and [word] != first
        out.append(word if keep or inner else word.lower())
    return _joined(out)


def _joined(words: list[str]) -> str:
    """Words back into a phrase, commas as written ("classes, apps and tutors")."""
    text = " ".join(words).replace(" ,", ",")
    return re.sub(r"\s+&\s+", " and ", text).strip(" ,")
