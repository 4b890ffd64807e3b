"""Discussion prompts for a theme, from the question bank in ``bot/data/question_bank.yaml``.

Themes the vocabulary knows use their own hand-written questions (a question that names an
audience only when the essays' collection declares that audience). Other themes use the general
forms around the theme's noun phrase and the essay's subject, in an order that depends on the
theme id and never opens two prompts of one theme alike; a theme whose title is a sentence or in
another script is asked about through quoted sentences of the essay. Those prompts are drafts.
A theme titled with a heavy subject (``bot/data/heavy_topics.yaml``) gets the gentle forms and is
marked sensitive; elsewhere each line decides its form: only a quote that names a difficulty or a
private fact gets a gentle one. A prompt from an item on a heavy subject, or whose question or
context (read as a person's own story) touches one, is marked sensitive. A line about suicidal
thoughts, self-harm or a death is never quoted or shown as context. A noun slot takes only a
general idea ("trust", "ground rules"); a thing of the essay's own ("the raffle") is asked about
through its lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot.essays.articles import is_abstract, is_plural, with_article
from bot.essays.lexicon import is_base_verb, word_classes
from bot.essays.phrases import (
    names_someone,
    noun_phrase_problem,
    points_outside,
    reads_as_sentence,
    says_it_alone,
    signs_off,
    stands_alone,
)
from bot.essays.text import clip, sentences
from bot.prompts.quotes import quote_kind, tells_a_situation
from bot.prompts.schema import QUESTION_MAX, neutralise_mentions
from bot.safety.heavy import HeavyTopics, read_heavy_topics
from bot.themes.titles import load_vocabulary
from bot.themes.types import Source, Theme

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_BANK = DATA / "question_bank.yaml"
DEFAULT_HEAVY = DATA / "heavy_topics.yaml"
MIN_PROMPTS = 3
QUOTE_IN_CONTEXT = 220
QUOTE_IN_QUESTION = 160
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "about",
        "into",
        "than",
        "then",
        "there",
        "these",
        "those",
        "been",
        "more",
        "most",
        "much",
        "many",
        "very",
        "just",
        "also",
        "only",
    ]
)


@dataclass(frozen=True)
class Form:
    """One question template with the follow-ups written for it."""

    question: str
    followups: tuple[str, ...]
    kind: str  # "bank", "phrase", "quote", "gentle", "gentle-quote"
    audience: str | None = None
    sensitive: bool = False
    fits: frozenset[str] = frozenset()  # the kinds of quote it suits (bot/prompts/quotes.py)

    @property
    def needs_subject(self) -> bool:
        return "{subject}" in self.question or any("{subject}" in f for f in self.followups)

    @property
    def quotes(self) -> bool:
        return "{quote}" in self.question


@dataclass(frozen=True)
class Draft:
    """A generated prompt before it gets an id. ``slot`` names what it was generated from."""

    slot: str
    question: str
    followups: tuple[str, ...]
    context: str
    source: str  # the essay's title as members see it
    source_ref: str
    sensitive: bool = False
    draft: bool = False  # from the general forms: written disabled, awaiting review
    content_warning: str | None = None  # the heavy subjects a member would read in it


@dataclass(frozen=True)
class Bank:
    concepts: dict[str, list[Form]]
    forms: list[Form]
    quote_forms: list[Form]
    gentle_forms: list[Form]
    gentle_quote_forms: list[Form]
    quote: Form
    heavy: HeavyTopics = field(default_factory=HeavyTopics)
    avoid: tuple[str, ...] = ()  # phrases never quoted when another sentence will do
    idea_forms: tuple[Form, ...] = ()  # a one-line item named for a thing: an idea to try
    line_forms: tuple[Form, ...] = ()  # the only quotable line, shown as the context
    last_line: Form | None = None  # a heavy item with nothing to quote: a line as context


@lru_cache(maxsize=4)
def load_bank(path: Path = DEFAULT_BANK, heavy: Path = DEFAULT_HEAVY) -> Bank:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))

    def forms(entries: list[dict], kind: str) -> list[Form]:
        return [
            Form(
                e["question"],
                tuple(e["followups"]),
                kind,
                e.get("audience"),
                bool(e.get("sensitive", False)),
                frozenset(e.get("fits") or ()),
            )
            for e in entries
        ]

    concepts = {cid: forms(entries, "bank") for cid, entries in data["concepts"].items()}
    return Bank(
        concepts,
        forms(data["forms"], "phrase"),
        forms(data["quote_forms"], "quote"),
        forms(data["gentle_forms"], "gentle"),
        forms(data["gentle_quote_forms"], "gentle-quote"),
        forms([data["quote"]], "quote")[0],
        load_heavy_topics(heavy),
        tuple(w.lower() for w in data.get("avoid_quoting") or ()),
        tuple(forms(data.get("idea_forms") or [], "idea")),
        tuple(forms(data.get("line_forms") or [], "line")),
        forms([data["gentle_line_of_item"]], "line")[0] if "gentle_line_of_item" in data else None,
    )


@lru_cache(maxsize=4)
def load_heavy_topics(path: Path = DEFAULT_HEAVY) -> HeavyTopics:
    """The heavy subjects of the list, judged on a whole text (:mod:`bot.safety.heavy`)."""
    return read_heavy_topics(path)


def is_heavy(theme: Theme, bank: Bank, *, text: bool = True) -> bool:
    """The theme's title or phrase, its items' titles (and, with ``text``, their texts) touch a
    heavy subject. The essay's title and the collection's subject do not: a bake sale in an
    essay on mental health is light."""
    texts = [theme.title, theme.phrase]
    for source in theme.sources:
        texts += [source.title]
        texts += [source.text or source.excerpt] if text else []
    return bank.heavy.touches(*texts)


def questions_for(theme: Theme, bank: Bank) -> list[tuple[str, Form]]:
    """The theme's forms with their slot names, in the order its prompts use them. A bank
    question keeps its slot ("q3") whether or not the questions before it apply."""
    if theme.concept and theme.id in bank.concepts:
        audience = _audience(theme)
        return [
            (f"q{i + 1}", f)
            for i, f in enumerate(bank.concepts[theme.id])
            if f.audience is None or (audience and f.audience.casefold() == audience.casefold())
        ]
    return [(f"q{i + 1}", f) for i, f in enumerate(_general_forms(theme, bank))]


def phrase_questions(theme: Theme, bank: Bank) -> list[tuple[str, Form]]:
    """The noun-phrase forms with their slot names ("p1"…), asked only when no line of the
    theme can be quoted."""
    return [(f"p{i + 1}", f) for i, f in enumerate(_phrase_forms(theme, bank))]


def titled_heavy(theme: Theme, bank: Bank) -> bool:
    """The theme's own title or phrase, or its items' titles, name a heavy subject ("Debt",
    "After an eviction"). An essay set somewhere heavy (a shelter) does not make every line of
    it a difficulty: the gentle forms then go only to lines that name one (:func:`_fitting`)."""
    return bank.heavy.touches(theme.title, theme.phrase, *(s.title for s in theme.sources))


def _general_forms(theme: Theme, bank: Bank) -> list[Form]:
    """The quoting forms: a theme's own lines say more than its phrase in a frame does. A
    one-line item named for a thing is an idea to try."""
    heavy = titled_heavy(theme, bank)
    quotes = bank.gentle_quote_forms if heavy else bank.quote_forms
    if theme.kind == "noun" and not _general_idea(theme) and _one_line(theme):
        return list(bank.idea_forms)  # "A summer picnic.": an idea to try, never a noun slot
    return _varied(_rotated(_usable(theme)(quotes), theme.id))


def _phrase_forms(theme: Theme, bank: Bank) -> list[Form]:
    """Forms around the theme's noun phrase, for a general idea whose lines give no question:
    "What comes to mind first when you think about chosen family?"."""
    if theme.kind not in ("noun", "prose") or not _general_idea(theme):
        return []
    phrases = bank.gentle_forms if titled_heavy(theme, bank) else bank.forms
    usable = _usable(theme)(phrases)
    subject_first = [f for f in _rotated(usable, theme.id) if f.needs_subject]
    others = [f for f in _rotated(usable, theme.id) if not f.needs_subject]
    return _varied(subject_first[:1] + others)


def _general_idea(theme: Theme) -> bool:
    """A noun slot ("What comes to mind when you think about {phrase}?") takes only an idea
    members can know from their own lives ("trust", "keeping culture alive"), never a thing of
    the essay's own ("the raffle", "the spring fair"), nor a long heading ("jobs for every kind of
    energy level") or a single word guessed from prose ("parents"): those are asked about
    through its lines."""
    if theme.kind not in ("noun", "prose"):
        return True
    phrase = (theme.phrase or theme.title).strip()
    words = phrase.lower().split()
    qualified = len(words) > 4 and _HEAD_CUT.search(phrase) is not None
    if qualified or _SPECIFIC & set(words) or (theme.kind == "prose" and len(words) == 1):
        return False  # "jobs for every kind of day" is the essay's own; "parents" a guess
    bare = re.sub(r"(?i)^(?:the|this|that|our|my)\s+", "", phrase)
    head = _HEAD_CUT.split(bare)[0]  # "loneliness" of "loneliness among older people"
    if is_abstract(bare) or is_abstract(head) or head.lower().endswith(_IDEA_ENDINGS):
        return True
    # "family expectations", "ground rules"; "the raffle" is one thing
    return bare == phrase and is_plural(phrase)


_HEAD_CUT = re.compile(
    r"(?i)\s(?:of|for|in|on|among|amongst|across|between|with|within|without|from|about|at|to|"
    r"after|before|during|around|beyond)\s"
)
_SPECIFIC = frozenset(["every", "each", "kind", "sort", "whatever", "whichever"])
_IDEA_ENDINGS = ("ness", "ity", "ship", "ment", "ism", "hood", "dom", "ance", "ence", "choice")


def _one_line(theme: Theme) -> bool:
    """Every item of the theme has a single line: nothing else to quote beside its context."""
    return not any(len(sentences(s.text or s.excerpt)) >= 2 for s in theme.sources)


def initial_drafts(theme: Theme, bank: Bank) -> list[Draft]:
    """Prompts for a new theme: one per source (at least three), each quoting a source."""
    forms = questions_for(theme, bank)
    sources = sorted(theme.sources, key=lambda s: (s.truncated, _flawed(s, bank), s.sort_key()))
    count = min(len(forms), max(MIN_PROMPTS, len(sources)))
    heavy = is_heavy(theme, bank)
    drafts: list[Draft] = []
    quoted: dict[str, int] = {}
    asked: set[str] = set()
    for slot, form in forms:
        if len(drafts) == count:
            break
        source = sources[len(drafts) % len(sources)]
        if form.quotes and quoted.get(source.ref, 0) >= len(_quotes(theme, source, bank.avoid)):
            continue  # every sentence of the item is quoted already: never the same one twice
        draft = _draft(slot, form, theme, source, heavy, quoted, bank, asked)
        if draft is not None:
            drafts.append(draft)
    for slot, form in phrase_questions(theme, bank)[: 0 if drafts else 2]:
        source = sources[len(drafts) % len(sources)]  # nothing to quote: ask about the idea
        draft = _draft(slot, form, theme, source, heavy, quoted, bank, asked)
        drafts += [draft] if draft is not None else []
    owned = re.match(r"(?i)(?:the|our|my|this)\s", theme.title)  # "The raffle" is theirs
    listed = theme.kind == "noun"  # a list's or a heading's own title, never one found in prose
    if not drafts and listed and not owned and noun_phrase_problem(theme.title) is None:
        for slot, form in [(f"i{i + 1}", f) for i, f in enumerate(bank.idea_forms)][:1]:
            draft = _draft(slot, form, theme, sources[0], heavy, quoted, bank, asked)
            drafts += [draft] if draft is not None else []  # "Pollinator gardens": an idea
    if not drafts and bank.last_line is not None:  # nothing to quote: a line as context
        source = sources[0]
        crisis = any(is_crisis(s) for s in sentences(source.text or source.excerpt))
        gentle = crisis or titled_heavy(theme, bank) or bank.heavy.touches(source.text)
        if gentle:  # a light item with nothing to quote is mostly a sign-off or a list's intro
            draft = _draft("l1", bank.last_line, theme, source, heavy, quoted, bank, asked)
            drafts += [draft] if draft is not None and _shows_a_line(draft) else []
    return drafts


def _shows_a_line(draft: Draft) -> bool:
    """The draft's context is a whole line that a question could quote: never a bare title, a
    sign-off ("drop us a line…"), a list's announcement or a line leaning on another."""
    line = draft.context.split("”")[0].lstrip("“")
    whole = len(line.split()) >= 3 and line[-1:] in ".!?"
    return whole and stands_alone(line) and says_it_alone(line) and not _leans_back(line)


