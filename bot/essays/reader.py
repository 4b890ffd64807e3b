"""Read the essays in ``seeds/`` and find their theme items.

Every essay, ``.md`` or ``.txt``, is read as Markdown (``bot/essays/markdown.py``) and its items
come from the document tree:

* list items with a title: a bold or emphasised lead (``1. **Title.** body``,
  ``- **Title**: body``), a short ``Title: body``, or a short item on its own; numbered
  ``1.`` or ``1)`` alike. Numbered items of plain text are titled by a phrase of their own;
* headings (``## Title``, ``## 2) Title: subtitle``) with everything under them, at the level
  the essay uses most; a subtitle after a colon stays out of the title;
* plain prose when neither gives two items: one item per substantial paragraph, titled by its
  key phrase.

Inline marks become plain text (links keep their text). A recap or summary that repeats earlier
items, and sections headed "Summary", "Conclusion", "Introduction" and the like, are not items;
front matter is skipped. An essay cut off mid-sentence keeps its last item with the partial
text, marked truncated.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.errors import InputError, Problem
from bot.essays.collection import Collection, load_collection
from bot.essays.markdown import Block, parse_blocks, split_front_matter
from bot.essays.phrases import noun_phrase_problem
from bot.essays.text import first_sentence, key_phrase, sentence_title, sentences

log = logging.getLogger(__name__)

ESSAY_SUFFIXES = (".txt", ".md")
MIN_PROSE_WORDS = 25
_TITLE_COLON = re.compile(r"^(?P<title>[^:\n]{1,60}?)\s*(?::|：|\s[-–—]\s)\s*(?P<body>.+)$")
_COUNTER = re.compile(
    r"(?i)(?:step|part|section|tip|lesson|chapter|day|week|rule|point|no\.?|myth|mistake|habit|truth|"
    r"reason|way|thing|idea|question|secret|principle|takeaway)\s*#?\s*(?:\d{1,3}|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_RECAP_HEADING = re.compile(
    r"(?i)^\W*(?:recap|summary|in summary|to sum up|tl;?\s*dr|key takeaways|takeaways|in short|"
    r"wrapping up|conclusion|in conclusion|final thoughts|closing thoughts|the short version|"
    r"quick recap|in a nutshell|further reading|resources|references|links|get in touch|"
    r"contact(?: us)?|join us|say hello|support us|donate|how to join|how to help)\b"
)
_INTRO_HEADING = re.compile(
    r"(?i)^\W*(?:introduction|intro|about me|about the author|about this|preface|disclaimer|"
    r"content (?:note|warning)|trigger warning|[ct]w\b|author'?s note|a note|note|update|edit|"
    r"acknowledge?ments?|thanks)\b"
)
_OUTRO = re.compile(
    r"(?i)^\W*(?:(?:so|and|but|ok|okay),?\s+)?(?:in short|to sum up|to recap|in summary|"
    r"tl;?\s*dr|in conclusion|all in all|"
    r"thanks? (?:you )?for reading|if you enjoyed|subscribe|follow (?:me|us)|share this|"
    r"read more|further reading|photo(?:graph)? (?:by|credit)|image:)"
)
_BYLINE = re.compile(  # "By Ana Reyes, March 2024"
    r"^(?:By|Written by|Words by) [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}\W.{0,40}$"
)
_TITLE_LINE = re.compile(
    r"^(?!(?:hi|hello|hey|dear)\b)[^.!?:;,]{3,90}(?::[^.!?:;]{3,60})?[^\W_]$", re.IGNORECASE
)  # "Mental health support in small groups"
_RECAP_STOP = frozenset(["with", "your", "that", "this", "from", "about", "what", "when", "them"])
_SYMBOLS = re.compile(r"^[^\w\"“'‘(\[]+")  # "🌱 Step 1: Start small"
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]*_]*\s*$")


@dataclass(frozen=True)
class Item:
    """One theme item of an essay: its own title, its body text and where it came from."""

    essay: str
    number: int | None
    title: str
    body: str
    truncated: bool = False
    prose: bool = False  # a paragraph of prose, titled by a phrase found in it

    @property
    def excerpt(self) -> str:
        return first_sentence(self.body)

    @property
    def ref(self) -> str:
        """A stable reference to this item: ``essay#number`` or ``essay#title``."""
        return f"{self.essay}#{self.number if self.number is not None else self.title}"


