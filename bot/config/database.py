"""The ``database`` setting: a file path or a database URL, parsed once into a typed value.

Two backends are served. SQLite (the default): a plain path, ``sqlite:///relative/or/absolute/
path`` or ``:memory:``. PostgreSQL: ``postgresql://user@host:port/dbname`` (or ``postgres://``),
with libpq's query options (``?sslmode=require``) and the bot's own ``pool_size=N`` (connections
the process keeps open). A PostgreSQL URL never holds a password: it comes from the
``DATABASE_PASSWORD`` environment variable or libpq's password file (``PGPASSFILE``, else
``~/.pgpass``), so the config file and every line that shows the URL stay free of it. Any other
URL is refused in one line before anything is created, rather than being taken for a folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# A URL scheme as RFC 3986 spells it, followed by a colon (``postgresql:``, ``sqlite:``).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)
SERVED = ("sqlite", "postgresql")
POSTGRESQL_SCHEMES = ("postgresql", "postgres")
PASSWORD_ENV = "DATABASE_PASSWORD"
# Connections one bot process keeps to PostgreSQL: the event loop runs one statement at a time
# per task, and the bot's concurrent work (the batch writer, the scheduler, a few commands at
# once) rarely holds more than a handful; the server's default limit is 100 for all processes.
DEFAULT_POOL_SIZE = 10
MAX_POOL_SIZE = 100


class DatabaseRefused(ValueError):
    """The setting names a database this bot cannot serve; the message is one line."""


@dataclass(frozen=True)
class Database:
    """Where the bot keeps its records. ``backend`` says which store opens it; ``url`` is the
    PostgreSQL URL (without a password; empty for SQLite), ``pool_size`` its connections."""

    path: Path
    backend: Literal["sqlite", "postgresql"] = "sqlite"
    url: str = ""
    pool_size: int = DEFAULT_POOL_SIZE

    @property
    def in_memory(self) -> bool:
        return self.backend == "sqlite" and str(self.path) == ":memory:"

    @property
    def dsn(self) -> str:
        """The URL the driver connects with: the bot's own options taken out."""
        parts = urlsplit(self.url)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "pool_size"]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def __str__(self) -> str:
        return self.url if self.backend == "postgresql" else str(self.path)


def parse_database(value: str | Path | Database, base: Path | None = None) -> Database:
    """``value`` as a Database; a relative path is taken from ``base`` (the config file's
    folder) when one is given. Raises DatabaseRefused for a URL of another kind, and for a
    PostgreSQL URL that holds a password or cannot be read."""
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
        if scheme in POSTGRESQL_SCHEMES:
            return _postgresql(value)
        if scheme != "sqlite":
            raise DatabaseRefused(
                f"{_shown(value)}: {scheme} databases are not supported; use a file path,"
                " sqlite:///path or postgresql://user@host/dbname"
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


def _postgresql(value: str) -> Database:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 — a port that is not a number raises here
    except ValueError as exc:
        raise DatabaseRefused(f"{_shown(value)}: not a PostgreSQL URL ({exc})") from None
    if parts.password is not None or any(
        key == "password" for key, _ in parse_qsl(parts.query, keep_blank_values=True)
    ):
        raise DatabaseRefused(
            f"{_shown(value)}: a database URL must not hold a password; put it in"
            f" {PASSWORD_ENV} or a password file (PGPASSFILE or ~/.pgpass)"
        )
    if not parts.path.strip("/"):
        raise DatabaseRefused(
            f"{value}: the URL names no database; write postgresql://user@host:port/dbname"
        )
    if parts.fragment:
        raise DatabaseRefused(f"{value}: a database URL has no #fragment")
    pool_size = DEFAULT_POOL_SIZE
    for key, number in parse_qsl(parts.query, keep_blank_values=True):
        if key == "pool_size":
            if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= MAX_POOL_SIZE:
                raise DatabaseRefused(
                    f"{value}: pool_size must be a whole number from 1 to {MAX_POOL_SIZE}"
                )
            pool_size = int(number)
    url = urlunsplit(parts._replace(scheme="postgresql"))
    return Database(Path(""), "postgresql", url, pool_size)


def _shown(value: str) -> str:
    """``value`` as it may be shown: a password in it replaced by ``***``."""
    value = re.sub(r"([?&]password=)[^&#]*", r"\1***", value)
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", value)
    if password is None:
        return value
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))
