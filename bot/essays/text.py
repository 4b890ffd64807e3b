"""Small text helpers for essays: first sentence, shortening, key phrase of a paragraph."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from bot.essays.lexicon import word_classes

_ABBREVIATIONS = frozenset(
    [
        "e.g.",
        "i.e.",
        "etc.",
        "vs.",
        "dr.",
        "mr.",
        "mrs.",
        "ms.",
        "st.",
        "cf.",
        "prof.",
        "no.",
        "approx.",
        "jr.",
        "sr.",
        "u.s.",
        "u.k.",
    ]
)
_INITIAL = re.compile(r"[a-z]\.")  # "J. Smith"
_SENTENCE_END = re.compile(
    r"[.!?…][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u00c0-\u024f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])|[。！？][」』”）]*"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’+-]*")
_STOP_TEXT = """a about above after again against all also am an and any are as at be
    because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just let me might more most must my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves may
    many much often one ones way ways well like even still yet every another each other others
    within without among amongst across toward towards upon beyond around throughout despite via
    cannot can't won't don't doesn't isn't aren't never always sometimes rarely
    along alongside together rather whether however though although onto unlike
    make makes made help helps helped able new us something things thing"""

_GENERIC_TEXT = """cultural culture cultures exchange exchanges asian lgbtq lgbtq+ lgbt
    queer gay lesbian
    group groups member members people individuals person community-based programs program
    different diverse ethnic ethnically mixed heritage significant role understanding
    thousands hundreds millions miles years hours days times lot lots part parts half"""
STOPWORDS = frozenset(_STOP_TEXT.split())
GENERIC_WORDS = frozenset(_GENERIC_TEXT.split())
_LIGHT_TEXT = "sense form forms kind kinds means opportunity opportunities platform way"
LIGHT_NOUNS = frozenset(_LIGHT_TEXT.split())
_MODAL_TEXT = "can could will would may might should must to help helps helped"
_MODALS = frozenset(_MODAL_TEXT.split())
_NOUN_ENDINGS = ("ity", "tion", "sion", "ness", "ment", "ship", "ism", "ance", "ence", "ers", "ies")
_ABSTRACT_ENDINGS = ("ity", "tion", "sion", "ness", "ment", "ship", "ism", "ance", "ence", "hood")
_LY_TEXT = "family ally assembly supply reply rally anomaly italy july homily"
_LY_NOUNS = frozenset(_LY_TEXT.split())
_ADJECTIVE_ENDINGS = ("ful", "ous", "ive", "ible", "able")
_NOUN_TEXT = """perspective initiative narrative motive archive relative collective representative
    alternative objective table vegetable"""
_NOUNS_LIKE_ADJECTIVES = frozenset(_NOUN_TEXT.split())
_VERB_TEXT = """advance advocate amplify break bridge build celebrate challenge connect create
    develop embrace empower encourage engage explore facilitate feel foster gain highlight increase
    involve learn nurture promote provide recognize reduce share showcase strengthen support
    transcend transcends understand"""
_VERBS = frozenset(_VERB_TEXT.split())
_TOKEN = re.compile(r"[a-z][a-z'’+-]*|[.,;:!?()]")
_NOT_GERUND = r"(?!(?:including|during|regarding|concerning|following|according)\b)"


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order; an abbreviation ("e.g.", "Dr.") never ends one.

    A full stop ends a sentence only when the next word starts with a capital, a digit or an
    opening quote; CJK full stops (。！？) always end one."""
    text = " ".join(text.split())
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        words = text[start : m.end()].split()
        last = words[-1].lower().lstrip("\"'“‘([") if words else ""
        numbered = last != "no." or re.match(r"\s*\d", text[m.end() :]) is not None
        if (last in _ABBREVIATIONS and numbered) or _INITIAL.fullmatch(last):
            continue  # "e.g.", "Dr.", "no. 5"; but "No. Plenty of people…" ends a sentence
        out.append(text[start : m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when no sentence ends)."""
    found = sentences(text)
    return found[0] if found else ""


def clip(text: str, limit: int) -> str:
    """``text`` whole when it fits, else cut at the last clause boundary (or word) with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(mark) for mark in (", ", "; ", ": ", " – ", " — ", "，", "、"))
    if cut < limit // 2:
        cut = head.rfind(" ")
    if cut <= 0:
        cut = limit - 1
    return head[:cut].rstrip(" ,;:-–—，、") + "…"


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary so that it fits ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"