def draft_for_source(theme: Theme, source: Source, used_slots: set[str], bank: Bank) -> Draft:
    """A prompt for a source the theme gained: the next unused question, else one on its words."""
    heavy = is_heavy(theme, bank)
    for slot, form in questions_for(theme, bank):
        if slot not in used_slots:
            draft = _draft(slot, form, theme, source, heavy, {}, bank, set())
            if draft is not None:
                return draft
    fallback = _draft(f"quote:{source.ref}", bank.quote, theme, source, heavy, {}, bank, set())
    last = fallback or _draft(
        f"quote:{source.ref}", bank.quote, theme, source, heavy, {}, bank, set(), whole=True
    )
    if last is None:  # a whole quote of the title is always made
        raise RuntimeError(f"no prompt could be made from {source.ref}")
    return last


def context_for(
    source: Source, question: str = "", avoid: str = "", odd: tuple[str, ...] = ()
) -> str:
    """The sentence of the source that best matches ``question``, whole, naming the essay;
    never ``avoid`` (the sentence the question quotes) and, if possible, none with ``odd``."""
    sentence = best_sentence(source, question, avoid, odd)
    return f"“{sentence}” (from “{essay_title(source)}”)"


def essay_title(source: Source) -> str:
    return neutralise_mentions(source.essay_title or source.essay)