@dataclass(frozen=True)
class Essay:
    name: str
    items: tuple[Item, ...]
    title: str = ""  # shown to members: declared, the essay's own "# heading", or its file name
    subject: str = ""  # what the essay is about, as a phrase for questions ("" when unknown)
    link: str | None = None
    heading: str = ""  # the essay's own top heading, if any
    intro: str = ""  # the text before its first item (for its subject)


def read_essays(directory: Path, collection: Collection | None = None) -> list[Essay]:
    """Every ``.txt`` and ``.md`` essay in ``directory``, sorted by file name, titled from the
    collection declaration (``_collection.yaml``) when there is one.

    Raises InputError listing every problem: a missing folder, an essay that is a link to a
    file outside the folder (it would be quoted in prompts), an essay that is not UTF-8. Other
    entries that are not files (folders, pipes) are skipped."""
    directory = Path(directory)
    if not directory.is_dir():
        what = "is not a folder" if directory.exists() else "essay folder not found"
        raise InputError([Problem(str(directory), None, what)])
    collection = collection if collection is not None else load_collection(directory)
    inside = directory.resolve()
    essays, problems = [], []
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() in ESSAY_SUFFIXES):
        text, problem = _essay_text(path, inside)
        if problem is not None:
            problems.append(Problem(str(path), None, problem))
        elif text is not None:
            essays.append(_declared(parse_essay(path.name, text), collection))
    if problems:
        raise InputError(problems)
    return essays


def _essay_text(path: Path, inside: Path) -> tuple[str | None, str | None]:
    """The essay's text, or the problem that stops it being read; (None, None) for an entry
    that is not a file."""
    if path.is_symlink() and not path.resolve().is_relative_to(inside):
        return None, "is a link to a file outside the essay folder; it is not read"
    if not path.is_file():
        return None, None
    try:
        return path.read_bytes().decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
    except OSError as exc:
        return None, f"cannot read it: {exc.strerror}"


def _declared(essay: Essay, collection: Collection) -> Essay:
    info = collection.essay(essay.name)
    title = info.title or essay.heading or readable_name(essay.name)
    subject = info.subject or collection.subject or ""
    return replace(essay, title=title, subject=subject, link=info.link)


def readable_name(name: str) -> str:
    """A file name as a title: "grief-rituals.txt" -> "Grief rituals"; a name that is only
    numbers and hashes ("002_08782f56662947c6.txt") becomes "Essay 002"."""
    stem = Path(name).stem
    words = [w for w in re.split(r"[-_\s.]+", stem) if w]
    kept = [w for w in words if not re.fullmatch(r"[0-9a-f]{6,}|\d+", w.lower())]
    if not kept:
        number = next((w for w in words if w.isdigit()), "")
        return f"Essay {number}".strip()
    return " ".join(kept).capitalize()