def key_phrase(paragraph: str, paragraphs: list[str]) -> str:
    """A short title for a prose paragraph: its most distinctive noun phrase.

    Candidates are one- or two-word noun phrases and pairs joined as written ("experiences and
    struggles"); verbs after "can", "to" or "help", adverbs and participles never make a title.
    A phrase scores by how often it appears here and how rare it is in the other paragraphs;
    when the text puts a gerund in front of it ("sharing meals"), the gerund becomes part of it.
    """
    counts = _phrase_counts(_without_names(paragraph))
    if not counts:
        return _best_sentence(paragraph)
    others = [_phrase_set(p) for p in paragraphs if p != paragraph]

    topic = first_sentence(paragraph).lower()

    def score(phrase: str) -> tuple[float, int, str]:
        seen = sum(phrase in o for o in others)
        idf = math.log((1 + len(others)) / (1 + seen)) + 1
        weight = (1.3 if " " in phrase else 1.0) * (1.6 if phrase in topic else 1.0)
        return (counts[phrase] * idf * weight, len(phrase), phrase)

    attested = [p for p in counts if _well_attested(p, paragraph) and _may_title(p, paragraph)]
    if not attested:  # what the opening sentence is about, else that sentence quoted whole
        return _topic_subject(paragraph) or _best_sentence(paragraph)
    best = max(attested, key=score)
    longer = [p for p in attested if " " in p and best in p.split() and counts[p] >= 2]
    if " " not in best and longer:  # "peer support", not "peer"
        best = max(longer, key=score)
    opening = _topic_subject(paragraph)
    if " " not in best and 2 <= len(opening.split()) <= 5:
        return opening  # "Peer listening is at the heart…": "Peer listening", not "Peer"
    lead = " ".join(sentences(paragraph)[:2]).lower() if " " in best else topic
    if not _what_it_is_about(best, opening, lead, counts[best]):
        return _best_sentence(paragraph) or _with_gerund(paragraph, best).capitalize()
    return _with_gerund(paragraph, best).capitalize()


def _what_it_is_about(phrase: str, opening: str, topic: str, count: int) -> bool:
    """A phrase a reader would title the paragraph with: what its opening sentence is about
    ("Stigma remains a barrier…"), or named in its opening (``topic``) and, for a single word,
    again later; not a thing met in passing ("the cake" at a first meeting)."""
    if phrase == opening.lower():
        return True
    from bot.essays.articles import is_abstract

    if phrase.split()[-1] in _ADVERB_ENDS:
        return False  # "Members today"
    words = [w for w in phrase.split() if w not in ("and", "or")]
    named = all(re.search(r"\b" + re.escape(w) + r"\b", topic) for w in words)
    if " " not in phrase:  # "Debt" named in the opening and again; never "Door" or "Cake"
        return named and count >= 2 and is_abstract(phrase)
    return named or count >= 2


_ADVERB_ENDS = frozenset(
    re.findall(
        r"\w+",
        """today now then again ago later here there tonight yesterday tomorrow together alone
        away back too also first""",
    )
)


_WEAK_TITLES = frozenset(
    re.findall(
        r"\w+",
        """work project situation thing time right way day week year life world place part point
        fact idea problem issue lot kind sort reason moment end start case side stuff bit matter
        sense area step number today night morning evening winter summer spring autumn season
        month hour minute back front top bottom rest form forms list room unit page line word
        type piece kind first second third last next real other same own""",
    )
)


