"""English articles and agreement for a noun phrase said mid-sentence: "the tool library" but
"shared tools", "food" and "keeping culture alive"; "do" or "does" to agree with it."""

from __future__ import annotations

import re

# Heads that read right without "the" mid-sentence: abstract and mass nouns.
_BARE_ENDINGS = ("ity", "tion", "sion", "ness", "ment", "ship", "ism", "ance", "ence", "ing", "ure")
_BARE_NOUNS = frozenset(
    [
        "health",
        "money",
        "food",
        "grief",
        "work",
        "love",
        "music",
        "art",
        "culture",
        "language",
        "water",
        "time",
        "trust",
        "faith",
        "care",
        "help",
        "safety",
        "security",
        "justice",
        "family",
        "home",
        "land",
        "play",
        "rest",
        "shame",
        "pride",
        "debt",
        "peace",
        "activism",
        "moderation",
        "representation",
        "access",
        "advice",
        "information",
        "transport",
        "housing",
        "funding",
        "training",
        "feedback",
        "knowledge",
        "research",
        "childcare",
        "healthcare",
        "food",
        "aid",
        "support",
        "solidarity",
        "joy",
        "silence",
    ]
)


def with_article(phrase: str) -> str:
    """``phrase`` with "the" when its head is a singular count noun ("the night shift")."""
    words = phrase.split()
    joined = re.search(r"\b(?:and|or|versus|vs)\b", phrase)
    if not words or is_plural(phrase) or joined or len(words) > 4:
        return phrase
    if words[0].lower() in ("the", "a", "an") or _gerund(words[0]):
        return phrase  # "keeping culture alive" is said without an article
    cut = next((i for i, w in enumerate(words) if i and w.lower() in _HEAD_ENDS), len(words))
    head = words[cut - 1].lower()
    if head.endswith(_BARE_ENDINGS) or head in _BARE_NOUNS or words[0][:1].isupper():
        return phrase
    return f"the {phrase}"


_HEAD_ENDS = frozenset(
    ["of", "for", "in", "on", "across", "between", "with", "from", "about", "at", "to"]
)


def _gerund(word: str) -> bool:
    """ "keeping", "looking": a verb's -ing form, not a noun such as "housing" or "meeting"."""
    from bot.essays.lexicon import word_classes

    low = word.lower()
    return low.endswith("ing") and word_classes(low) <= {"VERB", "ADJ"}


def is_plural(phrase: str) -> bool:
    """A phrase whose verb takes the plural: joined nouns, or a plural head (by the lexicon)."""
    words = re.split(r"\s+", phrase.strip())
    if words and _gerund(words[0]):
        return False  # "looking after the volunteers" does
    if " and " in phrase or "," in phrase:
        return True
    head = words[-1].lower() if words else ""
    cut = next((i for i, w in enumerate(words) if w.lower() in _HEAD_ENDS), None)
    if cut:
        head = words[cut - 1].lower()
    if head.endswith(("ss", "us", "is")):
        return False
    from lemminflect import getLemma  # the English lexicon, loaded only when needed

    lemma = getLemma(head, upos="NOUN")
    if head.endswith("a") and head not in _LATIN_PLURALS:
        return False  # "the shed rota", "the agenda": the lexicon reads them as Latin plurals
    return bool(lemma) and lemma[0] != head


_LATIN_PLURALS = frozenset(["criteria", "phenomena", "media", "data", "bacteria", "strata"])


def is_abstract(phrase: str) -> bool:
    """A phrase about an idea or a practice ("trust", "keeping culture alive", "faith and
    stewardship"), not a thing one could point at ("the tool library", "quiet corners")."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", phrase)]
    if not words:
        return False
    if _gerund(words[0]) and len(words) > 1:
        return True
    cut = next((i for i, w in enumerate(words) if i and w in _HEAD_ENDS), len(words))
    heads = [words[cut - 1], *(w for i, w in enumerate(words[:cut]) if i and words[i - 1] == "and")]
    return any(h.endswith(_BARE_ENDINGS) or h in _BARE_NOUNS for h in heads)