def parse_essay(name: str, text: str) -> Essay:
    """Find the theme items of one essay, whatever form it uses (see the module docstring)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    declared, text = split_front_matter(text)
    blocks = all_blocks = _regrouped(parse_blocks(text))
    heading = declared
    first = blocks[0] if blocks else None
    if (  # a title on a line of its own: "Mental health support in small groups"
        first is not None
        and first.kind == "paragraph"
        and _title_line(first.text)
        and len(blocks) > 1
        and not any(b.kind == "heading" and b.level == 1 for b in blocks)
    ):
        blocks = all_blocks = [Block("heading", first.text, level=1), *blocks[1:]]
    blocks = all_blocks = _plain_headings(blocks)
    tops = sum(b.kind == "heading" and b.level == 1 for b in blocks)
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1 and tops == 1:
        heading = heading or _clean_title(blocks[0].text)
        blocks = blocks[1:]
    raw = _structured_items(blocks)
    if not raw and all_blocks is not blocks:  # "# A … ## B …": a heading at each level
        raw = _structured_items(all_blocks, every=True)
    if raw and not any(body for _, _, body, _ in raw) and len(_prose_items(blocks)) >= 2:
        raw = []  # paragraphs of prose and a closing list of bare points: the prose is the essay
    prose = not raw
    if prose:
        raw = _prose_items(blocks)
    intro = next((b.text for b in blocks if b.kind == "paragraph"), "")
    if not raw:
        log.warning("%s: no themes found", name)
        return Essay(name, (), heading=heading, intro=intro)
    items: list[Item] = []
    numbers: set[int | None] = set()
    bodies = [" ".join(body.split()) for _, title, body, _ in raw if not title]
    for num, title, body, is_prose in raw:
        number = num if num not in numbers else None  # two lists numbered alike: refer by title
        numbers.add(number)
        named = title or key_phrase(" ".join(body.split()), bodies)
        if not title and named.casefold() in {i.title.casefold() for i in items}:
            named = sentence_title(" ".join(body.split()))  # two paragraphs, one phrase: apart
        title = _clean_title(named)
        if title:
            items.append(Item(name, number, title, _squash(body), prose=prose or is_prose))
    if items and _looks_cut_off(items):
        items[-1] = replace(items[-1], truncated=True)
    return Essay(name, tuple(items), heading=heading, intro=intro)


Raw = tuple[int | None, str, str, bool]  # number, title, body, titled by a phrase of its text


def _structured_items(blocks: list[Block], every: bool = False) -> list[Raw]:
    """Items from titled lists and from headings with text under them; [] for prose. With
    ``every``, each heading that has text under it is one, whatever its level."""
    sections = _sections(blocks, every)
    level = _item_level([h for h, _ in sections if h is not None])
    items: list[Raw] = []
    bare: set[str] = set()
    for at, (head, content) in enumerate(sections):
        if head is not None and _RECAP_HEADING.match(head.text):
            continue
        if at == len(sections) - 1 and _closing_points(content, items):
            continue  # "## Our advice to others" and three short points saying it all again
        last = at == len(sections) - 1
        listed = _listed_items(content, items, loose=head is None, closing=last)
        if listed and head is not None and not any(body for _, _, body, _ in listed):
            listed = []  # "## Rotate hosts" with a short list of points: the section is the item
        if listed:
            items.extend(listed)
            if not any(body for _, _, body, _ in listed):
                bare.update(title for _, title, _, _ in listed)
        elif (
            head is not None
            and (every or head.level == level)
            and not _INTRO_HEADING.match(head.text)
        ):
            body = _body(content, [*items, (None, head.text, "", False)])
            if body:
                number, title = _split_number(_SYMBOLS.sub("", head.text))
                items.append((number, _heading_title(title), body, False))
    if any(body for _, _, body, _ in items):  # a list of bare names beside items with text
        items = [i for i in items if i[2] or i[1] not in bare]  # is an aside, not items
    if len(items) < 2:
        return []  # a lone heading or list is part of prose
    return items


def _sections(blocks: list[Block], every: bool = False) -> list[tuple[Block | None, list[Block]]]:
    """The blocks under each heading (None for the text before the first one); a heading
    deeper than the items' level is part of the section above it."""
    level = 6 if every else _item_level([b for b in blocks if b.kind == "heading"])
    out: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in blocks:
        if block.kind == "heading" and block.level <= level:
            out.append((block, []))
        elif block.kind == "rule" and out[-1][0] is not None:
            out.append((None, []))  # "---": what follows is no part of the section above
        elif block.kind not in ("heading", "rule"):
            out[-1][1].append(block)
    return out


def _item_level(heads: list[Block]) -> int:
    """The heading level items use: the most used one (the deeper on a tie)."""
    levels = [h.level for h in heads]
    if not levels:
        return 0
    return max(set(levels), key=lambda lv: (levels.count(lv), lv))


def _listed_items(
    content: list[Block], earlier: list[Raw], loose: bool = False, closing: bool = True
) -> list[Raw]:
    """The items of the titled lists among ``content`` (a recap of earlier items is none);
    with ``loose``, bullets of whole sentences count as titled."""
    found: list[Raw] = []
    for block in content:
        if block.kind != "list":
            continue
        entries = [_list_entry(item, loose) for item in block.children]
        titled = [e for e in entries if e is not None]
        if len(titled) < 2 or len(titled) * 2 < len(entries):
            continue
        said = sum(len(body.split()) >= 6 for _, _, body, _ in titled) * 2 >= len(titled)
        titles = [t for _, t, _, _ in titled]
        recap = _is_recap(titles, [*earlier, *found]) or _restates(titled, earlier)
        if recap and (closing or not said):  # mid-essay points saying things of their own
            continue
        found.extend(titled)
    return found


