"""Read YAML through its composed node tree, so every problem can name its line.

A :class:`NodeReader` parses text once, then its helpers check shapes and types and collect
problems (``path:line: message``) instead of stopping at the first one. Values are built with
PyYAML's safe constructor, so their types match ``safe_load``. Every file the bot reads (the
config, prompt files, theme overrides) goes through this one reader and its wording.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.errors import Problem

# libyaml's parser (C) where PyYAML was built with it: about ten times faster on large files.
# Its marks carry the same 0-based lines; a character it refuses is located with the Python
# reader, which knows the character's position in the text rather than its byte.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_FILE_BYTES = 1024 * 1024  # a YAML file the bot reads: config, prompt file, overrides

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"

# What PyYAML's safe constructor raises on a scalar it cannot build (``!!int abc``, a
# 5,000-digit number, ``!!timestamp x``, an unknown ``!!python/...`` tag, very deep nesting).
CONSTRUCT_ERRORS = (
    yaml.YAMLError,
    ValueError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
)


class _Unreadable:
    """A value the safe constructor refused, or a list or mapping where a scalar belongs."""

    def __repr__(self) -> str:
        return "an unreadable value"


UNREADABLE = _Unreadable()


def compose_problem(text: str, exc: Exception) -> tuple[int | None, str]:
    """Line and one-line message for an error raised while reading or composing ``text``."""
    if isinstance(exc, RecursionError):
        return None, "the YAML is nested too deeply"
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return line, f"character #x{exc.character:04x} is not allowed in YAML ({exc.reason})"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        mark_line = mark.line + 1 if mark else None
        opened = _left_open(text, mark_line) if mark_line else None
        if opened is not None:
            where, what = opened
            return where, (
                f"YAML syntax error: {what} opened on this line is not closed"
                f" ({exc.problem or exc.context} at line {mark_line})"
            )
        return mark_line, f"YAML syntax error: {exc.problem or exc.context}"
    return None, "YAML error: " + " ".join(str(exc).split())


_OPENERS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_CLOSERS = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)


def _left_open(text: str, error_line: int) -> tuple[int, str] | None:
    """Where an unclosed bracket or quote that caused a syntax error at ``error_line`` opens:
    the parser notices it only where the text stops making sense, often the file's end. Found
    by scanning the tokens up to the error: a bracket still open, or a quoted text running
    over several lines and ending just before the error."""
    scanner = yaml.SafeLoader(text)  # the Python scanner: its tokens carry their marks
    opened: list[yaml.Token] = []
    quoted: yaml.ScalarToken | None = None
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if isinstance(token, _OPENERS):
                opened.append(token)
            elif isinstance(token, _CLOSERS) and opened:
                opened.pop()
            elif isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                spans = token.end_mark.line > token.start_mark.line
                quoted = token if spans else quoted
    except yaml.MarkedYAMLError as exc:
        if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
            return exc.context_mark.line + 1, "the quote"
    finally:
        scanner.dispose()
    if opened:
        bracket = "[" if isinstance(opened[-1], yaml.FlowSequenceStartToken) else "{"
        return opened[-1].start_mark.line + 1, f"the {bracket!r}"
    if quoted is not None and quoted.end_mark.line + 2 >= error_line:
        return quoted.start_mark.line + 1, "the quote"
    return None


class FileTooLarge(ValueError):
    """A file over its size limit; its text is ``too large (N bytes; the limit is M)``."""


def read_capped(path: Path | str, limit: int) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes; raises FileTooLarge beyond
    it (reading no more than the limit), OSError or UnicodeDecodeError."""
    if Path(path).exists() and not Path(path).is_file():  # a pipe would block the read
        raise OSError(f"{path} is not a regular file")
    with open(path, "rb") as f:
        data = f.read(limit + 1)
        if len(data) > limit:
            size = os.fstat(f.fileno()).st_size
            raise FileTooLarge(f"too large ({size:,} bytes; the limit is {limit:,})")
    return data.decode("utf-8")


