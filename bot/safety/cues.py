"""Word lists as the data files write them: a word or phrase, ``*`` at the end of a word for any
ending ("griev*"), spaces matching any run of spaces or hyphens ("self harm" = "self-harm")."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

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