def _may_title(phrase: str, paragraph: str) -> bool:
    """A phrase a reader would use as the paragraph's title: a single word only when it is a
    noun and not a generic one, never a word cut out of a compound ("life-changing")."""
    words = phrase.split()
    if len(words) == 1 and (words[0] in _WEAK_TITLES or "NOUN" not in word_classes(words[0])):
        return False
    if words[0] in _COUNTS:
        return False  # "thirty voices"
    if len(words) == 1 and not _names_a_topic(words[0], paragraph):
        return False  # "the annual trip": one thing, not what the paragraph is about
    first = re.escape(words[0])
    whole = re.search(r"(?<![\w\-–])" + first + r"\b", paragraph.lower())
    if whole is None or words[0] in _WEAK_TITLES:
        return False  # "real uncle", "first winter": the noun is not the topic
    owned = re.findall(r"([\w'’]+)\s+" + re.escape(phrase) + r"\b", paragraph.lower())
    return not owned or not all(w.endswith(("'s", "’s")) for w in owned)  # "anyone's real…"


_COUNTS = frozenset(
    re.findall(
        r"\w+",
        """one two three four five six seven eight nine ten eleven twelve twenty thirty forty
        fifty hundred hundreds thousand thousands dozen dozens several""",
    )
)


def _names_a_topic(word: str, paragraph: str) -> bool:
    """A single word that can title a paragraph: plural, an idea or a mass noun, or used at
    least once without an article ("Stigma remains a barrier"), never only as "the trip"."""
    from bot.essays.articles import is_abstract

    if word.endswith("s") or is_abstract(word):
        return True
    text = paragraph.lower()
    starts = re.search(r"(?:^|[.!?]\s+)" + re.escape(word) + r"\b", text)
    counted = {"a", "an", "the", "this", "that", "each", "every", "one", "another", "my", "our"}
    for m in re.finditer(r"\b" + re.escape(word) + r"\b", text):
        near = re.findall(r"[\w']+", text[max(0, m.start() - 30) : m.start()])[-2:]
        if not counted & set(near):
            return True
    return bool(starts)


def _without_names(paragraph: str) -> str:
    """The paragraph with names, acronyms and contractions ("Mei", "CBT", "you're") set apart,
    so that no title is made of them."""
    out = []
    for m in re.finditer(r"\S+", paragraph):
        word = m.group()
        core = word.strip('.,;:!?"“”‘’()[]')
        before = paragraph[: m.start()].rstrip()
        starts = not before or before[-1] in '.!?:"”'
        name = core[:1].isupper() and not starts and len(core) > 1
        acronym = len(core) >= 2 and core.replace("'s", "").replace("s", "").isupper()
        contraction = re.search(r"[’'](?:re|ve|ll|d|m)$|n[’']t$", core.lower()) is not None
        out.append(" ; " if name or acronym or contraction else word)
    return " ".join(out)


def _topic_subject(paragraph: str) -> str:
    """The subject of the paragraph's opening sentence when it is a plain noun phrase:
    "Loneliness among older people is often invisible." -> "Loneliness among older people"."""
    from bot.essays.phrases import noun_phrase_problem

    found = sentences(paragraph)
    opening = _DISCOURSE.sub("", found[0]) if found else ""  # "Finally, community groups…"
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*|[,;:]", opening)
    subject: list[str] = []
    for word in words:
        low = word.lower()
        classes = word_classes(low)
        gerund = low.endswith("ing")  # "Singing with other people", "Peer listening"
        verb = classes and not classes & {"NOUN", "ADJ", "PROPN"} and not gerund
        previous = subject[-1].lower() if subject else ""
        agrees = low in _THIRD_PERSON_VERBS and previous and not previous.endswith("s")
        plural_verb = previous.endswith("s") and "VERB" in classes and not low.endswith("s")
        if low in _SUBJECT_ENDS or verb or agrees or plural_verb:
            break  # "Language matters…", "Community groups work best…"
        subject.append(word)
    while subject and subject[0].lower() in ("the", "a", "an"):
        subject = subject[1:]
    if not 1 <= len(subject) <= 6 or len(subject) == len(words):
        return ""
    first = subject[0].lower()
    if first in STOPWORDS or (not word_classes(first) and not first.endswith(_ENGLISH_ENDINGS)):
        return ""  # "Over time families…", or a name: "Arjun and Mei ran the group"
    phrase = " ".join([first, *subject[1:]])
    head = subject[-1].lower()
    known = "NOUN" in word_classes(head) or (head.endswith("ing") and len(subject) > 1)
    known = known or (not word_classes(head) and subject[-1].islower())
    if noun_phrase_problem(phrase) or not known or head in _WEAK_TITLES:
        return ""  # ("wellbeing" is a noun the lexicon does not know)
    if len(subject) == 1 and not _well_attested(head, paragraph):
        return ""
    return phrase[:1].upper() + phrase[1:]