def compose(text: str) -> Node | None:
    """The root node of ``text`` with the fast loader; a character the fast loader refuses is
    reported by the Python one, which says where it is."""
    try:
        return yaml.compose(text, Loader=FAST_LOADER)
    except (yaml.reader.ReaderError, UnicodeEncodeError):
        return yaml.compose(text, Loader=yaml.SafeLoader)


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class NodeReader:
    """Problems found so far in one file, and checked access to its nodes."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.problems: list[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def problem(self, where: Node | int | None, message: str) -> None:
        """Record ``message`` at a node's line, at a line number, or for the whole file."""
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, message))

    def read(self, path: Path | str, limit: int = MAX_FILE_BYTES) -> str | None:
        """The file's text, or None (with a problem) when it is larger than ``limit`` bytes or
        cannot be read as UTF-8."""
        try:
            text = read_capped(path, limit)
        except FileTooLarge as exc:
            self.problem(None, str(exc))
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(None, f"cannot read file: {exc}")
            return None
        return text

    def compose(self, text: str) -> Node | None:
        """The root node of ``text`` (None for an empty document); syntax errors become problems."""
        try:
            return compose(text)
        except (yaml.YAMLError, RecursionError) as exc:
            self.problem(*compose_problem(text, exc))
        return None

    # --- structure ---------------------------------------------------------------------------

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, Node] | None:
        """Key → value node (None if not a mapping); unknown and duplicate keys are reported.

        A key is its text as written, and must not be tagged as anything but text.
        """
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values")
            return None
        fields: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                self.unknown_key(key_node, key, allowed, what)
            elif key_node.tag != _STR:  # ``!!int id``
                self.problem(key_node, f"key {key!r} in {what} must be plain text")
            elif key in fields:
                self.problem(key_node, f"duplicate key {key!r} in {what}")
            else:
                fields[key] = value_node
        return fields

    def unknown_key(self, node: Node, key: Any, allowed: tuple[str, ...], what: str) -> None:
        self.problem(node, f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})")

    def sequence(self, node: Node, what: str) -> list[Node]:
        """The entries of a list node; anything else (null too) is a problem."""
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list")
            return []
        return list(node.value)

    def items(self, node: Node | None, what: str) -> list[Node]:
        """Like :meth:`sequence`, but an absent or null list is simply empty."""
        if node is None or self.is_null(node):
            return []
        return self.sequence(node, what)

    def get(self, fields: dict[str, Node], key: str, convert: Callable, default: Any) -> Any:
        """``convert(node, key)`` of an optional key; ``default`` if absent, null or invalid."""
        node = fields.get(key)
        if node is None or self.is_null(node):
            return default
        value = convert(node, key)
        return default if value is None else value

    def require(
        self, fields: dict[str, Node], key: str, convert: Callable, parent: Node, what: str
    ) -> Any:
        if key not in fields or self.is_null(fields[key]):
            self.problem(parent, f"{what} needs {key!r}")
            return None
        return convert(fields[key], key)

    # --- scalars -----------------------------------------------------------------------------

    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == _NULL

    def scalar(self, node: Node) -> Any:
        """The Python value of a scalar node, or UNREADABLE (which no check accepts)."""
        if not isinstance(node, ScalarNode):
            return UNREADABLE
        try:
            return self._constructor.construct_object(node, deep=True)
        except CONSTRUCT_ERRORS:
            return UNREADABLE

    def value(self, node: Node) -> Any:
        """The node's Python value, or UNREADABLE (with a problem) when it cannot be built."""
        try:
            return self._constructor.construct_object(node, deep=True)
        except CONSTRUCT_ERRORS as exc:
            reason = getattr(exc, "problem", None) or " ".join(str(exc).split())[:200]
            self.problem(node, f"cannot read this value: {reason}")
            return UNREADABLE

    def string(self, node: Node, key: str) -> str | None:
        value = self.scalar(node)
        if not isinstance(value, str) or not value.strip():
            self.problem(node, f"{key} must be a non-empty text value")
            return None
        return value.strip()


_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list"}


class Reader(NodeReader):
    """A :class:`NodeReader` whose values name the type they should have had."""

    def typed(self, node: Node, what: str, kind: type) -> Any:
        """The node's value if it has type ``kind``, else None with a problem."""
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if kind is int and isinstance(value, bool):
            value = None
        if value is UNREADABLE:
            return None
        if not isinstance(value, kind):
            shown = "a list" if isinstance(node, SequenceNode) else "a mapping"
            shown = shown if not isinstance(node, ScalarNode) else repr(self.value(node))
            self.problem(
                node, f"{what} must be {_TYPE_NAMES.get(kind, kind.__name__)}, not {shown}"
            )
            return None
        return value

    def text(self, node: Node, what: str, limit: int) -> str | None:
        """Non-empty text of at most ``limit`` characters."""
        value = self.typed(node, what, str)
        if value is None:
            return None
        if not value.strip():
            self.problem(node, f"{what} is empty")
            return None
        if len(value) > limit:
            self.problem(node, f"{what} is {len(value)} characters long (limit {limit})")
            return None
        if not value.isprintable() and any("\ud800" <= c <= "\udfff" for c in value):
            self.problem(node, f"{what} holds a lone surrogate escape, which is not a character")
            return None
        return value
