"""Is a title or key phrase a noun phrase that reads right in a question's slot?

"What's one thing you wish more people understood about {phrase}?" needs a noun phrase ("shared
tools", "keeping culture alive"). A sentence ("Time is short"), an instruction ("Ask for help
early", "Make the first task small"), a clause, a pronoun ("you're"), a person's name, an
unexpanded acronym or a fragment ("changing decision", "support for") never goes there; such
items are asked about through quoted sentences instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.essays.lexicon import word_classes


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORD = re.compile(r"[^\W\d_][\w'’+-]*|\d+")
PRONOUNS = _set(
    """i you we they he she it me us them my your our their his her its mine yours ours theirs
    myself yourself ourselves themselves himself herself itself everything everyone everybody
    something someone somebody anything anyone anybody nothing nobody this that these those who
    whom what which whose whatever whoever"""
)
_AUXILIARIES = _set(
    """is are was were am be been being has have had do does did can could will would shall should
    may might must isn't aren't wasn't weren't don't doesn't didn't can't won't"""
)
_CONTRACTION = re.compile(r"[’'](?:re|ve|ll|d|m|t)$|n[’']t$", re.IGNORECASE)
_PREPOSITIONS = _set(
    """about above across after against along among around as at before behind below beneath
    beside between beyond by despite during for from in inside into like near of off on onto
    out outside over past since through throughout to toward towards under until up upon with
    within without via"""
)
_ARTICLES = frozenset(["a", "an", "the"])
_CONJUNCTIONS = frozenset(["and", "or", "but", "nor", "so", "yet", "because", "if", "when"])
_ENDS_BADLY = _PREPOSITIONS | _ARTICLES | _CONJUNCTIONS | frozenset(["than", "versus", "vs"])
_PARTICLES = frozenset(["up", "out", "off", "back", "down", "over", "on", "in", "away", "around"])
_NOMINAL = frozenset(["NOUN", "ADJ", "PROPN"])
KNOWN_ACRONYMS = frozenset(["lgbtq", "lgbtq+", "lgbt", "lgbtqia", "lgbtqia+", "uk", "eu", "un"])


