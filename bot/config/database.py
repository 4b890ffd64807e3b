"""The ``database`` setting: a file path or a database URL, parsed once into a typed value.

Only SQLite is served today: a plain path, ``sqlite:///relative/or/absolute/path`` or
``:memory:``. Any other URL (``postgresql://…``) is refused in one line before anything is
created, rather than being taken for a folder name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# A URL scheme as RFC 3986 spells it, followed by a colon (``postgresql:``, ``sqlite:``).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)
SERVED = ("sqlite",)


class DatabaseRefused(ValueError):
    """The setting names a database this bot cannot serve; the message is one line."""


@dataclass(frozen=True)
class Database:
    """Where the bot keeps its records. ``backend`` says which store opens it."""

    path: Path
    backend: Literal["sqlite"] = "sqlite"

    @property
    def in_memory(self) -> bool:
        return str(self.path) == ":memory:"

    def __str__(self) -> str:
        return str(self.path)


def parse_database(value: str | Path | Database, base: Path | None = None) -> Database:
    """``value`` as a Database; a relative path is taken from ``base`` (the config file's
    folder) when one is given. Raises DatabaseRefused for a URL of another kind."""
    if isinstance(value, Database):
        return value
    if isinstance(value, Path):
        return Database(value if base is None else base / value)
    if value == ":memory:":
        return Database(Path(value))
    match = _SCHEME.match(value)
    # A one-letter scheme is a Windows drive (C:\data\bot.sqlite3), not a URL.
    if match and len(match.group(1)) > 1:
        scheme, rest = match.group(1).lower(), match.group(2)
        if scheme != "sqlite":
            raise DatabaseRefused(
                f"{value}: {scheme} databases are not supported; use a file path or"
                " sqlite:///path (SQLite is the only backend)"
            )
        if rest.startswith("///"):
            rest = rest[3:]  # sqlite:///data/bot.sqlite3, sqlite:////srv/bot.sqlite3
        elif rest.startswith("//"):
            raise DatabaseRefused(
                f"{value}: an SQLite URL names no host; write sqlite:///relative/path or"
                " sqlite:////absolute/path"
            )
        if not rest:
            raise DatabaseRefused(f"{value}: the URL names no database file")
        if rest == ":memory:":
            return Database(Path(rest))
        value = rest
    path = Path(value)
    return Database(path if base is None or path.is_absolute() else base / path)