_THIRD_PERSON_VERBS = frozenset(
    re.findall(
        r"\w+",
        """matters helps works takes makes means needs comes goes grows keeps remains seems becomes
        changes counts stays starts ends lasts feels looks sounds brings gives leads shapes builds
        creates depends happens begins lives speaks carries heals hurts belongs travels""",
    )
)
_DISCOURSE = re.compile(
    r"(?i)^(?:finally|first|firstly|second|secondly|third|thirdly|lastly|also|however|still|"
    r"then|next|in the end|above all|most of all|of course|in practice|in fact|today)\b,?\s*"
)
_ENGLISH_ENDINGS = (*_ABSTRACT_ENDINGS, "al", "ive", "ous", "ic", "ing", "ed", "ers", "ful", "less")
_SUBJECT_ENDS = frozenset(
    re.findall(
        r"\S+",
        """is are was were be been am has have had do does did can could will would shall should
        may might must , ; : often always never rarely sometimes usually also still just only
        that which who""",
    )
)


def sentence_title(paragraph: str) -> str:
    """The paragraph's first sentence that stands on its own, as a title ("" when none does)."""
    return _best_sentence(paragraph)


def _best_sentence(paragraph: str) -> str:
    """The paragraph's first sentence that stands on its own, as a title; "" when none does
    (an anecdote told through "she" and first names: no theme a reader could name from it)."""
    from bot.essays.phrases import stands_alone

    best = next((s for s in sentences(paragraph) if stands_alone(s)), "")
    best = _DISCOURSE.sub("", best)  # "Finally, community groups…" -> "Community groups…"
    best = best[:1].upper() + best[1:]
    return clip(best[:-1] if best.endswith(".") and not best.endswith("..") else best, 120)


def _well_attested(phrase: str, paragraph: str) -> bool:
    """A phrase good enough to name a paragraph: its head noun comes back in the paragraph."""
    head = phrase.split()[-1]
    stem = head[:-1] if head.endswith("s") and len(head) > 4 else head
    uses = len(re.findall(r"\b" + re.escape(stem) + r"\w*", paragraph.lower()))
    joined = len(phrase.split()) == 3 and phrase.split()[1] in ("and", "or")
    words = phrase.split()
    abstract = len(words) > 1 and any(w.endswith(_ABSTRACT_ENDINGS) for w in words)
    abstract = abstract and words[-1].endswith(("s", *_ABSTRACT_ENDINGS))
    return uses >= 2 or joined or abstract


@lru_cache(maxsize=4096)
def _phrase_set(paragraph: str) -> frozenset[str]:
    """The candidate phrases of a paragraph (each paragraph is compared with all the others)."""
    return frozenset(_phrase_counts(paragraph))


def _phrase_counts(paragraph: str) -> Counter[str]:
    tokens = [*_TOKEN.findall(paragraph.lower()), "."]
    content = _content_flags(tokens)
    counts: Counter[str] = Counter()
    run: list[str] = []
    for token, is_content in zip(tokens, content, strict=True):
        if not is_content:
            run = []
            continue
        run.append(token)
        if _can_head(token):
            counts[token] += 1
            if len(run) >= 2:
                counts[" ".join(run[-2:])] += 1
    for pair in _pairs(tokens, content):
        counts[pair] += 1
    return Counter({p: n for p, n in counts.items() if len(p) > 3})


