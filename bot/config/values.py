"""Config value checks: Discord ids, whole numbers, switches, URLs, log level, id lists.

Each check takes the value's node and its key, returns the converted value, or records a
problem at the node's line and returns None.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from yaml.nodes import Node

from bot.yaml_nodes import NodeReader

log = logging.getLogger(__name__)

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_AUTO_ARCHIVE = (60, 1440, 4320, 10080)


class ConfigValues(NodeReader):
    """The config file's scalar and list values, on top of the shared node reader."""

    def boolean(self, node: Node, key: str) -> bool | None:
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.problem(node, f"{key} must be true or false")
            return None
        return value

    def positive(self, node: Node, key: str) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.problem(node, f"{key} must be a whole number greater than 0")
            return None
        return value

    def snowflake(self, node: Node, key: str) -> int | None:
        """A Discord id: a positive integer (quoted digits are accepted too)."""
        value = self.scalar(node)
        if isinstance(value, str) and value.strip().isdecimal():  # not "²"
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**64:
            self.problem(node, f"{key} must be a Discord id (a positive whole number)")
            return None
        return value

    def snowflakes(self, node: Node | None, key: str) -> tuple[int, ...]:
        values = (self.snowflake(item, f"each entry of {key}") for item in self.items(node, key))
        return tuple(v for v in values if v is not None)

    def log_level(self, node: Node, key: str) -> str | None:
        value = self.string(node, key)
        if value is not None and value.upper() not in _LOG_LEVELS:
            self.problem(node, f"{key} must be one of {', '.join(_LOG_LEVELS)}")
            return None
        return value.upper() if value else None

    def http_url(self, node: Node, key: str) -> str | None:
        return self._url(node, key, ("http", "https"))

    def ws_url(self, node: Node, key: str) -> str | None:
        return self._url(node, key, ("ws", "wss"))

    def _url(self, node: Node, key: str, schemes: tuple[str, ...]) -> str | None:
        value = self.string(node, key)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.hostname:
            wanted = " or ".join(f"{s}://" for s in schemes)
            self.problem(node, f"{key} must be a {wanted} URL with a host, got {value!r}")
            return None
        return value

    def auto_archive(self, node: Node, key: str) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or value not in _AUTO_ARCHIVE:
            self.problem(
                node, f"{key} must be one of {', '.join(map(str, _AUTO_ARCHIVE))} (minutes)"
            )
            return None
        return value

    def ids(self, node: Node, key: str, known: set[str] | None, kind: str) -> tuple[str, ...]:
        """Theme or prompt ids; when ``known`` is given, each must be among them."""
        found = []
        for item in self.items(node, key):
            value = self.string(item, f"each entry of {key}")
            if value is None:
                continue
            if known is not None and value not in known:
                self.problem(item, f"unknown {kind} {value!r}")
            found.append(value)
        return tuple(found)
