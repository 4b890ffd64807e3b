"""Config value checks: Discord ids, whole numbers, switches, URLs, paths, log level, id lists.

Each check takes the value's node and its key, returns the converted value, or records a
problem at the node's line (on the node reader it is handed) and returns None.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from yaml.nodes import Node

from bot.config.database import DatabaseRefused, parse_database
from bot.errors import overlong_name
from bot.yaml_nodes import NodeReader

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_AUTO_ARCHIVE = (60, 1440, 4320, 10080)


def is_ascii_number(text: str) -> bool:
    """Digits 0-9 only: not fullwidth (１２), Arabic-Indic (١٢) or other scripts' digits,
    which Python's ``int()`` would quietly accept as the same number."""
    return text.isascii() and text.isdigit()


def hidden_characters(text: str) -> list[str]:
    """Control and format characters (e.g. U+202E, which reverses the text shown after it)."""
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf")]


class ConfigValues:
    """The config file's scalar and list values, checked on the shared node reader."""

    def __init__(self, nodes: NodeReader) -> None:
        self.nodes = nodes

    def boolean(self, node: Node, key: str) -> bool | None:
        value = self.nodes.scalar(node)
        if not isinstance(value, bool):
            self.nodes.problem(node, f"{key} must be true or false")
            return None
        return value

    def positive(self, node: Node, key: str) -> int | None:
        value = self.nodes.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.nodes.problem(node, f"{key} must be a whole number greater than 0")
            return None
        return value

    def snowflake(self, node: Node, key: str) -> int | None:
        """A Discord id: a positive integer (quoted ASCII digits are accepted too)."""
        value = self.nodes.scalar(node)
        if isinstance(value, str) and is_ascii_number(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**64:
            self.nodes.problem(node, f"{key} must be a Discord id (a positive whole number)")
            return None
        return value

    def snowflakes(self, node: Node | None, key: str) -> tuple[int, ...]:
        values = (
            self.snowflake(item, f"each entry of {key}") for item in self.nodes.items(node, key)
        )
        return tuple(v for v in values if v is not None)

    def path(self, node: Node, key: str) -> str | None:
        """A file or folder name; control and direction characters are refused, since the
        name shown would not be the name used."""
        value = self.nodes.string(node, key)
        if value is None:
            return None
        hidden = hidden_characters(value)
        if hidden:
            self.nodes.problem(
                node, f"{key} holds invisible control or direction characters ({', '.join(hidden)})"
            )
            return None
        too_long = overlong_name(value)
        if too_long:
            self.nodes.problem(node, f"{key}: {too_long}")
            return None
        return value

    def database(self, node: Node, key: str) -> str | None:
        """A database file path or URL that this bot can serve (see ``parse_database``)."""
        value = self.path(node, key)
        if value is None:
            return None
        try:
            parse_database(value)
        except DatabaseRefused as exc:
            self.nodes.problem(node, f"{key}: {exc}")
            return None
        return value

    def log_level(self, node: Node, key: str) -> str | None:
        value = self.nodes.string(node, key)
        if value is not None and value.upper() not in _LOG_LEVELS:
            self.nodes.problem(node, f"{key} must be one of {', '.join(_LOG_LEVELS)}")
            return None
        return value.upper() if value else None

    def http_url(self, node: Node, key: str) -> str | None:
        return self._url(node, key, ("http", "https"))

    def ws_url(self, node: Node, key: str) -> str | None:
        return self._url(node, key, ("ws", "wss"))

    def _url(self, node: Node, key: str, schemes: tuple[str, ...]) -> str | None:
        """A URL with a host and no user name or password (which would end up in logs). A
        refused URL is never repeated in the message: it may hold a secret."""
        value = self.nodes.string(node, key)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if parts is not None and "@" in parts.netloc:
            self.nodes.problem(
                node,
                f"{key} must not hold a user name or password (user:pass@); the server is"
                " reached with the bot token only",
            )
            return None
        if parts is None or parts.scheme not in schemes or not host:
            wanted = " or ".join(f"{s}://" for s in schemes)
            self.nodes.problem(node, f"{key} must be a {wanted} URL with a host")
            return None
        return value

    def auto_archive(self, node: Node, key: str) -> int | None:
        value = self.nodes.scalar(node)
        if isinstance(value, bool) or value not in _AUTO_ARCHIVE:
            self.nodes.problem(
                node, f"{key} must be one of {', '.join(map(str, _AUTO_ARCHIVE))} (minutes)"
            )
            return None
        return value

    def ids(
        self, node: Node | None, key: str, known: set[str] | None, kind: str
    ) -> tuple[str, ...]:
        """Theme or prompt ids; when ``known`` is given, each must be among them."""
        found = []
        for item in self.nodes.items(node, key):
            value = self.nodes.string(item, f"each entry of {key}")
            if value is None:
                continue
            if known is not None and value not in known:
                self.nodes.problem(item, f"unknown {kind} {value!r}")
            found.append(value)
        return tuple(found)