def _regrouped(blocks: list[Block]) -> list[Block]:
    """Blocks as the writer meant them: a paragraph in bold on its own ("**1. Ask first**") is a
    heading, and so is the bold lead of paragraphs that open on one (two at least); lists of one
    kind split by a change of marker, or by paragraphs that were not indented under an item, are
    one list, those paragraphs belonging to the item above."""
    out: list[Block] = []
    open_list: Block | None = None
    between: list[Block] = []
    led = [b for b in blocks if b.kind == "paragraph" and b.lead and b.rest]
    for block in blocks:
        bold_line = block.kind == "paragraph" and block.lead and not block.rest
        if bold_line and out and out[-1].kind == "heading":
            continue  # "## Regular customers" then "*How a stall becomes a meeting point*"
        if bold_line and _heading_like(block.lead):
            block = Block("heading", block.lead, level=7)
        elif len(led) >= 2 and block in led:  # "**Label every dish.** People arrive…"
            out.append(Block("heading", block.lead, level=7))
            block = Block("paragraph", block.rest)
        if block.kind == "list" and open_list and _continues(open_list, block, between):
            open_list.children[-1].children.extend(between)
            open_list.children.extend(block.children)
            out = out[: len(out) - len(between)]
            between = []
            continue
        if block.kind == "list":
            open_list, between = block, []
        elif block.kind in ("paragraph", "quote") and open_list is not None:
            between.append(block)
        else:
            open_list, between = None, []
        out.append(block)
    return out


def _title_line(text: str) -> bool:
    """The first line reads as a title: short, one line, not a sentence that ends in a full
    stop, not a greeting ("Mental health support in small groups", "Arriving late, staying
    long: notes on ten years", "Why we still march, and who we march for")."""
    if _TITLE_LINE.match(text) and len(text.split()) <= 12:
        return True
    words = text.split()
    return (
        3 <= len(words) <= 16
        and text[:1].isupper()
        and not text.rstrip().endswith((".", ":", ";", ",", "…"))
        and not re.search(r"[.!?]\s", text)  # one sentence at most
        and not re.match(r"(?i)(?:hi|hello|hey|dear)\b", text)
    )


def _plain_headings(blocks: list[Block]) -> list[Block]:
    """Short lines of their own without a closing stop, each followed by a paragraph of text
    ("Section 1 - Start on time", "Keep a quiet corner"), are headings written as plain text
    when the essay has two of them at least and no Markdown headings under its title."""
    if sum(b.kind == "heading" and b.level > 1 for b in blocks) >= 2:
        return blocks
    found = [
        i
        for i, block in enumerate(blocks[:-1])
        if block.kind == "paragraph"
        and not block.linked
        and _plain_heading(block.text)
        and blocks[i + 1].kind == "paragraph"
        and len(blocks[i + 1].text.split()) > len(block.text.split()) + 5
    ]
    if len(found) < 2:
        return blocks
    return [Block("heading", b.text, level=7) if i in found else b for i, b in enumerate(blocks)]


def _plain_heading(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 12
        and text[:1].isupper()
        and not _ENDS_SENTENCE.search(text)
        and not text.rstrip().endswith((":", ",", ";"))
        and not _OUTRO.match(text)
    )


def _heading_like(text: str) -> bool:
    """A bold line that reads as a heading: short, and not a sentence of its own."""
    words = text.split()
    return len(words) <= 10 and (not text.endswith((".", "!")) or len(words) <= 6)


def _continues(open_list: Block | None, block: Block, between: list[Block]) -> bool:
    """``block`` goes on with ``open_list``: a numbered list whose numbers follow on, or a
    bulleted one whose marker changed with nothing in between."""
    if open_list is None or open_list.ordered != block.ordered or not block.children:
        return False
    if not block.ordered:
        return not between
    last, first = open_list.children[-1].number, block.children[0].number
    return last is not None and first == last + 1