def best_sentence(
    source: Source, question: str = "", avoid: str = "", odd: tuple[str, ...] = ()
) -> str:
    """The item's sentence sharing most words with ``question`` (the earlier one on a tie), and
    not the line the question already quotes while another is left."""
    ranked = [
        s
        for s in _ranked_sentences(source, question, odd)
        if not is_crisis(s)
        and not names_someone(s)  # no crisis, no private person's name
        and not signs_off(s)  # nor a call to write in
    ]
    asked = _plain(question)
    fresh = [s for s in ranked if _plain(s) != _plain(avoid) and _plain(s) not in asked]
    clear = [s for s in fresh if not _leans_back(_passage(source, s))]
    whole = [s for s in clear if _fits_whole(_passage(source, s), source, odd)]
    choice = (whole or clear or fresh or ranked or [source.title])[0]
    return _quotable(_passage(source, choice), source, QUOTE_IN_CONTEXT, odd)


def _cut_at_a_clause(line: str, source: Source) -> bool:
    """The line is whole, or cut short where a clause of the item's text ends."""
    if not line.endswith("…") or line.endswith("...…"):
        return True
    text = " ".join((source.text or source.excerpt).split())
    head = line[:-1].rstrip()
    if line in text or head not in text:
        return True  # cut where the item itself stops
    return any(head + m in text for m in (",", ";", ":", " –", " —"))


