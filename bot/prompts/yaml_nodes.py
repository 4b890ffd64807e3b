"""Prompt-file value checks on the shared reader: typed values, text within Discord limits."""

from __future__ import annotations

import logging
from typing import Any

from yaml.nodes import Node, ScalarNode, SequenceNode

from bot.yaml_nodes import UNREADABLE, NodeReader

log = logging.getLogger(__name__)

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
