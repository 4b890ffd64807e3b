"""Read YAML through its composed node tree, so every problem can name its line.

A :class:`NodeReader` parses text once, then its helpers check types and collect problems
(``path:line: message``) instead of stopping at the first one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import yaml

from bot.errors import Problem

log = logging.getLogger(__name__)

_NULL = "tag:yaml.org,2002:null"

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


def compose_problem(text: str, exc: Exception) -> tuple[int | None, str]:
    """Line and one-line message for an error raised while reading or composing ``text``."""
    if isinstance(exc, RecursionError):
        return None, "the YAML is nested too deeply"
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return line, f"character #x{exc.character:04x} is not allowed in YAML ({exc.reason})"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return line, f"YAML syntax error: {exc.problem or exc.context}"
    return None, "YAML error: " + " ".join(str(exc).split())


class NodeReader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._loader = yaml.SafeLoader("")

    def fail(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.path, line, message))

    def compose(self, text: str) -> yaml.Node | None:
        """The root node of ``text`` (None for an empty document); syntax errors become problems."""
        loader = None
        try:
            loader = yaml.SafeLoader(text)
            return loader.get_single_node()
        except (yaml.YAMLError, RecursionError) as exc:
            self.problems.append(Problem(self.path, *compose_problem(text, exc)))
        finally:
            if loader is not None:
                loader.dispose()
        return None

    # --- structure ---------------------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, allowed: tuple[str, ...], what: str
    ) -> dict[str, yaml.Node] | None:
        """Key → value node; unknown and duplicate keys are reported and left out."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
            return None
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.unknown_key(key_node, key, allowed, what)
            elif key in fields:
                self.fail(key_node, f"duplicate key {key!r} in {what}")
            else:
                fields[key] = value_node
        return fields

    def unknown_key(self, node: yaml.Node, key: Any, allowed: tuple[str, ...], what: str) -> None:
        self.fail(node, f"unknown key {key!r} in {what} (known: {', '.join(allowed)})")

    def items(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None or self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list")
            return []
        return list(node.value)

    def get(self, fields: dict[str, yaml.Node], key: str, convert: Callable, default: Any) -> Any:
        """``convert(node, key)`` of an optional key; ``default`` if absent, null or invalid."""
        node = fields.get(key)
        if node is None or self.is_null(node):
            return default
        value = convert(node, key)
        return default if value is None else value

    def require(
        self,
        fields: dict[str, yaml.Node],
        key: str,
        convert: Callable,
        parent: yaml.Node,
        what: str,
    ) -> Any:
        if key not in fields or self.is_null(fields[key]):
            self.fail(parent, f"{what} needs {key!r}")
            return None
        return convert(fields[key], key)

    # --- scalars -----------------------------------------------------------------------------

    def is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == _NULL

    def scalar(self, node: yaml.Node) -> Any:
        """The Python value of a scalar node; a list or mapping gives a value no check accepts."""
        if not isinstance(node, yaml.ScalarNode):
            return NotImplemented
        try:
            return self._loader.construct_object(node, deep=True)
        except CONSTRUCT_ERRORS:
            return NotImplemented

    def string(self, node: yaml.Node, key: str) -> str | None:
        value = self.scalar(node)
        if not isinstance(value, str) or not value.strip():
            self.fail(node, f"{key} must be a non-empty text value")
            return None
        return value.strip()

    def boolean(self, node: yaml.Node, key: str) -> bool | None:
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.fail(node, f"{key} must be true or false")
            return None
        return value

    def positive(self, node: yaml.Node, key: str) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(node, f"{key} must be a whole number greater than 0")
            return None
        return value

    def snowflake(self, node: yaml.Node, key: str) -> int | None:
        """A Discord id: a positive integer (quoted digits are accepted too)."""
        value = self.scalar(node)
        if isinstance(value, str) and value.strip().isdecimal():  # not "²"
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**64:
            self.fail(node, f"{key} must be a Discord id (a positive whole number)")
            return None
        return value

    def snowflakes(self, node: yaml.Node | None, key: str) -> tuple[int, ...]:
        values = (self.snowflake(item, f"each entry of {key}") for item in self.items(node, key))
        return tuple(v for v in values if v is not None)