def _fits_whole(sentence: str, source: Source, odd: tuple[str, ...]) -> bool:
    """The line can be shown whole, or cut where a clause ends, within the context's room."""
    plain = _quotable(sentence, source, 10_000, odd)
    return len(plain) <= QUOTE_IN_CONTEXT or bool(_clause_cut(plain, QUOTE_IN_CONTEXT))


def _passage(source: Source, sentence: str) -> str:
    """``sentence``, led by the one before it when it leans back on that one ("It sounds
    small, yet…" after "We end each circle with a round of good news."), so that it is read
    with what it speaks of."""
    if not _leans_back(sentence):
        return sentence
    found = sentences(source.text) if source.text else []
    at = found.index(sentence) if sentence in found else 0
    before = found[at - 1] if at > 0 else ""
    if (
        not before
        or _leans_back(before)
        or is_crisis(before)
        or names_someone(before)
        or len(before) + len(sentence) >= QUOTE_IN_CONTEXT
    ):
        return sentence
    return f"{before} {sentence}"


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _draft(
    slot: str,
    form: Form,
    theme: Theme,
    source: Source,
    heavy: bool,
    quoted: dict,
    bank: Bank,
    asked: set[str],
    whole: bool = False,
) -> Draft | None:
    """The prompt of ``form`` on ``source``; a quoting form gives way to one that fits what the
    quote is (claim, experience, advice, feeling). None when the source has nothing that may be
    quoted on its own (``whole``: quote its title even so)."""
    odd = bank.avoid
    quote = ""
    crisis = any(is_crisis(s) for s in sentences(source.text or source.excerpt))
    gentle = titled_heavy(theme, bank) or crisis  # an item around a death: every line with care
    if form.quotes:
        ranked = _quotes(theme, source, odd)
        if not ranked and not whole:
            return None
        used = quoted.setdefault(source.ref, 0)
        quoted[source.ref] = used + 1
        quote = ranked[used % len(ranked)] if ranked else _as_sentence(source.title)
        shown = _whole(_quotable(quote, source, 10_000, odd), QUOTE_IN_QUESTION)
        if not shown and not whole:
            return None  # a line too long to quote whole or cut where a clause ends
        kind = quote_kind((shown or quote).rstrip("…"))
        kind = "claim" if kind == "fact" else kind  # a title said as a line is the writer's point
        fitting = _fitting(form, kind, bank, gentle, theme, asked)
        if fitting is None and not whole:
            return None
        form = fitting or form  # ``whole``: the last resort keeps its own form
    shown = _whole(_quotable(quote, source, 10_000, odd), QUOTE_IN_QUESTION) if quote else ""
    question = _fill(
        form.question, theme, source, shown or _quotable(quote, source, QUOTE_IN_QUESTION, odd)
    )
    if len(question) > QUESTION_MAX:
        return None  # a long essay title and a long line: another form or line will do
    asked.add(form.question)
    followups = tuple(_fill(f, theme, source, "") for f in form.followups)
    line = best_sentence(source, question, quote, odd)
    if form.kind != "bank" and not _cut_at_a_clause(line, source):
        return None  # the only line left to show would be cut mid-phrase
    context = f"“{line}” (from “{essay_title(source)}”)"  # as context_for words it
    repeated = _plain(quote) in _plain(context) and len(sentences(line)) < 2
    if quote and not whole and repeated:
        # the item's only line that may be shown: it is the context, and the question asks
        # about it there ("What would you add to this thought from “…”?")
        said = "difficulty" if crisis and kind in ("claim", "experience", "feeling") else kind
        line_forms = [f for f in _rotated(list(bank.line_forms), theme.id) if said in f.fits]
        line_form = next((f for f in line_forms if f.question not in asked), None)
        if line_form is None:
            return None
        form = line_form
        asked.add(form.question)
        question = _fill(form.question, theme, source, "")
        followups = tuple(_fill(f, theme, source, "") for f in form.followups)
        line = _quotable(quote, source, QUOTE_IN_CONTEXT, odd)
        context = f"“{line}” (from “{essay_title(source)}”)"
    draft = form.kind != "bank"
    private = bool(quote) and quote_kind(quote) in ("private", "difficulty")
    # decided by what members read, line by line: the question, its follow-ups and its context
    # (a context line on someone's outness, family, home at risk or private fact needs care too)
    needs_care = (
        bank.heavy.touches(question, *followups)
        or bool(bank.heavy.in_context(context))
        or quote_kind(line) == "private"
        or tells_a_situation(line)
    )
    sensitive = form.sensitive or (draft and (heavy or private or crisis)) or needs_care
    return Draft(
        slot, question, followups, context, essay_title(source), source.ref, sensitive, draft
    )