CALENDAR = _set(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december"""
)


def noun_phrase_problem(
    phrase: str, title_case: bool = False, proper: frozenset[str] = frozenset()
) -> str | None:
    """Why ``phrase`` must not fill a noun slot, or None when it may.

    ``title_case``: the phrase comes from a title written In Title Case, where a capital says
    nothing about names; ``proper``: capitalised words known to be no one's name ("Pacific")."""
    words = _WORD.findall(phrase)
    if not words:
        return "no words"
    if len(words) > 7:
        return "too long for a phrase"
    low = [w.lower() for w in words]
    for word, lower in zip(words, low, strict=True):
        if _CONTRACTION.search(lower) or (lower.endswith(("'s", "’s")) and lower[:-2] in PRONOUNS):
            return f"contraction {word!r}"
        if lower in PRONOUNS:
            return f"pronoun {word!r}"
        if lower in _AUXILIARIES:
            return f"verb {word!r}"
        if lower in ("not", "n't"):
            return "a clause"  # "telling family, or not", "when home is not safe"
        if is_acronym(word):
            return f"acronym {word!r}"
    phrasal = len(low) > 1 and low[-1] in _PARTICLES and "VERB" in word_classes(low[-2])
    if (low[-1] in _ENDS_BADLY and not phrasal) or low[0] in _CONJUNCTIONS:
        return "a fragment"  # ("time to hang out", "showing up" end on their verb's particle)
    if low[0] in _ORDINALS or (low[0].endswith("est") and "ADJ" in word_classes(low[0])):
        return f"an occasion {words[0]!r}"  # "the hardest spring", "first week fostering"
    for i in range(1, len(low) - 1):
        if low[i].endswith("s") and "VERB" in word_classes(low[i]):
            after = word_classes(low[i + 1])
            nxt = low[i + 1]
            if nxt not in _PREPOSITIONS and (
                (after and after <= {"ADJ", "ADV"}) or nxt in _ARTICLES
            ):
                return f"verb {words[i]!r}"  # "little and often beats big and rare"
    if low[0] in _NUMBERS or low[0].isdigit():
        return f"a count {words[0]!r}"  # "thirty voices" counts things, it names no topic
    if "," in phrase and not {"and", "or"} & set(low):
        return "a list without its 'and'"  # "Quiet streets, loud hearts" is a title, no topic
    joined = [i for i, w in enumerate(low[:-1]) if w in ("and", "or", "versus", "vs")]
    if any(low[i + 1] in _PREPOSITIONS for i in joined):
        return "a fragment"  # "online versus in person"
    for i, word in enumerate(words):
        if low[i] in _PREPOSITIONS or low[i] in _ARTICLES or low[i] in _CONJUNCTIONS:
            continue
        if word[:1].isupper() and low[i] not in KNOWN_ACRONYMS | proper | CALENDAR:
            classes = word_classes(low[i])
            if not classes or (i > 0 and not title_case and "PROPN" not in classes):
                return f"name {word!r}"
    return _verb_problem(low)


# Verbs that open instructions ("Keep it cheap", "Label every dish") and seldom open a title
# that names something.
IMPERATIVES = _set(
    """make start keep take give set find let get put show try ask join pair label meet agree
    hold leave stop bring say tell go do be stay begin invite check follow choose pick write
    speak listen close create remember forget thank lead protect offer call build reach learn
    use treat ban add cut drop skip run avoid accept embrace expect respect allow admit knock end
    seek"""
)


_ORDINALS = _set("first second third fourth fifth last final next previous")
_NUMBERS = _set(
    """one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred hundreds thousand thousands dozen dozens several"""
)


def _nounish(word: str) -> bool:
    classes = word_classes(word)
    return not classes or bool(classes & _NOMINAL - {"ADJ"}) or word.endswith("s")


def is_acronym(word: str) -> bool:
    """ "NHS", "CBT", "PTSD's": two or more capitals and no lower-case letter but a plural -s."""
    core = re.sub(r"(?:['’]s|s)$", "", word)
    return (
        len(core) >= 2
        and core.isupper()
        and core.isalpha()
        and word.lower().rstrip("'’s") not in KNOWN_ACRONYMS
        and word.lower() not in KNOWN_ACRONYMS
    )


def _verb_problem(low: list[str]) -> str | None:
    for i, word in enumerate(low):
        if word in _PREPOSITIONS or word in _ARTICLES or word in _CONJUNCTIONS or word == ",":
            continue
        classes = word_classes(word)
        if not classes or classes & _NOMINAL:
            continue
        if i > 1 and low[i - 1] == "to" and low[i - 2] not in _PREPOSITIONS:
            continue  # "time to hang out": a noun and what it is for
        if word.endswith("ing") or (low[0].endswith("ing") and classes <= {"ADV", "ADP"}):
            continue  # a gerund and its particle ("keeping culture alive", "cooking together")
        if word.endswith(("ed", "en")) and i + 1 < len(low) and _nounish(low[i + 1]):
            continue  # a participle before its noun ("shared tools")
        return f"verb {word!r}"
    first = low[0]
    if len(low) > 1 and first in IMPERATIVES:
        return f"instruction {first!r}"  # "Make space for silence", "Start small"
    if len(low) > 1 and "VERB" in word_classes(first) and not first.endswith(("ing", "ed", "s")):
        second = low[1]
        noun = "NOUN" in word_classes(first)  # "Power of small groups" is a noun phrase
        if second in _ARTICLES or second in _DETERMINERS or second in _PARTICLES:
            return f"instruction {first!r}"
        if second in _PREPOSITIONS and not noun:
            return f"instruction {first!r}"
        if len(low) > 2 and second.endswith("s") and low[2] in _PREPOSITIONS:
            return f"instruction {first!r}"  # "Pair newcomers with a buddy"
    return None


_LEANS_BACK = _set(
    """this these that those it its they them their he she his her him such both there then
    and but so or also still yet which thus hence however instead otherwise besides here"""
)
_CLAUSE_LEANS_BACK = re.compile(
    r"(?i)^(?:when|if|because|although|though|as|once|after|before|since|while|until|unless|"
    r"even if|even when)\s+(?:they|he|she|it|this|that|these|those|them)\b"
)
_SUBORDINATE = re.compile(
    r"(?i)^(?:if|when|whenever|because|although|though|unless|while|whether|once|as soon as)\b"
)
_THIRD_PERSON = re.compile(r"\b(?:he|she|him|his|her|hers|himself|herself)\b", re.IGNORECASE)
_ANTECEDENT = re.compile(
    r"\b(?:a|an|one|every|each|any|my|our|your|the)\s+(?:\w+\s+)?(?:friend|colleague|person|"
    r"woman|man|mother|father|parent|sister|brother|neighbour|neighbor|teacher|member|child|"
    r"volunteer|guest|stranger|partner|someone|somebody|grandmother|grandfather|aunt|uncle|"
    r"doctor|nurse|boss|manager|coach|elder|kid)s?\b|\b(?:someone|somebody|anyone|everyone)\b",
    re.IGNORECASE,
)
_CV = re.compile(
    r"(?i)^(?:i|i've|i’ve|i have|i'm|i’m|i am|for \w+ years,? i)\b.{0,60}?\b(?:"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|many) years|"
    r"founder|co-founder|director|coordinator|author of|i run|i've run|i have run|"
    r"a (?:writer|coach|therapist|counsellor|counselor|organiser|organizer|volunteer|"
    r"facilitator|consultant|researcher))\b|^my name is\b|^about me\b|"
    r"^(?:\w+ and i|i and \w+|we)\s+(?:\w+\s+)?(?:started|founded|set up|began|opened|have run)\b"
    r".{0,60}\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|many) years ago\b"
)
_META = re.compile(
    r"(?i)\b(?:this|the|my|our) (?:post|article|essay|piece|blog|newsletter|series)\b|"
    r"\bi (?:will|want to|'ll|’ll|am going to) (?:share|explain|talk|write|tell)\b|"
    r"^as an? [\w\s-]{2,40}, i\b|\bclick\b|\bsubscribe\b|\bthanks? (?:you )?for reading\b|"
    r"\b(?:get|getting|be|stay|keep) in touch\b|\breply to\b|\bdrop (?:us|me) a (?:line|note)\b|"
    r"\b(?:email|message|contact|dm) (?:us|me)\b|\bsign up\b|\bjoin us\b|\blet (?:us|me) know\b|"
    r"\b(?:send|write|drop) (?:us|me)\b|\bwrite to (?:us|me)\b|"
    r"\bwe(?:'d|’d| would) love to (?:hear|know|see)\b|^if you run\b|\bdo say hello\b"
)
_MARKUP = re.compile(r"\*\*|__|\]\(|^#|^>|`")
_POINTS_BACK = re.compile(
    r"(?i)\b(?:(?:this|that|the same) reason|this is why|that is why|that's why|that’s why|"
    r"on the other hand|in other words|as a result|in contrast|because of this|as mentioned|"
    r"mentioned above|the above|the following|below|as i said|like this one|these days? too|"
    r"(?:each|all|none|some|most|many|any|one|both|either|neither) of "
    r"(?:these|those|this|that)|"
    r"the same (?:thing|way|fog|feeling)|this time|that time|at that point|by then|"
    r"linked (?:here|below|above)|(?:this|the) link|see (?:below|above)|that line)\b"
)


