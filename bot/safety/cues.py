"""Word lists as the data files write them: a word or phrase, ``*`` at the end of a word for any
ending ("griev*"), spaces matching any run of spaces or hyphens ("self harm" = "self-harm")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


def fragment(cue: str) -> str:
    """The regular expression of one cue, without word boundaries at its ends."""
    words = cue.strip().lower().translate(APOSTROPHES).split()
    parts = []
    for word in words:
        stem = re.escape(word.rstrip("*"))
        parts.append(stem + (r"[\w'-]*" if word.endswith("*") else ""))
    return r"[\s-]+".join(parts)


def alternation(cues: Iterable[str]) -> str:
    """One pattern matching any of ``cues`` as whole words (longest first, so a phrase wins
    over a word it starts with)."""
    ordered = sorted({c.strip().lower() for c in cues if c.strip()}, key=len, reverse=True)
    if not ordered:
        return r"(?!x)x"
    body = "|".join(fragment(c) for c in ordered)
    return rf"(?<![\w'-])(?:{body})(?![\w'])"


def normalised(text: str) -> str:
    """Lower case, curly apostrophes made straight: what cues are matched against."""
    return text.lower().translate(APOSTROPHES)


_TOKEN = re.compile(r"[\w']+")

# Past forms that suffixes cannot undo, and people as a class: a cue written "end my life" is
# also "ended his life", "lost my flat" also "losing their flat".
_IRREGULAR = {
    "drank": "drink",
    "drunk": "drink",
    "lost": "lose",
    "slept": "sleep",
    "hid": "hide",
    "hidden": "hide",
    "felt": "feel",
    "fell": "fall",
    "fallen": "fall",
    "took": "take",
    "taken": "take",
    "left": "leave",
    "spent": "spend",
    "kept": "keep",
    "told": "tell",
    "threw": "throw",
    "thrown": "throw",
    "broke": "break",
    "broken": "break",
    "stole": "steal",
    "stolen": "steal",
    "woke": "wake",
    "went": "go",
    "gone": "go",
    "came": "come",
    "gave": "give",
    "given": "give",
    "got": "get",
    "sold": "sell",
    "paid": "pay",
    "said": "say",
    "thought": "think",
    "bought": "buy",
    "brought": "bring",
    "ran": "run",
    "hung": "hang",
    "shot": "shoot",
    "bled": "bleed",
    "fought": "fight",
    "owing": "owe",
    "children": "child",
    "men": "man",
    "women": "woman",
    "people": "person",
    "my": "<one's>",
    "his": "<one's>",
    "her": "<one's>",
    "their": "<one's>",
    "our": "<one's>",
    "your": "<one's>",
    "me": "<one's>",
    "him": "<one's>",
    "them": "<one's>",
    "us": "<one's>",
    "myself": "<self>",
    "himself": "<self>",
    "herself": "<self>",
    "themselves": "<self>",
    "themself": "<self>",
    "ourselves": "<self>",
    "yourself": "<self>",
}


# Words that only look inflected: "a group outing" is not "outed".
_KEEP = frozenset(
    ["outing", "outings", "during", "morning", "evening", "wedding", "building", "ceiling",
     "nothing", "something", "everything", "anything", "thing", "things", "bed", "red", "shed"]
)  # fmt: skip


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The form inflections of one word share: "died", "dies", "dying" → "die"; "buried" →
    "bury"; "stopped" → "stop"; "losing", "lost" → "lose"; "scared" → "scare", not "scar"."""
    word = _IRREGULAR.get(word.removesuffix("'s"), word.removesuffix("'s"))
    if word.startswith("<") or word in _KEEP:
        return word
    if word.endswith("ying") and len(word) <= 6:
        return word[:-4] + "ie"
    if word.endswith(("ies", "ied")):
        return word[:-3] + "y" if len(word) > 4 else word[:-1]
    if word.endswith(("ches", "shes", "sses", "xes", "zes")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return _restored(word[:-3])
    if word.endswith("ed") and len(word) > 3:
        return _restored(word[:-2])
    return word


def _restored(base: str) -> str:
    """The word before "-ed" or "-ing": "stopp" → "stop", "scar" → "scare", "ow" → "owe"."""
    if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
        return base[:-1]
    vowels = "aeiou"
    short = (
        len(base) >= 3
        and base[-3] not in vowels
        and base[-2] in vowels
        and base[-1] not in vowels + "wxy"
    )
    return base + "e" if len(base) == 2 or short else base


class CueSet:
    """Cues looked up word by word: one pass over a text's words finds every cue, however many
    there are (a regular expression of hundreds of alternatives is slow on a long text), in any
    inflection of its words. Each cue carries a label (what it is a cue of)."""

    def __init__(self, cues: Iterable[tuple[str, object]]) -> None:
        self._exact: dict[str, list[tuple[bool, tuple, bool, str, object]]] = {}
        self._stems: dict[str, list[tuple[str, object]]] = {}
        self._short: list[tuple[str, object]] = []  # stems under three letters
        for written, label in cues:
            cue = written.strip().lower().translate(APOSTROPHES)
            if not cue:
                continue
            words = re.split(r"[\s-]+", cue)
            wild = words[-1].endswith("*")
            words[-1] = words[-1].rstrip("*")
            if len(words) == 1 and wild:
                prefix = words[0]
                if len(prefix) < 3:
                    self._short.append((prefix, label))
                else:
                    self._stems.setdefault(prefix[:3], []).append((prefix, label))
                continue
            # An inflected cue word ("outed") matches inflected words only: not "out".
            rest = tuple(
                (w, False) if wild and n == len(words) - 2 else (stem(w), stem(w) != w)
                for n, w in enumerate(words[1:])
            )
            first = stem(words[0])
            key = " ".join((first, *(r for r, _ in rest))) + ("*" if wild else "")
            self._exact.setdefault(first, []).append((first != words[0], rest, wild, key, label))

    def found(self, text: str) -> Iterator[tuple[object, str]]:
        """(label, cue) for each cue occurring in ``text`` (normalised), once per occurrence;
        the cue as its stems, so "courts" and "court" are one cue."""
        spans = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]
        words = [w for w, _ in spans]
        stems_of = [stem(w) for w in words]
        exact, prefixes, short = self._exact, self._stems, self._short
        for i, (word, start) in enumerate(spans):
            if start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
                continue  # "violent" in "non-violent" is not the word
            for prefix, label in prefixes.get(word[:3], ()):
                if word.startswith(prefix):
                    yield label, prefix + "*"
            for inflected, rest, wild, cue, label in exact.get(stems_of[i], ()):
                if inflected and word == stems_of[i]:
                    continue
                if not rest or _follows(words, stems_of, i + 1, rest, wild):
                    yield label, cue
            for prefix, label in short:
                if word.startswith(prefix):
                    yield label, prefix + "*"


def _follows(
    words: list[str], stems: list[str], at: int, rest: tuple[tuple[str, bool], ...], wild: bool
) -> bool:
    if at + len(rest) > len(words):
        return False
    for n, (expected, inflected) in enumerate(rest):
        word = words[at + n]
        if n == len(rest) - 1 and wild:
            if not word.startswith(expected):
                return False
        elif stems[at + n] != expected or (inflected and word == expected):
            return False
    return True
