"""Read YAML as a node tree so every problem can name its line.

``Reader`` collects problems as ``path:line: message`` while the caller walks the nodes with
typed accessors; values are built with PyYAML's safe constructor, so types match ``safe_load``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.errors import Problem
from bot.yaml_nodes import CONSTRUCT_ERRORS, compose_problem

log = logging.getLogger(__name__)


class _Unreadable:
    """A value the safe constructor refused (its problem is already reported)."""

    def __repr__(self) -> str:
        return "an unreadable value"


UNREADABLE = _Unreadable()
_TYPE_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list"}


class Reader:
    """Problems found so far in one file, and typed access to its nodes."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.problems: list[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def compose(self, text: str) -> Node | None:
        """The document's root node, or None (with a problem) when the YAML does not parse."""
        try:
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError) as exc:
            self.problem(*compose_problem(text, exc))
        return None

    def problem(self, where: Node | int | None, message: str) -> None:
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, message))

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        """Keys of a mapping node; unknown and repeated keys are problems."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values")
            return {}
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if key is UNREADABLE:
                continue
            if not isinstance(key, str) or key not in allowed:
                self.problem(
                    key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})"
                )
            elif key in out:
                self.problem(key_node, f"key {key!r} repeated in {what}")
            else:
                out[key] = value_node
        return out

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list")
            return []
        return list(node.value)

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

    def value(self, node: Node) -> Any:
        """The node's Python value, or UNREADABLE (with a problem) when it cannot be built."""
        try:
            return self._constructor.construct_object(node, deep=True)
        except CONSTRUCT_ERRORS as exc:
            reason = getattr(exc, "problem", None) or " ".join(str(exc).split())[:200]
            self.problem(node, f"cannot read this value: {reason}")
            return UNREADABLE


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def read_text(reader: Reader, path: Path) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reader.problem(None, f"cannot read file: {exc}")
        return None