@lru_cache(maxsize=16384)
def stands_alone(sentence: str) -> bool:
    """A sentence that means something quoted on its own: whole, not a question or a list's
    introduction, not opening on a word that points back ("This…", "She…", "But…"), naming no
    one outside it, not about the writer's own record, and free of Markdown."""
    text = sentence.strip().strip("\"“”'‘’")
    words = text.split()
    if text and not re.search(r"[A-Za-z]", text):  # another script: whole, and not a question
        return len(text) >= 6 and not text.endswith(("？", "?", "：", ":"))
    if len(words) < 5 or len(words) > 45:
        return False
    if text.endswith(("?", ":", "…", "...")) or "?" in text or not text[0].isupper():
        return False
    first = re.sub(r"[^\w'’]", "", words[0]).lower()
    if first in _LEANS_BACK or _MARKUP.search(text) or _CV.search(text):
        return False
    if ":" in " ".join(words[:5]) or "：" in text:
        return False  # "What helped: a weekly swim…", a label and what it introduces
    if len(words) < 6 or "…" in text or "..." in text or re.search(r"[\"“”‘’']\s|\s[\"“‘']", text):
        return False  # a scene-setting scrap, or a quotation cut short inside the line
    last = re.sub(r"\W", "", words[-1].lower())
    if len(words) <= 8 and (last in _AUXILIARIES or last in _PREPOSITIONS or last in _ARTICLES):
        return False  # "Nine of the twelve flats were."
    if _SUBORDINATE.match(text) and "," not in text:
        return False  # "If you are hosting one." has no main clause
    if _POINTS_BACK.search(text) or _CLAUSE_LEANS_BACK.match(text) or _META.search(text):
        return False
    if any(is_acronym(w.strip(".,;:!()“”\"'")) for w in words[1:]):
        return False  # "Our CAB partners…": members may not know what it stands for
    pronoun = _THIRD_PERSON.search(text)
    if pronoun and not _ANTECEDENT.search(text[: pronoun.start()]):
        return False
    if points_outside(text) or _LIST_INTRO.search(text):
        return False
    return not names_someone(text)


