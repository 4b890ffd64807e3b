"""The prompt file format and its limits; one file in, a ``ThemeFile`` or problems with lines out.

A prompt file ``prompts/<theme-id>.yaml``::

    id: stories                        # must match the file name
    title: Sharing stories and experiences
    sources:                           # where the theme comes from (informational)
      - {essay: 000_b66c1c57bbe23d61.txt, item: 1, title: Sharing stories}
    prompts:
      - id: stories-1                  # unique across all files, never reused
        question: When did hearing someone else's story make you feel less alone?
        followups: [What stayed with you?, Did it change how you tell yours?]
        context: '"Through storytelling, ..." (essay 000_b66c1c57bbe23d61.txt)'
        source: Sharing stories, building bridges   # optional: the essay's title
        enabled: true                      # optional, default true
        status: draft                      # optional: generated and awaiting review
        sensitive: true                    # optional, default false: a heavy subject
        content_warning: family rejection  # optional, <= 100: shown before the question,
                                           # which is then hidden behind a spoiler
        poll:                              # optional: posted as a Discord poll
          answers: [Yes, No, It depends]   # 2 to 10, each <= 55
          multiselect: false               # optional, default false
          hours: 24                        # optional, 1 to 768, default 24

The bot posts a prompt as an embed: the question as title, the context as a field, theme and source
in the footer, and the follow-ups as thread messages. The limits below keep all of that within
Discord's (embed title 256, description 4096, field 1024, footer 2048, embed 6000, message 2000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from bot.invisible import unsafe_in
from bot.prompts.model import Poll, Prompt, Theme
from bot.yaml_nodes import Reader, line_of

QUESTION_MAX = 300
CONTEXT_MAX = 1024
FOLLOWUP_MAX = 2000
TITLE_MAX = 256
FOOTER_MAX = 2048
EMBED_MAX = 6000
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MENTION = re.compile(r"@everyone|@here|<@[!&]?\d+>", re.IGNORECASE)
FILE_KEYS = ("id", "title", "sources", "prompts")
SOURCE_KEYS = ("essay", "item", "title", "excerpt", "truncated")
CONTENT_WARNING_MAX = 100
PROMPT_KEYS = (
    "id",
    "question",
    "followups",
    "context",
    "source",
    "enabled",
    "status",
    "sensitive",
    "content_warning",
    "poll",
)
POLL_KEYS = ("answers", "multiselect", "hours")
POLL_ANSWERS = (2, 10)  # Discord: a poll has 1 to 10 answers; one answer is no choice
POLL_ANSWER_MAX = 55
POLL_HOURS = (1, 768)  # Discord: up to 32 days
STATUSES = ("draft",)
_MENTION_TEXT = {"@everyone": "everyone", "@here": "here"}


@dataclass(frozen=True)
class ThemeFile:
    """One parsed prompt file, with the line of each prompt id (for duplicate reports)."""

    path: Path
    theme: Theme
    sources: tuple[dict, ...]
    id_lines: dict[str, int]


def read_theme_file(path: Path) -> tuple[ThemeFile | None, list, dict[str, int]]:
    """Parse and check one prompt file: the file (when valid), its problems, and the line of
    every prompt id seen, even in a broken file, so ids duplicated across files are reported in
    the same run as the file's other problems."""
    reader = Reader(path)
    text = reader.read(path)
    root = reader.compose(text) if text is not None else None
    if text is not None and root is None and not reader.problems:
        reader.problem(1, "the file is empty")
    if root is None:
        return None, reader.problems, {}
    top = reader.mapping(root, "a prompt file", FILE_KEYS) or {}
    for key in ("id", "title", "prompts"):
        if key not in top and isinstance(root, MappingNode):
            reader.problem(root, f"missing key {key!r}")
    theme_id = _id(reader, top.get("id"), "theme id")
    if theme_id and theme_id != Path(path).stem:
        reader.problem(
            top["id"], f"theme id {theme_id!r} must match the file name {Path(path).name}"
        )
    title = _checked(reader, top["title"], "title", TITLE_MAX) if "title" in top else None
    sources = tuple(_source(reader, n) for n in _items(reader, top, "sources"))
    prompts: list[Prompt] = []
    id_lines: dict[str, int] = {}
    for node in _items(reader, top, "prompts"):
        prompt = _prompt(reader, node, theme_id or "", title or "")
        prompt_id = prompt.id if prompt is not None else _plain_id(node)
        if prompt_id is not None and prompt_id in id_lines:
            first = id_lines[prompt_id]
            reader.problem(node, f"duplicate prompt id {prompt_id!r} (first at line {first})")
        elif prompt_id is not None:
            id_lines[prompt_id] = line_of(node)
            if prompt is not None:
                prompts.append(prompt)
    if reader.problems or theme_id is None or title is None:
        return None, sorted(reader.problems, key=lambda p: p.line or 0), id_lines
    theme = Theme(theme_id, title, tuple(prompts))
    return ThemeFile(Path(path), theme, sources, id_lines), [], id_lines


def _plain_id(node: Node) -> str | None:
    """The id of a prompt that has other problems, when the id itself is well formed."""
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if key.value == "id" and isinstance(value, ScalarNode) and ID_PATTERN.match(value.value):
            return value.value
    return None


def _items(reader: Reader, top: dict[str, Node], key: str) -> list[Node]:
    return reader.sequence(top[key], key) if key in top else []