def _fitting(
    form: Form, kind: str, bank: Bank, heavy: bool, theme: Theme, asked: set[str]
) -> Form | None:
    """``form`` when it suits a quote of ``kind``, else the theme's next quoting form that does
    and has not been asked yet: a gentle one when the quoted line names a difficulty or a
    private fact, whatever the essay around it is about, or when the theme's own title names a
    heavy subject (``heavy``) and the line is not what a group does."""
    # a line under "Telling family, or not" is asked in general terms, in a form for what it is
    gentle = kind in ("private", "difficulty") or (heavy and kind != "practice")
    right_family = form.kind == "gentle-quote" if gentle else form.kind != "gentle-quote"
    if not form.fits or (kind in form.fits and form.question not in asked and right_family):
        return form
    family = bank.gentle_quote_forms if gentle else bank.quote_forms
    usable = _usable(theme)(family)
    for candidate in _rotated(usable, theme.id):
        if kind in candidate.fits and candidate.question not in asked:
            return candidate
    return None  # every form that fits is asked already: no question that does not fit


def _quotes(theme: Theme, source: Source, odd: tuple[str, ...]) -> list[str]:
    """The sentences a question may quote, best first: only those that stand on their own
    (bot/essays/phrases.py); a title that is a sentence comes first, quoted whole."""
    ranked = [
        s
        for s in _ranked_sentences(source, theme.title, odd)
        if stands_alone(s) and says_it_alone(s) and not is_crisis(s) and not _leans_back(s)
    ]
    point = source.title.rstrip("….")  # the line that titles a paragraph is its point
    if not _general_idea(theme) or theme.kind in ("opening", "prose"):
        point = "\0"  # "The raffle pays for the gas bill." is no point to discuss, nor is a
        # paragraph's first line, chosen to title it, when it only reports
    ranked = [s for s in ranked if quote_kind(s) != "fact" or s.startswith(point)]
    title = _as_sentence(source.title)
    if theme.kind == "sentence" and _title_quotable(source.title):
        ranked = [title, *[s for s in ranked if s.rstrip(".") != source.title.rstrip(".")]]
    return ranked


