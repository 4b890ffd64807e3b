"""Open the SQLite database and bring its schema up to date.

Migrations are ``migrations/NNNN_name.sql`` files applied in order; the schema version is kept in
the database itself (``PRAGMA user_version``), so an old database is upgraded in place on start.
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """All shipped migrations as (version, file name, SQL), in version order."""
    found = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must run 1..N without gaps, found {versions}")
    return found


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply every migration newer than the database's version; returns the new version."""
    async with db.execute("PRAGMA user_version") as cur:
        (current,) = await cur.fetchone()
    for version, name, sql in migrations():
        if version <= current:
            continue
        log.info("applying migration %s", name)
        await db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        current = version
    return current


async def open_database(path: str | Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at ``path``, in WAL mode and fully migrated."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(str(path), isolation_level=None)
    db.row_factory = aiosqlite.Row
    try:
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA busy_timeout = 5000")
        await migrate(db)
    except BaseException:
        await db.close()  # else its worker thread keeps the process from exiting
        raise
    return db
