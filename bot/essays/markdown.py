"""An essay's Markdown as a small tree of blocks, with every inline mark made plain.

Essays are read with markdown-it-py, a maintained CommonMark parser, so that lists, headings,
emphasis, links and block quotes are read the way the writer's editor shows them, whatever mix
of ``1.``, ``1)``, ``-``, ``**bold**`` and ``[links](…)`` they use. Indented lines stay text:
an essay has no code, and writers indent paragraphs; tables and HTML are left out. Front matter
(``---`` … ``---`` at the top) is set aside; its ``title:`` becomes the essay's heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable(["code"])
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\n(.*?\n)?\1[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title\s*[:=]\s*[\"']?(?P<title>.*?)[\"']?\s*$", re.M)
_CLOSING = ("bullet_list_close", "ordered_list_close", "list_item_close", "blockquote_close")
_LEAD_SEPARATOR = re.compile(r"^\s*(?:[:.\-–—]\s*)?")


@dataclass
class Block:
    """A heading, paragraph, list, list item or block quote, with its plain text.

    ``lead`` and ``rest`` split a paragraph that opens on bold or emphasised words
    ("**Ask first.** Most people…") into that lead and the text after it."""

    kind: str  # "heading", "paragraph", "list", "item", "quote", "rule" (a thematic break)
    text: str = ""
    level: int = 0  # heading level; list nesting depth
    ordered: bool = False
    number: int | None = None
    lead: str = ""
    rest: str = ""
    linked: bool = False  # a paragraph that is nothing but a link
    stressed: str = ""  # the first few words in bold or italics inside a paragraph
    children: list[Block] = field(default_factory=list)

    def paragraphs(self) -> list[Block]:
        """Every paragraph inside this block, in order."""
        if self.kind == "paragraph":
            return [self]
        return [p for c in self.children for p in c.paragraphs()]


def split_front_matter(text: str) -> tuple[str, str]:
    """(the title declared in front matter or "", the text without its front matter)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return "", text
    found = _FRONT_TITLE.search(m.group(2) or "")
    return (found.group("title").strip() if found else ""), text[m.end() :]


def parse_blocks(text: str) -> list[Block]:
    """The document's top-level blocks."""
    root = Block("root")
    stack = [root]
    current: Block | None = None  # the heading or paragraph whose text comes next
    for token in _PARSER.parse(text):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth = sum(b.kind == "list" for b in stack)
            _open(stack, Block("list", level=depth, ordered=kind.startswith("ordered")))
        elif kind == "list_item_open":
            number = int(token.info) if token.info.isdigit() else None
            _open(stack, Block("item", number=number, ordered=stack[-1].ordered))
        elif kind == "blockquote_open":
            _open(stack, Block("quote"))
        elif kind in _CLOSING:
            stack.pop()
        elif kind == "heading_open":
            current = Block("heading", level=int(token.tag[1:]))
            stack[-1].children.append(current)
        elif kind == "paragraph_open":
            current = Block("paragraph")
            stack[-1].children.append(current)
        elif kind in ("heading_close", "paragraph_close"):
            current = None
        elif kind == "inline" and current is not None:  # table cells have no block of their own
            block = current
            block.text = plain_text(token.children or [])
            if block.kind == "paragraph":
                block.lead, block.rest = _emphasised_lead(token.children or [])
                block.linked = _only_a_link(token.children or [])
                block.stressed = _stressed(token.children or [])
        elif kind == "hr":
            stack[-1].children.append(Block("rule"))
        elif kind == "fence":
            continue  # code has no place in a discussion question
    return root.children


def _open(stack: list[Block], block: Block) -> None:
    stack[-1].children.append(block)
    stack.append(block)


def plain_text(children: list[Token]) -> str:
    """Inline tokens as plain text: link text kept, marks and URLs dropped, breaks as spaces.

    Short lines without a closing stop, each opening on a capital ("Workload", "Physical
    things"), are a list written without markers: each ends as a sentence. Template tags
    (``{{< … >}}``, ``{% … %}``) and emoji codes (``:wave:``) are dropped."""
    parts: list[str] = []
    line = ""
    for i, child in enumerate(children):
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
            line += child.content
        elif child.type in ("softbreak", "hardbreak"):
            following = children[i + 1].content if i + 1 < len(children) else ""
            listed = len(line.strip()) < 40 and following[:1].isupper()
            end = listed and line.strip() and line.strip()[-1] not in ".!?:;,"
            parts.append(". " if end else " ")
            line = ""
        elif child.type == "image":
            parts.append(plain_text(child.children or []))
    text = _TEMPLATE.sub(" ", "".join(parts))
    return " ".join(_EMOJI_CODE.sub("", text).split())


_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_EMOJI_CODE = re.compile(r"(?<!\w):[a-z0-9_+-]{2,30}:(?!\w)")


def _stressed(children: list[Token]) -> str:
    """The first span in bold or italics of a paragraph ("We offer a **quiet room** at…")."""
    for i, token in enumerate(children):
        if token.type in ("strong_open", "em_open"):
            closing = token.type.replace("_open", "_close")
            end = next(
                (j for j in range(i + 1, len(children)) if children[j].type == closing), None
            )
            text = plain_text(children[i + 1 : end]) if end else ""
            return text.strip(" .,:;") if 0 < len(text.split()) <= 6 else ""
    return ""


def _only_a_link(children: list[Token]) -> bool:
    tokens = [c for c in children if not (c.type == "text" and not c.content.strip())]
    return len(tokens) >= 2 and tokens[0].type == "link_open" and tokens[-1].type == "link_close"


def _emphasised_lead(children: list[Token]) -> tuple[str, str]:
    """("Ask first", "Most people…") for a paragraph opening on bold or emphasised words."""
    tokens = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if not tokens or tokens[0].type not in ("strong_open", "em_open"):
        return "", ""
    closing = tokens[0].type.replace("_open", "_close")
    depth, end = 0, None
    for i, token in enumerate(tokens):
        if token.type == tokens[0].type:
            depth += 1
        elif token.type == closing:
            depth -= 1
            if depth == 0:
                end = i
                break
    if end is None:
        return "", ""
    lead = plain_text(tokens[1:end]).strip()
    rest = plain_text(tokens[end + 1 :])
    separated = rest.lstrip()[:1] in (":", ".", "-", "–", "—")
    rest = _LEAD_SEPARATOR.sub("", rest, count=1).strip() if separated else rest.strip()
    titled = separated or lead[-1:] in ".:!?" or not rest or rest[:1].isupper()
    if not lead or not titled or len(lead.split()) > 14:
        return "", ""  # "**Never** give up…": emphasis inside a sentence, not a title
    return lead, rest