def _title_quotable(title: str) -> bool:
    """A title said whole as a sentence ("Time is short.", "Ask before you help."): it has a
    verb, and is no question and no pointer back ("Passing it on" names, it says nothing)."""
    finite = load_vocabulary().lists["finite_verbs"]
    first = title.split()[0].lower() if title.split() else ""
    gerund = first.endswith("ing") and not is_base_verb(first) and "VERB" in word_classes(first)
    if re.search(r"\s[–—-]\s|:", title) or gerund:
        return False  # "Getting together — why the video era ended" names a section
    described = re.match(r"(?i)^(?:\w+ ){1,2}(?:we|they|you|i|people) \w+", title)
    if described and not is_base_verb(first):
        return False  # "Names we give ourselves": a noun and what is said of it, no sentence
    return (
        reads_as_sentence(title, finite)
        and not title.rstrip().endswith("?")
        and not _leans_back(title)
        and first not in ("what", "why", "how", "when", "where", "who", "which", "whether")
        and first not in ("you", "you're", "your", "you’re")  # "You are a carer." tells members
    )


def _fill(template: str, theme: Theme, source: Source, quote: str) -> str:
    phrase = neutralise_mentions(theme.phrase.strip() or theme.title.lower())
    values = {
        "phrase": with_article(phrase) if theme.kind in ("noun", "prose") else phrase,
        "the_phrase": with_article(phrase),
        "does": "do" if is_plural(phrase) else "does",
        "subject": neutralise_mentions(source.subject),
        "quote": quote,
        "title": essay_title(source),
        "idea": _idea(theme),
    }
    return template.format(**values)


