"""What a prompt file holds around its YAML, kept as it is through a round-trip write: a
byte-order mark, Windows line ends, the lines up to an explicit ``---`` document start (with
the comments and directives above it) and everything from a ``...`` document end on.

The round-trip YAML library reads and writes only the document itself, always with ``\\n``;
these parts are taken off before it reads the file and put back, unchanged, around what it
writes."""

from __future__ import annotations

import re
from dataclasses import dataclass

BOM = "\ufeff"
_HEAD = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n|%[^\n]*\n)*---[ \t]*(?:#[^\n]*)?\n")
_END = re.compile(r"^\.\.\.[ \t]*(?:#[^\n]*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Layout:
    bom: str
    newline: str
    head: str
    tail: str

    def around(self, body: str) -> str:
        """The whole file again, with ``body`` (written with ``\\n``) as its document."""
        text = self.head + body + self.tail
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return self.bom + text


def split_layout(text: str) -> tuple[Layout, str]:
    """The file's layout and its document (with ``\\n`` line ends), from its exact text."""
    bom = BOM if text.startswith(BOM) else ""
    text = text.removeprefix(BOM)
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")  # not a mix of both
    if crlf:
        text = text.replace("\r\n", "\n")
    head = _HEAD.match(text)
    head_text = head.group(0) if head else ""
    body = text[len(head_text) :]
    end = _END.search(body)
    tail = body[end.start() :] if end else ""
    body = body[: end.start()] if end else body
    return Layout(bom, "\r\n" if crlf else "\n", head_text, tail), body