def _list_entry(item: Block, loose: bool = False) -> Raw | None:
    """One list item as (number, title, body): a bold or emphasised lead, a short "Title:" or
    a short item on its own is its title, and so is a few words in bold inside it; a numbered
    item of plain text (with ``loose``, a long bullet too) is titled by its first sentence when
    that is short, else later by a phrase of its own."""
    paragraphs = item.paragraphs()
    if not paragraphs or (paragraphs[0].linked and len(paragraphs) == 1):
        return None  # a link to follow ("[Join the rota](…)") is no theme
    first, more = paragraphs[0], " ".join(_as_sentence_text(p.text) for p in paragraphs[1:])
    if first.lead:
        return item.number, first.lead, _join(first.rest, more), False
    m = _TITLE_COLON.match(first.text)
    if m and not _ENDS_SENTENCE.search(m.group("title")):
        body = m.group("body")
        body = body[:1].upper() + body[1:]  # "No outing - what someone tells us…" says a sentence
        return item.number, m.group("title"), _join(body, more), False
    if len(first.text.split()) <= 8 and (not more or not _ENDS_SENTENCE.search(first.text)):
        return item.number, first.text, more, False
    if first.stressed and noun_phrase_problem(first.stressed) is None:  # "a **quiet room**"
        title = first.stressed[:1].upper() + first.stressed[1:]
        return item.number, title, _join(first.text, more), False
    if item.ordered or (loose and len(first.text.split()) >= 8):
        lead = first_sentence(first.text)
        rest = _join(first.text[len(lead) :].strip(), more)
        if rest and len(lead.split()) <= 12 and lead.endswith((".", "!")):
            return item.number, lead, rest, False  # "1) Write the rules down. Arguments…"
        return item.number, "", _join(first.text, more), True
    return None


def _is_recap(titles: list[str], earlier: list[Raw]) -> bool:
    """Most of ``titles`` repeat the words of titles already found, two different ones at
    least (a list that only echoes its own heading elaborates it)."""
    before = [_content_words(t) for _, t, b, _ in earlier]
    matched: set[int] = set()
    repeats = 0
    for title in titles:
        words = _content_words(title)
        hits = [i for i, b in enumerate(before) if words and words & b]
        repeats += bool(hits)
        matched.update(hits)
    return len(matched) >= 2 and repeats * 2 > len(titles)


def _restates(entries: list[Raw], earlier: list[Raw]) -> bool:
    """A closing list of short points, each saying again what a section before it said ("Have a
    job for every mood" after "## Tasks for good weeks and bad weeks… every mood…")."""
    sections = [_content_words(f"{t} {b}") for _, t, b, _ in earlier if b]
    if len(sections) < 2 or any(len(f"{t} {b}".split()) > 30 for _, t, b, _ in entries):
        return False
    matched: set[int] = set()
    repeats = 0
    for _, title, body, _ in entries:
        words = _content_words(f"{title} {body}")
        hits = [i for i, s in enumerate(sections) if len(words & s) >= 2]
        repeats += bool(hits)
        matched.update(hits)
    return len(matched) >= 2 and repeats * 2 >= len(entries)


def _closing_points(content: list[Block], earlier: list[Raw]) -> bool:
    """The essay's last section is only a list of short points (eight words at most), most of
    them echoing an earlier item's words: a recap, whatever its heading."""
    if not earlier or not content or any(b.kind != "list" for b in content):
        return False
    points = [" ".join(p.text for p in i.paragraphs()) for b in content for i in b.children]
    if len(points) < 2 or any(len(p.split()) > 8 for p in points):
        return False
    sections = [_content_words(f"{t} {b}") for _, t, b, _ in earlier]
    echoed = sum(any(_content_words(p) & s for s in sections) for p in points)
    return echoed * 2 > len(points)


