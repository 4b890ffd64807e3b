"""Open the SQLite database and bring its schema up to date.

Migrations are ``migrations/NNNN_name.sql`` files applied in order; the schema version is kept in
the database itself (``PRAGMA user_version``), so an old database is upgraded in place on start.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.errors import InputError, Problem

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# Set on every connection, in one trip to its thread.
_SETTINGS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA secure_delete = ON;  -- deleted rows are zeroed, not left behind
"""


@functools.cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """All shipped migrations as (version, file name, SQL), in version order (read once: they
    ship with the code and do not change while it runs)."""
    found = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration versions must run 1, 2, 3 … without a gap, found {versions}")
    return tuple(found)


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply every migration newer than the database's version; returns the new version.

    Each migration runs in its own ``BEGIN IMMEDIATE`` transaction (the write lock is taken
    before the version is read again), so a second process upgrading the same file at the same
    time waits, then sees the migration applied and skips it. A failing migration is rolled
    back whole: the database stays at its last good version."""
    current = await _user_version(db)
    for version, name, sql in migrations():
        if version <= current:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            current = await _user_version(db)
            if version > current:
                log.info("applying migration %s", name)
                for statement in _statements(sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {version}")
                current = version
            await db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
    return current


async def _check_version(db: aiosqlite.Connection, path: str | Path) -> None:
    """Refuse a database made by a newer bot: its tables may mean something else."""
    version, latest = await _user_version(db), latest_version()
    if version > latest:
        raise database_problem(
            path,
            f"the database schema is version {version}, newer than this bot's version"
            f" {latest}; use the newer bot (nothing was changed)",
        )


async def _user_version(db: aiosqlite.Connection) -> int:
    return await schema_version(db)


async def schema_version(db: aiosqlite.Connection) -> int:
    """The schema version the database is at (``PRAGMA user_version``)."""
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def _statements(sql: str) -> list[str]:
    """The SQL statements of a migration file, one by one (a trigger body stays whole)."""
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in pending.splitlines()
    ):
        raise RuntimeError(f"unterminated SQL statement in a migration: {pending.strip()[:60]}")
    return statements


def latest_version() -> int:
    """The schema version this bot's migrations build (the highest migration number)."""
    return max((version for version, _, _ in migrations()), default=0)


def database_problem(path: str | Path, message: str) -> InputError:
    return InputError([Problem(str(path), None, message)])


@contextmanager
def database_errors(path: str | Path) -> Iterator[None]:
    """Turn SQLite's and the filesystem's errors while using the database at ``path`` (a
    corrupt or truncated file, a read-only one, a full disk) into one ``path: message`` line."""
    try:
        yield
    except sqlite3.Error as exc:
        raise database_problem(path, f"database error: {exc}") from None
    except OSError as exc:
        raise database_problem(path, f"cannot use the database: {exc.strerror or exc}") from None


async def check_integrity(db: aiosqlite.Connection) -> str:
    """``ok``, or SQLite's first complaint about the file (a truncated or damaged file)."""
    async with db.execute("PRAGMA quick_check(1)") as cur:
        row = await cur.fetchone()
    return str(row[0]) if row else "no answer to the integrity check"


def check_path(path: str | Path) -> None:
    """Refuse, before SQLite sees it, a database path that cannot be a database file: a
    folder, a name the filesystem refuses (too long), or one with control or bidi characters
    (which would show one name and open another)."""
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in str(path)):
        raise database_problem(
            repr(str(path)), "a database name must not hold control or direction characters"
        )
    try:
        is_dir = Path(path).is_dir()
        Path(path).stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise database_problem(path, f"cannot use this path: {exc.strerror}") from None
    if is_dir:
        raise database_problem(path, "it is a folder, not a database file")


async def open_database(path: str | Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at ``path``, in WAL mode and fully migrated.

    A path that cannot be a database, a file that is not one, and a schema newer than this
    bot's raise InputError (one ``path: message`` line); a newer schema is refused before
    anything is written to the file."""
    if str(path) != ":memory:":
        check_path(path)
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise database_problem(path, f"cannot create its folder: {exc.strerror}") from None
    try:
        db = await aiosqlite.connect(str(path), isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise database_problem(path, f"cannot open the database: {exc}") from None
    db.row_factory = aiosqlite.Row
    try:
        await _check_version(db, path)
        await db.executescript(_SETTINGS)
    except sqlite3.Error as exc:
        await db.close()
        raise database_problem(path, f"cannot open the database: {exc}") from None
    except BaseException:
        await db.close()  # else its worker thread keeps the process from exiting
        raise
    try:
        await migrate(db)
    except BaseException:
        await db.close()  # else its worker thread keeps the process from exiting
        raise
    return db
