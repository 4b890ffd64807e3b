"""Moving a community's records from one database to another (``python -m bot db copy``).

Both databases are brought to the latest schema first (their tables then have the same names
and columns on either backend). Every table is copied in an order that puts a referenced row
before the rows that point at it, inside ONE transaction on the target: if anything fails, or
a table's row count on the target differs from the source's, nothing is left behind. The
source is read inside one transaction too, so a consistent picture is copied.

The participation totals are copied as they are, with the totals triggers off for the copy
(else every copied answer would be counted a second time). Numbers that are never given twice
carry over: the next post, suggestion or relay number on the target follows the highest the
source ever gave (SQLite's ``sqlite_sequence`` or PostgreSQL's identity sequences), not just
the highest still stored.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiosqlite

from bot.config.database import Database
from bot.errors import InputError, Problem
from bot.store.postgres.connection import PgDatabase
from bot.store.tables import IDENTITY_TABLES, TABLES

log = logging.getLogger(__name__)

BATCH = 5_000  # rows read and written at a time


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


class Side(Protocol):
    """One database, as the copy sees it: read in one snapshot as the source, written in one
    transaction as the target."""

    async def count(self, table: str) -> int: ...

    def rows(self, table: str) -> AsyncIterator[tuple[list[str], list[tuple[Any, ...]]]]: ...

    async def next_numbers(self) -> dict[str, int]:
        """Per identity table, the highest number ever given (0: none)."""

    async def snapshot(self) -> None:
        """Read every table from here on as it is now (the source)."""

    async def begin(self) -> None:
        """Start the one transaction the copy is written in (the target)."""

    async def clear(self) -> None: ...

    async def write(
        self, table: str, columns: list[str], rows: Sequence[tuple[Any, ...]]
    ) -> None: ...

    async def set_numbers(self, numbers: dict[str, int]) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def close(self) -> None:
        """End any snapshot or transaction left open (rolled back) and close the database."""


class SqliteSide:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self._triggers: list[str] = []

    async def count(self, table: str) -> int:
        rows = list(await self.db.execute_fetchall(f"SELECT count(*) FROM {table}"))
        return int(rows[0][0])

    async def rows(self, table: str) -> AsyncIterator[tuple[list[str], list[tuple[Any, ...]]]]:
        keys = [
            r[1]
            for r in sorted(
                await self.db.execute_fetchall(f"PRAGMA table_info({table})"), key=lambda r: r[5]
            )
            if r[5]
        ]
        order = ", ".join(keys) or "rowid"
        async with self.db.execute(f"SELECT * FROM {table} ORDER BY {order}") as cur:
            columns = [d[0] for d in cur.description]
            while batch := await cur.fetchmany(BATCH):
                yield columns, [tuple(r) for r in batch]

    async def next_numbers(self) -> dict[str, int]:
        numbers = {}
        for table in IDENTITY_TABLES:
            rows = list(await self.db.execute_fetchall(f"SELECT max(id) FROM {table}"))
            numbers[table] = int(rows[0][0] or 0)
        seqs = await self.db.execute_fetchall("SELECT name, seq FROM sqlite_sequence")
        for name, seq in seqs:
            if name in numbers:
                numbers[name] = max(numbers[name], int(seq))
        return numbers

    async def snapshot(self) -> None:
        await self.db.execute("BEGIN")  # a read transaction: one view of every table

    async def begin(self) -> None:
        await self.db.execute("BEGIN IMMEDIATE")
        # The totals are copied as they are: their triggers are off for the copy.
        found = await self.db.execute_fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            ("participation",),
        )
        for name, sql in found:
            self._triggers.append(sql)
            await self.db.execute(f"DROP TRIGGER {name}")

    async def clear(self) -> None:
        for table in reversed(TABLES):
            await self.db.execute(f"DELETE FROM {table}")
        await self.db.execute("DELETE FROM sqlite_sequence")

    async def write(self, table: str, columns: list[str], rows: Sequence[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" * len(columns))
        await self.db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    async def set_numbers(self, numbers: dict[str, int]) -> None:
        for table, number in numbers.items():
            updated = await self.db.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (number, table)
            )
            if updated.rowcount == 0 and number:
                await self.db.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ?"
                    " WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?"
                    " AND sql LIKE '%AUTOINCREMENT%')",
                    (table, number, table),
                )

    async def commit(self) -> None:
        for sql in self._triggers:
            await self.db.execute(sql)
        self._triggers = []
        await self.db.execute("COMMIT")

    async def rollback(self) -> None:
        self._triggers = []
        if self.db.in_transaction:
            await self.db.execute("ROLLBACK")

    async def close(self) -> None:
        if self.db.in_transaction:
            await self.db.execute("ROLLBACK")
        await self.db.close()


class PostgresSide:
    """One connection of the pool, held for the whole copy (one transaction)."""

    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self._con: Any = None
        self._tx: Any = None

    async def _connection(self) -> Any:
        if self._con is None:
            self._con = await self.db.pool.acquire()
        return self._con

    async def count(self, table: str) -> int:
        con = await self._connection()
        return int(await con.fetchval(f"SELECT count(*) FROM {table}"))

    async def rows(self, table: str) -> AsyncIterator[tuple[list[str], list[tuple[Any, ...]]]]:
        con = await self._connection()
        order = await _order_of(con, table)
        cursor = await con.cursor(f"SELECT * FROM {table} ORDER BY {order}")
        while batch := await cursor.fetch(BATCH):
            yield list(batch[0].keys()), [tuple(r) for r in batch]

    async def next_numbers(self) -> dict[str, int]:
        con = await self._connection()
        numbers = {}
        for table in IDENTITY_TABLES:
            highest = await con.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
            row = await con.fetchrow(
                f"SELECT last_value, is_called FROM {await _sequence(con, table)}"
            )
            given = int(row["last_value"]) if row["is_called"] else 0
            numbers[table] = max(int(highest), given)
        return numbers

    async def snapshot(self) -> None:
        con = await self._connection()
        self._tx = con.transaction(isolation="repeatable_read", readonly=True)
        await self._tx.start()

    async def begin(self) -> None:
        con = await self._connection()
        self._tx = con.transaction()
        await self._tx.start()
        # The totals are copied as they are: their triggers are off for the copy.
        await con.execute("ALTER TABLE participation DISABLE TRIGGER USER")

    async def clear(self) -> None:
        con = await self._connection()
        await con.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")

    async def write(self, table: str, columns: list[str], rows: Sequence[tuple[Any, ...]]) -> None:
        con = await self._connection()
        await con.copy_records_to_table(table, records=rows, columns=columns)

    async def set_numbers(self, numbers: dict[str, int]) -> None:
        con = await self._connection()
        for table, number in numbers.items():
            # The next number given is the one after the highest the source ever gave.
            await con.execute(
                f"SELECT setval('{await _sequence(con, table)}', $1, $2)",
                max(number, 1),
                number > 0,
            )

    async def commit(self) -> None:
        con = await self._connection()
        await con.execute("ALTER TABLE participation ENABLE TRIGGER USER")
        await self._tx.commit()
        self._tx = None

    async def rollback(self) -> None:
        if self._tx is not None:
            await self._tx.rollback()
            self._tx = None

    async def close(self) -> None:
        if self._tx is not None:
            await self._tx.rollback()
            self._tx = None
        if self._con is not None:
            await self.db.pool.release(self._con)
            self._con = None
        await self.db.close()


async def _sequence(con: Any, table: str) -> str:
    name = await con.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
    if name is None:
        raise RuntimeError(f"{table}.id has no sequence")
    return str(name)


async def _order_of(con: Any, table: str) -> str:
    """The table's primary key columns: rows come out in the order they were numbered."""
    keys = await con.fetch(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
        " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum",
        table,
    )
    return ", ".join(k[0] for k in keys) or "1"


