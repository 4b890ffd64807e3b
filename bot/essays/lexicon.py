"""Parts of speech from the English lexicon, the one thing the prose readers all ask of it."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8192)
def word_classes(word: str) -> frozenset[str]:
    """The parts of speech the English lexicon (lemminflect) knows for ``word``; loaded only when
    prose is read, so the numbered essays and the offline commands start without it."""
    from lemminflect import getAllLemmas

    return frozenset(getAllLemmas(word.strip("'’")))


def is_base_verb(word: str) -> bool:
    """Whether ``word`` is a verb's own base form ("bring", "discuss"), not an inflection of
    one ("chosen", "given", "sings")."""
    from lemminflect import getAllLemmas

    word = word.strip("'’").lower()
    return word in getAllLemmas(word).get("VERB", ())