def _content_flags(tokens: list[str]) -> list[bool]:
    """Which tokens may be part of a noun phrase: not stopwords, gerunds, adverbs or verbs."""
    flags: list[bool] = []
    after_modal, previous = False, ""
    for token in tokens:
        adverb = _is_adverb(token)
        verb = not adverb and not token.endswith(_NOUN_ENDINGS) and after_modal
        verb = verb or (token in _VERBS and not (flags and flags[-1]))
        verb = verb or (_after_plural(flags, previous) and "VERB" in word_classes(token))
        flags.append(
            _WORD.fullmatch(token) is not None
            and _may_be_nominal(token)
            and re.sub("['’]s$", "", token) not in STOPWORDS
            and token not in GENERIC_WORDS
            and token not in LIGHT_NOUNS
            and not token.endswith("ing")
            and not adverb
            and not verb
        )
        after_modal = token in _MODALS or (after_modal and adverb)
        previous = token
    return flags


def _after_plural(flags: list[bool], previous: str) -> bool:
    """The previous word is a plural noun ("players find"): a word that can be a verb is one."""
    return bool(flags and flags[-1] and previous.endswith("s") and not previous.endswith("ss"))


def _pairs(tokens: list[str], content: list[bool]) -> list[str]:
    """ "a and b" for lists of bare nouns written "a and b", "a or b" or "a, b, and c"."""
    pairs = []
    for i in range(1, len(tokens) - 3):
        if not _is_noun(tokens, content, i) or content[i - 1]:
            continue
        second, k = i + 2, i + 1
        if tokens[i + 1] == ",":
            k = i + 3
            while k < len(tokens) and (tokens[k] == "," or content[k]):
                k += 1
        conj = tokens[k] if k < len(tokens) else ""
        followed = tokens[second + 1] if second + 1 < len(tokens) else "."
        if (
            conj in ("and", "or")
            and tokens[i + 1] in (",", conj)
            and _is_noun(tokens, content, second)
            and (followed in STOPWORDS or not _WORD.fullmatch(followed))
            and followed not in _DETERMINER_AFTER  # "lowers stress and builds a sense": a verb
        ):  # "solidarity and mutual understanding": "mutual" is not a noun of the pair
            pairs.append(f"{tokens[i]} {conj} {tokens[second]}")
    return pairs


_DETERMINER_AFTER = frozenset(["a", "an", "the", "their", "our", "his", "her", "its", "my", "your"])


def _is_noun(tokens: list[str], content: list[bool], i: int) -> bool:
    return i < len(tokens) and content[i] and _can_head(tokens[i])


def _can_head(word: str) -> bool:
    """A word that may end a noun phrase: not a participle ("faced") or adjective ("inclusive")."""
    if word in _NOUNS_LIKE_ADJECTIVES:
        return True
    kinds = word_classes(word)
    if kinds and "NOUN" not in kinds:
        return False
    if word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        return False
    return not word.endswith(_ADJECTIVE_ENDINGS)


def _may_be_nominal(word: str) -> bool:
    """False for words the English lexicon knows only as verbs, adverbs or function words
    ("find", "never", "led"); unknown words (names, loanwords) may be nouns."""
    kinds = word_classes(word)
    return not kinds or bool(kinds & {"NOUN", "ADJ", "PROPN"})


def _is_adverb(word: str) -> bool:
    return word.endswith("ly") and len(word) > 4 and word not in _LY_NOUNS


def _with_gerund(paragraph: str, phrase: str) -> str:
    m = re.search(
        r"\b"
        + _NOT_GERUND
        + r"([a-z]+ing)\s+(?:(?:the|our|their|a|an)\s+)?"
        + re.escape(phrase)
        + r"\b",
        paragraph.lower(),
    )
    return f"{m.group(1)} {phrase}" if m else phrase