async def open_side(database: Database) -> Side:
    """``database`` opened (created and migrated if needed) for a copy."""
    if database.backend == "postgresql":
        from bot.store.postgres.db import open_database as open_postgres

        return PostgresSide(await open_postgres(database))
    from bot.store.sqlite.db import open_database as open_sqlite

    return SqliteSide(await open_sqlite(database.path))


def _where(database: Database) -> tuple[str, ...]:
    """What names one database, whatever the spelling: a file's real path; a server's host,
    port and database name (options such as ``pool_size`` apart)."""
    if database.backend == "sqlite":
        return ("sqlite", str(database.path.resolve()))
    parts = urlsplit(database.url)
    host = (parts.hostname or "localhost").lower()
    return ("postgresql", host, str(parts.port or 5432), parts.path.strip("/"))


async def copy_database(source: Database, target: Database, *, force: bool = False) -> list[Copied]:
    """Copy every table of ``source`` into ``target``; the rows per table. Refuses a target
    that holds any row unless ``force`` (its rows are then replaced), and the same database
    on both sides. Raises InputError (one line) for a refusal or a count that differs."""
    if _where(source) == _where(target):
        raise InputError([Problem(str(target), None, "the source and the target are the same")])
    reading = await open_side(source)
    try:
        writing = await open_side(target)
        try:
            return await _copy(reading, writing, target, force)
        finally:
            await writing.close()
    finally:
        await reading.close()


async def _copy(reading: Side, writing: Side, target: Database, force: bool) -> list[Copied]:
    held = {t: n for t in TABLES if (n := await writing.count(t))}
    if held and not force:
        sample = ", ".join(f"{t}: {n}" for t, n in list(held.items())[:3])
        raise InputError(
            [
                Problem(
                    str(target),
                    None,
                    f"the target database holds records already (rows in {sample});"
                    " give --force to replace them",
                )
            ]
        )
    await reading.snapshot()
    copied: list[Copied] = []
    await writing.begin()
    try:
        if held:
            await writing.clear()
        for table in TABLES:
            async for columns, batch in reading.rows(table):
                await writing.write(table, columns, batch)
            expected, found = await reading.count(table), await writing.count(table)
            if expected != found:
                raise InputError(
                    [
                        Problem(
                            str(target),
                            None,
                            f"{table}: {found} rows copied but the source holds {expected};"
                            " nothing was kept",
                        )
                    ]
                )
            copied.append(Copied(table, found))
            log.info("copied %s: %d rows", table, found)
        await writing.set_numbers(await reading.next_numbers())
        await writing.commit()
    except BaseException:
        await writing.rollback()
        raise
    return copied