def signs_off(sentence: str) -> bool:
    """A call to write in, join or follow ("drop us a line…", "sign up…"): no line to discuss
    or to show under a question."""
    return _META.search(sentence) is not None


@lru_cache(maxsize=16384)
def says_it_alone(sentence: str) -> bool:
    """Beyond standing alone (:func:`stands_alone`), the line is fit to be a question's quote:
    no "these details" it does not name, no ellipsis ("Conversations on the doorstep do not."),
    and it is a sentence, not a list of things ("Bitter melon, garlic chives and a basil…")."""
    text = sentence.strip().strip("\"“”'‘’")
    these = _THESE.search(text)
    if these and not _plural_before(text[: these.start()]):
        return False  # "A short message with these details…": which?
    return not (_ELLIPTICAL.search(text) or _verbless(text))


_THESE = re.compile(r"(?i)\b(?:these|those)\s+(?!days\b|who\b|which\b|that\b|are\b|were\b)\w+")
_ELLIPTICAL = re.compile(r"(?i)\b(?:do|does|did|can|could|will|would|should)(?: not|n't)[.!]$")


def _plural_before(text: str) -> bool:
    """A plural noun in ``text`` that a later "these" or "them" may stand for."""
    return any(
        w in _GROUPS
        or (len(w) > 3 and w.endswith("s") and w not in _NOT_PLURAL and "NOUN" in word_classes(w))
        for w in (x.lower() for x in _WORD.findall(text))
    )


def _verbless(sentence: str) -> bool:
    """No word before a relative clause can be a verb: a list of things, not a sentence."""
    head = re.split(r"(?i)\b(?:that|who|which|where|when|whose)\b", sentence)[0]
    words = [w.lower() for w in _WORD.findall(head)]

    def verb(i: int) -> bool:
        word = words[i]
        if word in _AUXILIARIES:
            return True
        classes = word_classes(word)
        if "VERB" not in classes:
            return False
        after = words[i + 1] if i + 1 < len(words) else ""
        if word.endswith("ed") and "NOUN" in word_classes(after):
            return False  # "pickled radish"
        return "NOUN" not in classes  # "spring onions" names a thing

    listed = head.count(",") >= 1 and " and " in head  # "Bitter melon, garlic chives and a…"
    first_chunk = head.split(",")[0]
    words_first = _WORD.findall(first_chunk)
    if not listed or len(words_first) > 3:  # a list opens on a short name of a thing
        return False
    return len(words) >= 3 and not any(verb(i) for i in range(len(words)))


_BACK_REFERENCE = re.compile(
    r"(?i)\b(?:that|this|which) (?:is|was|'s|’s) (?:what|why|how|when|where)\b|"
    r"\b(?:the two|the three|the latter|the former|the other one|both of them)[.,;!]|"
    r"\b(?:in|at|on|from|into|by|after|before|during) (?:that|those) (?!time\b)\w+|"
    r"^(?:\S+\s+){0,6}\S+,?\s+(?:too|as well|either)[.!]$|"  # "There have been hard years too."
    r"[,’'\"”]\s*(?:he|she|they) (?:says|said|adds|added|recalls|recalled|told me|tells me)\b"
)
_THAT_ONE = re.compile(
    r"(?i)\b(?:buy|buys|bought|get|gets|got|take|takes|took|want|wants|need|needs|bring|"
    r"brings|brought|pick|picks|picked|choose|chooses|chose) one\b(?! (?:of|another|day|more))"
)
_PRONOUN = re.compile(r"(?i)\b(?:it|them|they|these|those|the ones)\b")
_DUMMY_IT = re.compile(
    r"(?i)^it(?:'s|’s)?\s+(?:is\s+|was\s+)?(?:easier|harder|hard|easy|possible|impossible|"
    r"important|worth|clear|okay|ok|better|best|fine|normal|true|time)\b|^it (?:takes|helps|"
    r"matters|means|pays)\b|^it (?:all|together)\b"
)
# A noun phrase that "it" may stand for: not one inside a phrase of time or place ("since the
# spring", "on the committee"), which a later "it" seldom means.
_FREE_NOUN = re.compile(
    r"(?i)(?<!\bsince )(?<!\bon )(?<!\bin )(?<!\bat )(?<!\bduring )(?<!\bafter )"
    r"(?<!\bbefore )(?<!\buntil )(?<!\bby )(?<!\bof )(?<!\bfrom )(?<!\bover )"
    r"\b(?:a|an|the|this|that|each|every|one|our|my|your|their|his|her|its)\s+"
    r"(?:[\w'’-]+\s+)?[\w'’-]+"
)
_GROUPS = _set(
    """people children everyone someone anyone nobody everybody somebody folks family families
    group team staff men women friends members volunteers newcomers guests others"""
)
_NOT_PLURAL = _set(
    """us this was is has does its yes less across always perhaps sometimes ours yours hers
    his plus bus thus unless whereas besides afterwards towards news"""
)