def _id(reader: Reader, node: Node | None, what: str) -> str | None:
    value = reader.text(node, what, 100) if node is not None else None
    if value is not None and not ID_PATTERN.match(value):
        reader.problem(node, f"{what} {value!r} may use only a-z, 0-9 and -")
        return None
    return value


def _source(reader: Reader, node: Node) -> dict:
    fields = reader.mapping(node, "a source", SOURCE_KEYS) or {}
    out: dict = {}
    for key, node_ in fields.items():
        if key == "item":
            value = reader.value(node_)
            if value is not None:
                value = reader.typed(node_, "item", int)
            out[key] = value
        elif key == "truncated":
            out[key] = reader.typed(node_, key, bool)
        else:
            out[key] = reader.text(node_, key, 4096)
    return out


def _prompt(reader: Reader, node: Node, theme_id: str, theme_title: str) -> Prompt | None:
    count = len(reader.problems)
    fields = reader.mapping(node, "a prompt", PROMPT_KEYS) or {}
    for key in ("id", "question", "followups", "context"):
        if key not in fields and isinstance(node, MappingNode):
            reader.problem(node, f"prompt is missing {key!r}")
    pid = _id(reader, fields.get("id"), "prompt id")
    question = _checked(reader, fields.get("question"), "question", QUESTION_MAX)
    if question is not None and not any(c.isalnum() for c in question):
        reader.problem(fields["question"], "question must hold words, not only punctuation")
    context = _checked(reader, fields.get("context"), "context", CONTEXT_MAX)
    source = _checked(reader, fields.get("source"), "source", 256) if "source" in fields else ""
    followups = [
        _checked(reader, f, "follow-up", FOLLOWUP_MAX)
        for f in (
            reader.sequence(fields["followups"], "followups") if "followups" in fields else []
        )
    ]
    enabled = reader.typed(fields["enabled"], "enabled", bool) if "enabled" in fields else True
    status = reader.text(fields["status"], "status", 20) if "status" in fields else None
    if status is not None and status not in STATUSES:
        reader.problem(fields["status"], f"status must be draft (or left out), not {status!r}")
    sensitive = (
        reader.typed(fields["sensitive"], "sensitive", bool) if "sensitive" in fields else False
    )
    warning_node = fields.get("content_warning")
    warning = (
        _checked(reader, warning_node, "content_warning", CONTENT_WARNING_MAX)
        if warning_node
        else None
    )
    poll = _poll(reader, fields["poll"]) if "poll" in fields else None
    if poll is not None and warning:
        reader.problem(
            fields["poll"],
            "a prompt with a content_warning cannot be a poll: the poll shows its question openly",
        )
    texts = [f for f in followups if f is not None]
    if len(reader.problems) > count or not isinstance(node, MappingNode):
        return None
    # Each of these is None only with a problem reported above.
    if pid is None or question is None or context is None or source is None:
        return None
    if len(texts) != len(followups) or enabled is None or sensitive is None:
        return None
    footer = f"{theme_title} · {source}"
    if len(footer) > FOOTER_MAX or len(question) + len(context) + len(footer) > EMBED_MAX:
        reader.problem(node, f"prompt {pid} is too long for one Discord embed ({EMBED_MAX} max)")
        return None
    return Prompt(
        pid,
        theme_id,
        question,
        tuple(texts),
        context,
        source,
        enabled,
        status,
        sensitive,
        content_warning=warning,
        poll=poll,
    )


def _poll(reader: Reader, node: Node) -> Poll | None:
    """``poll: {answers: [...], multiselect: bool, hours: n}`` within Discord's limits."""
    fields = reader.mapping(node, "poll", POLL_KEYS)
    if fields is None:
        return None
    if "answers" not in fields:
        reader.problem(node, "poll is missing 'answers'")
        return None
    items = reader.sequence(fields["answers"], "poll answers")
    low, high = POLL_ANSWERS
    if not low <= len(items) <= high:
        reader.problem(fields["answers"], f"a poll has {low} to {high} answers, not {len(items)}")
    answers = [_checked(reader, item, "poll answer", POLL_ANSWER_MAX) for item in items]
    multiselect = (
        reader.typed(fields["multiselect"], "multiselect", bool)
        if "multiselect" in fields
        else False
    )
    hours = 24
    if "hours" in fields:
        hours = reader.typed(fields["hours"], "hours", int)
        if hours is not None and not POLL_HOURS[0] <= hours <= POLL_HOURS[1]:
            reader.problem(fields["hours"], "a poll is open for 1 to 768 hours (32 days)")
    texts = [a for a in answers if a is not None]
    if len(texts) != len(answers) or hours is None or multiselect is None:
        return None
    return Poll(tuple(texts), multiselect, hours)


def _checked(reader: Reader, node: Node | None, what: str, limit: int) -> str | None:
    value = reader.text(node, what, limit) if node is not None else None
    if value is not None and MENTION.search(value):
        reader.problem(node, f"{what} must not mention @everyone, @here, roles or members")
        return None
    unsafe = unsafe_in(value) if value is not None else []
    if unsafe:
        reader.problem(
            node, f"{what} holds invisible control or direction characters ({', '.join(unsafe)})"
        )
        return None
    return value


def neutralise_mentions(text: str) -> str:
    """``text`` with every mention made plain ("@here" -> "here", "<@&1>" -> "@role"), so text
    taken from an essay never pings and never fails the check above."""

    def plain(m: re.Match) -> str:
        found = m.group(0)
        if found.lower() in _MENTION_TEXT:
            return _MENTION_TEXT[found.lower()]
        return "@role" if "&" in found else "@member"

    return MENTION.sub(plain, text)