def _idea(theme: Theme) -> str:
    """The theme's title as an idea to try, mid-sentence: "a summer picnic" of "A summer
    picnic", "a quiet room" of "Quiet room" or "The quiet room", "suggestion boxes"."""
    title = neutralise_mentions(theme.title.strip().rstrip("."))
    rest = re.sub(r"^(?:A|An|The)\s+", "", title)
    if rest[1:2].islower():
        rest = rest[0].lower() + rest[1:]
    if is_plural(rest):
        return rest
    return ("an " if rest[:1].lower() in "aeiou" else "a ") + rest


def _audience(theme: Theme) -> str | None:
    return next((s.audience for s in theme.sources if s.audience), None)


def _usable(theme: Theme):
    """A filter dropping the forms that name the subject when it is unknown or is the phrase."""
    subject = next((s.subject for s in theme.sources if s.subject), "").lower()
    phrase = theme.phrase.lower()
    covered = not subject or subject in phrase or phrase in subject

    abstract = is_abstract(theme.phrase)
    heavy = load_heavy_topics()
    titles = {s.essay_title for s in theme.sources}
    # "Minding each other: low mood and grief" would make a light line's question heavy
    unnamed = any(heavy.touches(t) for t in titles) and not any(
        heavy.touches(s.title, s.text or s.excerpt) for s in theme.sources
    )

    def usable(forms: list[Form]) -> list[Form]:
        return [
            f
            for f in forms
            if not (f.needs_subject and covered)
            and (abstract or "abstract" not in f.fits)
            and not (unnamed and "{title}" in f.question)
        ]

    return usable


def _rotated(forms: list[Form], theme_id: str) -> list[Form]:
    if not forms:
        return []
    start = int(hashlib.sha256(theme_id.encode()).hexdigest(), 16) % len(forms)
    return forms[start:] + forms[:start]


def _varied(forms: list[Form]) -> list[Form]:
    """The same forms, reordered so that openings (first two words) do not repeat while others
    remain; forms whose opening was already used come last."""
    out: list[Form] = []
    later: list[Form] = []
    seen: set[str] = set()
    for form in forms:
        opening = opening_of(form.question)
        (later if opening in seen else out).append(form)
        seen.add(opening)
    return out + later


def opening_of(question: str) -> str:
    """The first two words of a question, lower-cased, quotes and punctuation aside."""
    words = _WORD.findall(question.lower())
    return " ".join(words[:2])


def _ranked_sentences(source: Source, question: str, avoid: tuple[str, ...] = ()) -> list[str]:
    """The item's sentences, best match for ``question`` first (ties keep the text's order)."""
    found = sentences(source.text) if source.text else [source.excerpt]
    found = [s for s in found if len(_WORD.findall(s)) >= 3 or (len(s) >= 8 and " " not in s)]
    if source.truncated and found and not found[-1].endswith((".", "!", "?", "。", "！", "？")):
        found = found[:-1] or [_drop_cut_word(found[-1])]
    wanted = _stems(question)
    scored = [
        (
            _leans_back(s) or not stands_alone(s),
            any(a in s.lower() for a in avoid),
            -len(_stems(s) & wanted),
            i,
            s,
        )
        for i, s in enumerate(found)
    ]
    return [s for *_, s in sorted(scored)]


def _flawed(source: Source, bank: Bank) -> bool:
    """Every sentence of the source leans back or reads oddly out of context."""
    found = sentences(source.text) if source.text else [source.excerpt]
    return all(_leans_back(s) or any(a in s.lower() for a in bank.avoid) for s in found)


_CRISIS = re.compile(
    r"(?i)\b(?:suicid\w*|kill(?:ed|ing)? (?:him|her|my|them|your)sel(?:f|ves)|"
    r"end(?:ed|ing)? (?:his|her|my|their|your) (?:own )?life|better off without|"
    r"(?:if|whether) (?:\w+ )?(?:just )?(?:disappeared|vanished)|self-harm\w*|"
    r"(?:harm(?:ed|ing)?|cutting) (?:him|her|my|them)sel\w+|overdos\w*|stopped eating|"
    r"died|passed away)\b"
)
# A line that leans on something it does not show: another sentence ("It also…", "I have come
# to see it as…") or a link the text lost ("the guide linked here")
_ORPHAN = re.compile(
    r"(?i)^(?:\w+ also\b|(?:i|we) (?:have |'ve |’ve )?(?:come to see|came to see|think of|see|call"
    r"|called|saw) (?:it|this|that|them)\b|(?:and|but|or|so|also|then)\b)"
)
_ELSEWHERE = re.compile(
    r"(?i)\b(?:linked (?:here|below|above|to)|(?:see|click|read|listed|shown|find) (?:it )?"
    r"(?:here|below|above)|(?:link|links|guide|list|resources?) (?:below|above|here)|"
    r"(?:this|that|the) link)\b"
)