@lru_cache(maxsize=65536)
def points_outside(sentence: str) -> bool:
    """A pronoun ("it", "them", "they", "these", "those", "the ones") with nothing before it
    in the sentence that it can stand for: "Since spring we run it on weekday mornings.",
    "We tell them to leave the legal questions alone." — it means something only beside the
    line before it."""
    if _THAT_ONE.search(sentence) or _BACK_REFERENCE.search(sentence):
        return True  # "Everyone who buys one…": one of what? "…and that is what…", "…too."
    for m in re.finditer(r"(?i)\bthis\b", sentence):
        after = _WORD.findall(sentence[m.end() :])[:1]
        if not after or "NOUN" not in word_classes(after[0].lower()) or after[0] in ("is", "was"):
            return True  # "Not every group will manage this, but…": this what?
    person = _THIRD_PERSON.search(sentence)
    if person and not _ANTECEDENT.search(sentence[: person.start()]):
        return True  # "We keep his apron by the door": whose?
    for m in _PRONOUN.finditer(sentence):
        word = m.group().lower()
        before = sentence[: m.start()]
        if word == "the ones":
            return True
        after = _WORD.findall(sentence[m.end() :])[:1]
        if word in ("these", "those") and after and "NOUN" in word_classes(after[0].lower()):
            continue  # "these voices" names its noun (the line before may say more of it)
        if word == "it":
            if _DUMMY_IT.match(sentence[m.start() :]):
                continue
            words = _WORD.findall(before)
            gerund = bool(words) and words[0].lower().endswith("ing")  # "Asking for help… it"
            things = [n for n in _FREE_NOUN.findall(before) if not _ANTECEDENT.search(n)]
            if not (things or gerund):  # "A partner … had no stake in it": it is no partner
                return True
            continue
        words = [w.lower() for w in _WORD.findall(before)]
        plural = any(
            w in _GROUPS
            or (
                len(w) > 3
                and w.endswith("s")
                and w not in _NOT_PLURAL
                and "NOUN" in word_classes(w)
            )
            for w in words
        )
        if not plural and not _ANTECEDENT.search(before):
            return True
    return False


# A line that announces what follows: "Here is what the choir gave me.", "…the three house rules."
_LIST_INTRO = re.compile(
    r"(?i)\b(?:here is what|here are|here's what|here’s what|here is how|as follows)\b|"
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:[\w-]+ )?(?:rules|things|"
    r"lessons|steps|questions|tips|ideas|ways|points|reasons|habits|principles)[.!]?$|"
    r"\b(?:is|was|are|were) (?:simple|this|these|as follows)[.!]?$|\bcomes? down to this[.!]?$"
)


_SUBJECT_PRONOUNS = frozenset(
    ["nothing", "nobody", "everyone", "everybody", "everything", "someone", "somebody", "no one"]
)


def reads_as_sentence(title: str, finite: frozenset[str] = frozenset()) -> bool:
    """A title that says something ("Time is short", "Ask before you help") rather than naming
    it ("Passing it on", "Quiet corners"): it has a verb that is not a leading gerund."""
    low = [w.lower() for w in _WORD.findall(title)]
    if len(low) < 2:
        return False
    if any(w in _AUXILIARIES or w in finite for w in low):
        return True
    if low[0] in _SUBJECT_PRONOUNS and "VERB" in word_classes(low[1]):
        return True  # "Nothing leaves the room", "Everyone brings a dish"
    first = word_classes(low[0])
    verb_only = "VERB" in first and not first & _NOMINAL
    if (verb_only or low[0] in IMPERATIVES) and not low[0].endswith(("ing", "ed", "s")):
        return True  # an instruction
    return any(
        word_classes(w) and word_classes(w) <= {"VERB", "AUX"} and not w.endswith("ing")
        for i, w in enumerate(low[1:], 1)
        if low[i - 1] != "to"  # "Time to hang out" names a time, it says nothing
    )


