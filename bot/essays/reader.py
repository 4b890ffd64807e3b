"""Read the essays in ``seeds/`` and find their theme items.

Forms understood, tried in this order on each essay:

* numbered lists ``1. Title: body`` or ``1) Title - body``;
* bullets ``- **Title**: body`` (also ``*``, and ``- Title: body`` with a short title);
* Markdown headings (``## Title``) followed by paragraphs;
* plain prose: one item per substantial paragraph, titled by its key phrase.

An essay cut off mid-sentence keeps its last item with the partial text, marked truncated.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.errors import InputError, Problem
from bot.essays.collection import Collection, load_collection
from bot.essays.text import first_sentence, key_phrase

log = logging.getLogger(__name__)

ESSAY_SUFFIXES = (".txt", ".md")
MIN_PROSE_WORDS = 25
_SEP = r"\s*(?::|：|\s-\s|\s–\s|\s—\s)\s*"
_NUMBERED = re.compile(
    r"^\s*(?:#+\s*)?(\d{1,3})[.)]\s+(?P<title>[^\n]{1,120}?)" + _SEP + r"(?P<body>.*)$"
)
_NUMBERED_BARE = re.compile(r"^\s*(\d{1,3})[.)]\s+(?P<title>[^\n]{1,120})$")
_BOLD_BULLET = re.compile(
    r"^\s*[-*+]\s+\*\*(?P<title>[^*\n]{1,120}?)[:.]?\*\*\s*[:.\-–—]?\s*(?P<body>.*)$"
)
_PLAIN_BULLET = re.compile(r"^\s*[-*+]\s+(?P<title>[^:\n]{1,60}?):\s+(?P<body>.+)$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
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
    """Find the theme items of one essay, whatever form it uses."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    heading, intro = _heading_and_intro(lines)
    for finder in (_list_items, _heading_items, _prose_items):
        raw = finder(lines)
        if raw:
            prose = finder is _prose_items
            break
    else:
        log.warning("%s: no themes found", name)
        return Essay(name, (), heading=heading, intro=intro)
    items = [
        Item(name, num, _clean_title(title), _squash(body), prose=prose) for num, title, body in raw
    ]
    items = [i for i in items if i.title]
    if items and _looks_cut_off(items):
        last = items[-1]
        items[-1] = replace(last, truncated=True)
    return Essay(name, tuple(items), heading=heading, intro=intro)


def _heading_and_intro(lines: list[str]) -> tuple[str, str]:
    """The essay's top ``# heading`` (when it opens with one) and its first paragraph."""
    heading, rest = "", lines
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        m = _HEADING.match(lines[first])
        if m and len(m.group("hashes")) == 1:
            heading, rest = _clean_title(m.group("title")), lines[first + 1 :]
    paragraph: list[str] = []
    for line in rest:
        if not line.strip() or _HEADING.match(line) or _match_list_line(line):
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    return heading, " ".join(paragraph)


def _looks_cut_off(items: list[Item]) -> bool:
    """The last body stops mid-sentence while the essay's other bodies end theirs."""
    if _ENDS_SENTENCE.search(items[-1].body or items[-1].title):
        return False
    earlier = [bool(_ENDS_SENTENCE.search(i.body)) for i in items[:-1]]
    return not earlier or sum(earlier) * 2 >= len(earlier)


def _list_items(lines: list[str]) -> list[tuple[int | None, str, str]]:
    """Numbered items or titled bullets, each with its continuation lines."""
    found: list[list] = []
    open_item = False
    for line in lines:
        head = _match_list_line(line)
        if head:
            found.append(list(head))
            open_item = True
        elif not line.strip() or _HEADING.match(line):
            open_item = False
        elif found and (open_item or line.startswith((" ", "\t"))):
            found[-1][2] = f"{found[-1][2]} {line.strip()}"
            open_item = True
    return [(n, t, b) for n, t, b in found] if len(found) >= 2 else []


def _match_list_line(line: str) -> tuple[int | None, str, str] | None:
    for pattern in (_NUMBERED, _BOLD_BULLET, _PLAIN_BULLET):
        m = pattern.match(line)
        if m:
            number = int(m.group(1)) if pattern is _NUMBERED else None
            return number, m.group("title"), m.group("body")
    m = _NUMBERED_BARE.match(line)
    if m and len(m.group("title").split()) <= 8:
        return int(m.group(1)), m.group("title"), ""
    return None


def _heading_items(lines: list[str]) -> list[tuple[int | None, str, str]]:
    """Headings at the most used level, each with the paragraphs under it."""
    heads = [(i, _HEADING.match(line)) for i, line in enumerate(lines)]
    heads = [(i, m) for i, m in heads if m]
    if not heads:
        return []
    levels = [len(m.group("hashes")) for _, m in heads]
    level = max(set(levels), key=lambda lv: (levels.count(lv), lv))
    chosen = [(i, m) for i, m in heads if len(m.group("hashes")) == level]
    every = len(chosen) < 2  # too few at that level: every heading with text under it is one
    if every:
        chosen, level = heads, max(levels)
    items = []
    for i, m in chosen:
        end = next((j for j, h in heads if j > i and len(h.group("hashes")) <= level), len(lines))
        body = " ".join(line.strip() for line in lines[i + 1 : end] if not _HEADING.match(line))
        number, title = _split_number(m.group("title"))
        if body.strip() or not every:
            items.append((number, title, body))
    return items if len(items) >= 2 else []  # a lone heading is the title: read as prose


def _split_number(title: str) -> tuple[int | None, str]:
    m = re.match(r"^(\d{1,3})[.)]\s+(.*)$", title)
    return (int(m.group(1)), m.group(2)) if m else (None, title)


def _prose_items(lines: list[str]) -> list[tuple[int | None, str, str]]:
    """One item per substantial paragraph, titled by its key phrase."""
    text = "\n".join(line for line in lines if not _HEADING.match(line))
    paragraphs = [p.strip() for p in text.split("\n\n")]
    paragraphs = [" ".join(p.split()) for p in paragraphs if len(p.split()) >= MIN_PROSE_WORDS]
    return [(None, key_phrase(p, paragraphs), p) for p in paragraphs]


def _clean_title(title: str) -> str:
    title = re.sub(r"[*_`]+", "", title).strip()
    return title.rstrip(" :.-–—").strip()


def _squash(text: str) -> str:
    return " ".join(text.split())
