"""Word lists as the data files write them: a word or phrase, ``*`` at the end of a word for any
ending ("griev*"), spaces matching any run of spaces or hyphens ("self harm" = "self-harm")."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator

log = logging.getLogger(__name__)

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


class CueSet:
    """Cues looked up word by word: one pass over a text's words finds every cue, however many
    there are (a regular expression of hundreds of alternatives is slow on a long text). Each
    cue carries a label (what it is a cue of)."""

    def __init__(self, cues: Iterable[tuple[str, object]]) -> None:
        self._exact: dict[str, list[tuple[tuple[str, ...], bool, str, object]]] = {}
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
                stem = words[0]
                if len(stem) < 3:
                    self._short.append((stem, label))
                else:
                    self._stems.setdefault(stem[:3], []).append((stem, label))
            else:
                self._exact.setdefault(words[0], []).append((tuple(words[1:]), wild, cue, label))

    def found(self, text: str) -> Iterator[tuple[object, str]]:
        """(label, cue) for each cue occurring in ``text`` (normalised), once per occurrence."""
        spans = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]
        words = [w for w, _ in spans]
        exact, stems, short = self._exact, self._stems, self._short
        for i, (word, start) in enumerate(spans):
            if start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
                continue  # "violent" in "non-violent" is not the word
            for stem, label in stems.get(word[:3], ()):
                if word.startswith(stem):
                    yield label, stem + "*"
            for rest, wild, cue, label in exact.get(word, ()):
                if not rest or _follows(words, i + 1, rest, wild):
                    yield label, cue
            for stem, label in short:
                if word.startswith(stem):
                    yield label, stem + "*"


def _follows(words: list[str], at: int, rest: tuple[str, ...], wild: bool) -> bool:
    if at + len(rest) > len(words):
        return False
    for n, expected in enumerate(rest):
        word = words[at + n]
        last = n == len(rest) - 1
        if not (word == expected or (last and wild and word.startswith(expected))):
            return False
    return True