def is_name(word: str) -> bool:
    """A capitalised word the lexicon does not know and that is no people, language, festival
    or day: "Mei", "Arjun", "Toronto"."""
    lower = re.sub(r"['’]s$", "", word.lower())
    if not word[:1].isupper() or len(word) < 2 or word.isupper() or "'" in lower or "’" in lower:
        return False
    if lower in CALENDAR or lower in _FUNCTION_WORDS or lower in _NOT_NAMES:
        return False
    return not lower.endswith(("ese", "ish", "ian", "ean")) and not word_classes(lower)


def names_someone(sentence: str) -> bool:
    """A capitalised word that the English lexicon does not know ("Mei", "Arjun"): a person's
    name, most likely, and private people are not quoted by name. Peoples and languages
    ("Korean", "Chinese"), festivals, and places after "in", "to" or "from" are no one's name."""
    if _HONORIFIC.search(sentence):
        return True  # "Dr. Lee", "Ms Park", "Auntie Rosa"
    previous = ""
    for m in re.finditer(r"[A-Za-z][a-z’']+|\S", sentence):
        word = m.group()
        lower = re.sub(r"['’]s$", "", word.lower())
        if lower.endswith("s") and lower[:-1] in CALENDAR:
            lower = lower[:-1]  # "my Saturdays", "the Tuesdays"
        before, previous = previous, lower
        if not word[0].isupper() or len(word) < 2 or "'" in lower or "’" in lower:
            continue
        if lower in CALENDAR or lower in _FUNCTION_WORDS or lower in _NOT_NAMES:
            continue
        if lower.endswith(("ese", "ish", "ian", "ean")) or before in _PLACE_PREPOSITIONS:
            continue
        after = sentence[m.end() :]
        if m.start() == 0 and lower.endswith("s") and re.match(r"\s+(?:are|were|have)\b", after):
            continue  # "Carers are more likely…": a plural, no one's name
        if not word_classes(lower) and (m.start() > 0 or _verb_follows(after)):
            return True  # a sentence's first word is a name only when a verb follows it
        if not word_classes(lower) and re.match(r"\s+and (?:I|me|my)\b", after):
            return True  # "Priya and I started…"
        if not lower.endswith("s") and _SPOKE.match(sentence[m.end() :]):
            return True  # "Grace told me…": a name the lexicon knows as a word
    return False


_HONORIFIC = re.compile(
    r"\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Rev|Sr|Fr|Auntie|Aunty|Aunt|Uncle|Grandma|Grandpa|Nana|"
    r"Lola|Lolo|Tita|Tito|Ate|Kuya)\.?\s+[A-Z][a-z]+"
)
_SPOKE = re.compile(
    r"\s+(?:told|said|says|tells|asked|asks|explained|wrote|messaged|texted|laughed|smiled|"
    r"whispered|replied|admitted|insisted|joked|cried|shouted|called me|reminded)\b"
)


def _verb_follows(rest: str) -> bool:
    """The next word is a verb and nothing else ("Mei joined…", "Arjun said…")."""
    m = re.match(r"\s+([a-z’']+)", rest)
    if not m:
        return False
    classes = word_classes(m.group(1))
    return m.group(1) in _AUXILIARIES or (bool(classes) and not classes & _NOMINAL)


_PLACE_PREPOSITIONS = _set("in at from to near across around outside inside of the")
_NOT_NAMES = _set(
    """asia africa europe america pacific english filipino filipina thai christmas easter eid
    diwali ramadan hanukkah lunar pride lgbtq lgbt internet zoom whatsapp discord facebook
    instagram youtube google reddit tiktok god allah buddha tagalog cantonese mandarin urdu
    hindi punjabi bengali tamil malay arabic farsi persian french german swahili yoruba igbo
    hausa somali amharic kurdish turkish greek russian hokkien teochew hakka ilocano cebuano
    bisaya nepali sinhala burmese khmer lao hmong tibetan uyghur te reo maori samoan tongan"""
)


_DETERMINERS = _set(
    """every each some many most any no all few several much more less another other own same
    how why where whenever while although though unless once as not never always"""
)
_FUNCTION_WORDS = (
    PRONOUNS | _AUXILIARIES | _PREPOSITIONS | _ARTICLES | _CONJUNCTIONS | _LEANS_BACK | _DETERMINERS
)
