"""Themes across essays: every item goes to the theme its title is about, with its provenance.

Items whose titles name the same concept (see ``bot/data/synonyms.yaml``) are one theme.
Theme ids come from that concept, never from the order of essays, so adding an essay keeps ids.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from bot.essays.articles import is_abstract, is_plural, with_article
from bot.essays.collection import load_collection
from bot.essays.phrases import CALENDAR, noun_phrase_problem
from bot.essays.reader import Essay, Item, read_essays, readable_name
from bot.essays.text import first_sentence, sentences, word_classes
from bot.themes.overrides import apply_overrides, load_overrides
from bot.themes.titles import TitleKey, Vocabulary, analyse_title, load_vocabulary, slug
from bot.themes.types import Source, Theme, build_theme


def find_themes(
    seeds: Path, overrides: Path | None = None, vocab: Vocabulary | None = None
) -> list[Theme]:
    """Read ``seeds``, merge equivalent themes and apply the admin's overrides file if present."""
    collection = load_collection(Path(seeds))
    essays = read_essays(seeds, collection)
    themes = merge_items(essays, vocab or load_vocabulary(), collection.audience)
    if overrides is not None and Path(overrides).exists():
        themes = apply_overrides(themes, load_overrides(Path(overrides)))
    return themes


def merge_items(essays: list[Essay], vocab: Vocabulary, audience: str | None = None) -> list[Theme]:
    """One theme per key; each item in exactly one theme; sorted by id."""
    groups: dict[str, list[tuple[Source, TitleKey]]] = defaultdict(list)
    for essay in essays:
        subject = essay_subject(essay, vocab)
        for item in essay.items:
            key = analyse_title(item.title, vocab)
            if key.concept is not None and not item.prose and not _backs(item.body, key):
                kind = "sentence" if noun_phrase_problem(key.phrase) else key.kind
                key = TitleKey(slug(key.phrase), key.phrase, None, kind)
            if item.prose and key.concept is not None and not _about(item.body, key, vocab):
                kind = "sentence" if noun_phrase_problem(key.phrase) else key.kind
                key = TitleKey(slug(key.phrase), key.phrase, None, kind)
            source = _source(item, key, essay.title or essay.name, subject, audience)
            groups[key.key].append((source, key))
    return sorted((_theme(tid, members) for tid, members in groups.items()), key=lambda t: t.id)


# Meeting across cultures, languages, identities and backgrounds: what most bank questions take
# for granted ("a conversation across cultural differences", "a stereotype about your background")
_ACROSS_CULTURES = re.compile(
    r"(?i)\b(?:cultur\w*|intercultural|multicultural|cross-cultural|heritage|ethnic\w*|"
    r"languages?|background\w*|identit\w*|asian|diaspora\w*|migra\w*|immigra\w*|raci\w*|"
    r"race|traditions?|differen\w*|divers\w*|lgbt\w*|queer|sexualit\w*|gender\w*|faith\w*|"
    r"religio\w*|communities|stereotyp\w*|prejudice\w*|assumption\w*|heteronormativ\w*)"
)
_CONCEPT_SETTING = {  # what a bank theme's questions take for granted
    "traditions": re.compile(
        r"(?i)\b(?:cultur\w*|heritage|famil\w*|festival\w*|holiday\w*|celebrat\w*|ancest\w*|"
        r"religio\w*|new year|lunar|diwali|eid|christmas|ceremon\w*)"
    ),
    **dict.fromkeys(
        [
            "dialogue",
            "learning",
            "bridges",
            "stereotypes",
            "intersectionality",
            "heteronormativity",
            "voices",
            "collaboration",
            "empathy",
            "self-expression",
            "visibility",
            "solidarity",
            "leadership",
        ],
        _ACROSS_CULTURES,
    ),
}


def _backs(text: str, key: TitleKey) -> bool:
    """A titled item joins a bank theme only when its text has the setting the bank's questions
    take for granted ("Little rituals" of a choir, with no culture, family or festival in sight,
    is no cultural tradition to ask "which tradition from your culture…" about; "Sharing the
    hard conversations" of a helpline rota is no conversation across cultures)."""
    assert key.concept is not None
    setting = _CONCEPT_SETTING.get(key.concept.id)
    return setting is None or setting.search(text) is not None