def is_crisis(sentence: str) -> bool:
    """A line about suicidal thoughts, self-harm or someone's death or crisis: never shown as a
    context or asked about in a public thread, whatever else the item holds."""
    return _CRISIS.search(sentence) is not None


@lru_cache(maxsize=65536)
def _leans_back(sentence: str) -> bool:
    """The sentence opens on a word pointing back ("This can help…", "It also…") or points at
    a link or another part of the page: unclear when quoted."""
    first = sentence.split()[0].lower().strip('"“‘(') if sentence.split() else ""
    if first in ("this", "these", "that", "those", "it", "they", "such", "both"):
        return True
    if first in ("she", "he", "her", "his", "him"):  # someone the line does not name
        return True
    if points_outside(sentence):  # "Since spring we run it on weekday mornings."
        return True
    return bool(_ORPHAN.match(sentence.lstrip('"“‘(')) or _ELSEWHERE.search(sentence))


def _stems(text: str) -> set[str]:
    return {w.lower()[:5] for w in _WORD.findall(text) if w.lower() not in _SMALL_WORDS}


def _quotable(sentence: str, source: Source, limit: int, odd: tuple[str, ...] = ()) -> str:
    """The sentence fit to quote: mentions made plain, within ``limit``, and cut before an odd
    phrase ("…between ethnic Asian partly gay groups") at the preposition that leads to it."""
    if not sentence:
        return ""
    at = min((sentence.lower().find(a) for a in odd if a in sentence.lower()), default=-1)
    if at > 0:
        head = sentence[:at]
        cut = max(head.rfind(f" {p} ") for p in ("between", "among", "for", "in", "within"))
        if len(head[:cut].split()) >= 5:
            sentence = head[:cut].rstrip(" ,;:") + "…"
    sentence = re.sub(r"[\"“]([^\"“”]*)[\"”]", r"‘\1’", sentence)  # quotes inside a quote
    return neutralise_mentions(clip(sentence, limit))


def _whole(sentence: str, limit: int) -> str:
    """``sentence`` when it fits ``limit`` whole, else "": a question quotes whole lines only,
    since a cut line loses what comes after its comma, which is often its point."""
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else ""


def _clause_cut(sentence: str, limit: int) -> str:
    """``sentence`` whole when it fits ``limit``, else cut after a clause ("…, and" never)
    with "…"; "" when no clause of eight words or more ends within the limit."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence
    head = sentence[: limit - 1]
    cuts = [m.start() for m in re.finditer(r"(?:[,;:]| [–—]) ", head)]
    turn = re.compile(r"(?i)[,;:–—]?\s*(?:but|yet|although|though|except|unless|until|so|and)\b")
    cuts = [  # never just before the turn that makes the point ("…, but it changed us")
        c for c in cuts if len(head[:c].split()) >= 8 and not turn.match(sentence[c:])
    ]
    return head[: cuts[-1]].rstrip(" ,;:–—") + "…" if cuts else ""


def _as_sentence(title: str) -> str:
    title = title.strip()
    return title if title.endswith((".", "!", "?", "…")) else title + "."


_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "or",
        "in",
        "on",
        "with",
        "by",
        "as",
        "at",
        "from",
        "their",
        "its",
    ]
)


def _drop_cut_word(text: str) -> str:
    """A cut-off text without its last word (it may be cut in half) and dangling small words."""
    words = text.split()[:-1]
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return (" ".join(words).rstrip(",;:") + "…") if words else text