def _repeats_sections(texts: list[str], earlier: list[Raw]) -> bool:
    """A list of short points, most saying again what an earlier item said ("Let people vote
    in secret." after "How we choose books … votes by paper slip…")."""
    entries: list[Raw] = [(None, t, "", False) for t in texts if t]
    return len(entries) >= 2 and _restates(entries, earlier)


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z][a-z'’-]+", text.lower())
    return {_stem(w)[:6] for w in words if len(w) > 3 and w not in _RECAP_STOP}


def _stem(word: str) -> str:
    """ "votes", "voted", "voting" -> "vot"; "rules" -> "rul": enough to tell a repeat."""
    for ending in ("ing", "ed", "es", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _body(content: list[Block], earlier: list[Raw]) -> str:
    """The text of a section: its paragraphs, quotes and untitled lists, recaps left out; list
    entries that only go on a sentence ("- a weekly swim") only when there is nothing else."""
    parts: list[str] = []
    fragments: list[str] = []
    for block in content:
        if block.kind == "list":
            texts = [
                " ".join(p.text for p in i.paragraphs() if not p.linked) for i in block.children
            ]
            if _is_recap(texts, earlier) or _repeats_sections(texts, earlier):
                continue
            whole = [t for t in texts if t[:1].isupper()]  # "- a weekly swim" goes on a sentence
            parts.extend(_as_sentence_text(t) for t in whole)
            fragments.extend(t for t in texts if t and not t[:1].isupper())
        else:  # a list's introduction ("What helped:") says nothing alone
            parts.extend(p.text for p in block.paragraphs() if not _aside(p) and p.text[-1:] != ":")
    if not any(parts) and fragments:
        parts = [_as_sentence_text("; ".join(fragments))]
    return " ".join(p for p in parts if p)


def _aside(paragraph: Block) -> bool:
    """A link on its own, a recap ("In short: …") or a sign-off ("Thanks for reading!")."""
    text = paragraph.text
    return paragraph.linked or bool(_OUTRO.match(text) or _BYLINE.match(text))


def _heading_title(title: str) -> str:
    """ "Time is short: what the shelter taught me" -> "Time is short"; "Step 2: Ask early"
    -> "Ask early"."""
    head, sep, tail = title.partition(":")
    dash = re.search(r"\s[–—-]\s", title) if not sep else None
    if dash:  # "Getting together — why the video era ended": a subtitle after a dash
        head, sep, tail = title[: dash.start()], dash.group(), title[dash.end() :]
    if not sep or not tail.strip():
        return title
    if _COUNTER.fullmatch(head.strip()) or len(head.split()) < 1:
        tail = tail.strip()
        return tail[:1].upper() + tail[1:]
    return head


def _prose_items(blocks: list[Block]) -> list[Raw]:
    """One item per substantial paragraph (outside recaps), titled by its key phrase."""
    texts: list[str] = []
    skip = False
    for at, block in enumerate(blocks):
        following = blocks[at + 1] if at + 1 < len(blocks) else None
        if block.kind == "heading":
            skip = bool(_RECAP_HEADING.match(block.text))
        elif block.kind == "list":
            continue  # a list's points are no paragraphs of prose
        elif following is not None and following.kind == "list" and _introduces(block.text):
            continue  # "Looking back, here is what the circle agrees on:"
        elif not skip:
            texts.extend(p.text for p in block.paragraphs() if not _aside(p))
    paragraphs = [p for p in texts if len(p.split()) >= MIN_PROSE_WORDS and not p.endswith(":")]
    return [(None, "", p, True) for p in paragraphs]


def _introduces(text: str) -> bool:
    """A paragraph that announces the list after it ("…here is what we agree on.")."""
    last = sentences(text)[-1] if sentences(text) else text
    return (
        last.rstrip().endswith(":")
        or re.search(r"(?i)\b(?:here is|here are|here's|here’s|the following|as follows)\b", last)
        is not None
    )


def _looks_cut_off(items: list[Item]) -> bool:
    """The last body stops mid-sentence while the essay's other bodies end theirs."""
    if _ENDS_SENTENCE.search(items[-1].body or items[-1].title):
        return False
    earlier = [bool(_ENDS_SENTENCE.search(i.body)) for i in items[:-1]]
    return not earlier or sum(earlier) * 2 >= len(earlier)


def _as_sentence_text(text: str) -> str:
    """A list entry as part of a body: it starts and ends like a sentence."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if not text or text[-1] in '.!?…:;。！？"”’)' else text + "."


def _join(first: str, more: str) -> str:
    return " ".join(t for t in (first, more) if t)


_NUMBERED = re.compile(
    r"^(?:(?:step|part|tip|lesson|section|chapter|rule|no\.?|#)\s*)?(\d{1,3})\s*[.):\-–—]?\s+(.*)$",
    re.I,
)


def _split_number(title: str) -> tuple[int | None, str]:
    m = _NUMBERED.match(title)
    return (int(m.group(1)), m.group(2)) if m else (None, title)


def _clean_title(title: str) -> str:
    title = re.sub(r"^\[[ xX]\]\s+", "", title)  # a task list's box
    title = re.sub(r"[*_`]+", "", title).strip()
    return title.rstrip(" :.-–—").strip()


def _squash(text: str) -> str:
    return " ".join(text.split())