def _about(text: str, key: TitleKey, vocab: Vocabulary) -> bool:
    """A prose paragraph is about a bank concept when its own words keep naming it: three times,
    or twice with once in its opening sentence (a paragraph on debt and low mood that mentions
    an experience in passing is not about sharing experiences)."""
    assert key.concept is not None
    words = [w for w, cid in vocab.words.items() if cid == key.concept.id]
    stems = {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words}
    pattern = r"\b(?:" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)) + ")"
    uses = len(re.findall(pattern, text.lower()))
    return uses >= 3 or (uses == 2 and re.search(pattern, first_sentence(text).lower()) is not None)


def theme_json(themes: list[Theme]) -> list[dict]:
    """The ``themes --json`` shape, sorted by id."""
    return [
        {
            "id": t.id,
            "title": t.title,
            "sources": [
                {
                    "essay": s.essay,
                    "item": s.item,
                    "title": s.title,
                    "excerpt": s.excerpt,
                    "truncated": s.truncated,
                }
                for s in t.sources
            ],
        }
        for t in sorted(themes, key=lambda t: t.id)
    ]


def essay_subject(essay: Essay, vocab: Vocabulary) -> str:
    """What an essay is about, as a short phrase for questions: declared, else a noun phrase of
    its own heading ("Organising in Small Towns" -> "organising in small towns", the part after
    a colon first; "Climate activism in Pacific diasporas" -> "climate activism"), else "".
    A title that is a sentence or a list title ("Five ways to…") gives none, and so does a file
    name that does not read as a topic ("grief-rituals.txt" does, "lunch-club.txt" does not)."""
    if essay.subject:
        return essay.subject
    title = essay.heading or essay.title
    if not title or not re.search(r"[A-Za-z]", title) or title.startswith("Essay "):
        return ""
    if _wordplay(title):
        return ""  # "Minding the minders" is a catchphrase, not a topic to name in a question
    head, colon, tail = _split_title(title)
    candidates = [tail.strip()] if colon and not _DESCRIPTIVE.match(tail.strip()) else []
    if colon.strip() in ("-", "–", "—"):
        # "Branching out - how our choir became a place to talk": the part before the dash is a
        # catchphrase, the part after it says what the essay is about
        candidates += [_CUT.split(tail.strip())[0].strip()] if candidates else []
        candidates = candidates or [""]
        head = ""
    if colon and not candidates:
        return ""  # "Arriving twice: notes from a newcomers' table": a catchphrase, then a note
    candidates += [head.strip(), _CUT.split(head.strip())[0].strip()] if head else []
    candidates.append(_AT_PREPOSITION.split(candidates[-1])[0].strip())  # "Mutual aid in our…"
    if _LISTED.search(tail if colon else head):
        return ""  # "Minding each other: low mood, grief and the circle" lists, it names nothing
    named = not essay.heading and title == readable_name(essay.name)
    for candidate in candidates:
        phrase = _subject_phrase(candidate, vocab)
        if phrase and named and not (is_plural(phrase) or is_abstract(phrase)):
            return ""  # a file name says what an essay is about only when it reads as a topic
        if phrase:
            return phrase
    return ""


_LISTED = re.compile(r",\s[^,]+\s(?:and|or|&)\s")  # "Rent, roommates and the housing association"
_DESCRIPTIVE = re.compile(r"(?i)^(?:a|an|the|one|my|our|\d+|what|how|why|notes?)\b")
_AT_PREPOSITION = re.compile(r"(?i)\s(?:in|for|of|at|on|from|with|across|among|after)\s")
_CUT = re.compile(
    r"(?i)\s(?:and the|who|that|which|where|when|with the|while|as|because|if|since|until)\s|,\s"
)
_LIST_HEADS = frozenset(
    """ways things lessons tips reasons steps ideas notes thoughts list post draft essay article
    blog piece advice update""".split()  # noqa: SIM905 - a word list reads better as text
)


def _wordplay(title: str) -> bool:
    """Two words of the title share their stem: "Minding the minders", "Feeding the feeders"."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", title)]
    stems = [w[:4] for w in words]
    return len(stems) != len(set(stems)) and len(words) <= 6


def _split_title(title: str) -> tuple[str, str, str]:
    """ "Branching out - how our choir grew" -> ("Branching out", " - ", "how our choir grew")."""
    m = re.search(r"\s*(?::|\s[-–—]\s)\s*", title)
    return (title[: m.start()], m.group(), title[m.end() :]) if m else (title, "", "")


def _subject_phrase(title: str, vocab: Vocabulary) -> str:
    if not title or len(title.split()) > 8:
        return ""
    key = analyse_title(title, vocab)
    if key.kind != "noun" or re.search(r"\d", title):
        return ""
    gerund = title.split()[0].lower()
    if gerund.endswith("ing") and "VERB" in word_classes(gerund):
        if len(title.split()) > 6:
            return ""  # the next candidate cuts it short: "Caring for a parent while…"
        return _sentence_case(title, vocab)  # "Building a welcoming youth group", said whole
    words = key.phrase.split()
    if not words or words[0].lower() in _NUMBER_WORDS:
        return ""
    cut = next((i for i, w in enumerate(words) if i and vocab.has("prepositions", w)), None)
    light = cut and (
        vocab.has("light_nouns", words[cut - 1].lower()) or words[cut - 1].lower() in _LIGHT
    )
    # "The Power Of Small Groups" is about small groups
    if light and cut is not None and cut + 1 < len(words):
        return _subject_phrase(" ".join(words[cut + 1 :]), vocab)
    if cut and not words[0].endswith("ing"):
        words = words[:cut]
    if len(words) > 5 or words[-1].lower() in _LIST_HEADS:
        return ""
    phrase = " ".join(words)
    if not phrase.lower().startswith("the "):  # "an essay on the lunch club", "on food"
        phrase = with_article(phrase)
    first = words[0]
    keep = first.isupper() or vocab.has("proper_nouns", first.lower()) or first.lower() in CALENDAR
    return phrase if keep else phrase[:1].lower() + phrase[1:]


def _sentence_case(title: str, vocab: Vocabulary) -> str:
    """A title as it reads mid-sentence: "Organising in Small Towns" -> "organising in small
    towns"; names, peoples, days and acronyms keep their capitals."""
    words = title.split()
    title_case = sum(w[:1].isupper() for w in words if len(w) > 3) > 1
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        proper = vocab.has("proper_nouns", low) or low in CALENDAR or word.isupper()
        known = bool(word_classes(low)) or low in ("a", "an", "the", "of", "in", "and", "for")
        out.append(low if not proper and (i == 0 or (title_case and known)) else word)
    return " ".join(out)


_LIGHT = frozenset(
    ["role", "importance", "art", "benefits", "benefit", "case", "magic", "joy", "future"]
)
_NUMBER_WORDS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "some"]
)


def _source(
    item: Item, key: TitleKey, essay_title: str, subject: str, audience: str | None
) -> Source:
    return Source(
        item.essay,
        item.number,
        item.title,
        item.excerpt,
        item.truncated,
        key.phrase,
        item.body,
        essay_title,
        subject,
        audience,
        _kind(item, key),
    )


def _kind(item: Item, key: TitleKey) -> str:
    title = item.title.rstrip("…")
    cut = item.title.endswith("…")
    found = sentences(item.body)
    folded = title.casefold()
    long = len(title.split()) >= 5 and any(folded in s.casefold() for s in found)  # "Finally, …"
    if item.prose and (
        long or any(s.rstrip(".!") == title or (cut and s.startswith(title)) for s in found)
    ):
        return "opening"  # no phrase named the paragraph: one of its sentences is the title
    return "prose" if item.prose and key.kind == "noun" else key.kind


def _theme(theme_id: str, members: list[tuple[Source, TitleKey]]) -> Theme:
    concept = members[0][1].concept
    theme = build_theme(theme_id, [s for s, _ in members], concept.title if concept else None)
    if concept is None:
        return theme
    return Theme(theme.id, theme.title, theme.phrase, True, theme.sources)
