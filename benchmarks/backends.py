"""What the benchmarks share to run on either backend: a scratch database for a run, the raw
write floor of each backend, and a watch on the event loop.

- ``scratch(url)``: with no URL, a temporary SQLite file; with a ``postgresql://`` URL, a new
  database created on that server for the run (``<name>_bench_<pid>``) and dropped after it.
  The password, if the server asks for one, comes from ``DATABASE_PASSWORD`` or the libpq
  password file, as for the bot.
- ``raw_floor``: the same rows written with the backend's plainest bulk path, in the same
  batches the bot's writer uses, each batch its own transaction: ``sqlite3.executemany`` on a
  connection of its own (SQLite), asyncpg's ``copy_records_to_table`` (PostgreSQL, COPY).
- ``LoopWatch``: the longest the event loop was kept from running a task that sleeps 1 ms at
  a time, while some work runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

COLUMNS = ("guild_id", "post_id", "prompt_id", "theme_id", "member_id", "message_id", "kind",
           "created_at", "length")  # fmt: skip


@dataclass(frozen=True)
class Scratch:
    """Where one run keeps its records: ``database`` is what the bot's settings take."""

    backend: str  # "sqlite" or "postgresql"
    database: str | Path

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.backend == "postgresql" else "SQLite"


def _password() -> str | None:
    return os.environ.get("DATABASE_PASSWORD") or None


async def connect(url: str):
    import asyncpg

    return await asyncpg.connect(url, password=_password())


@contextlib.asynccontextmanager
async def scratch(url: str | None, name: str = "bench.sqlite3") -> AsyncIterator[Scratch]:
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield Scratch("sqlite", Path(tmp) / name)
        return
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "postgres"
    db = f"{base}_bench_{os.getpid()}"
    admin = await connect(url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
        await admin.execute(f'CREATE DATABASE "{db}"')
        try:
            yield Scratch("postgresql", urlunsplit(parts._replace(path=f"/{db}")))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    finally:
        await admin.close()


async def raw_floor(where: Scratch, rows: Sequence[tuple], batch: int) -> float:
    """Rows per second of the backend's plainest bulk write of ``rows`` into participation,
    ``batch`` rows per transaction (the rows are kept: use message ids no one else writes)."""
    if where.backend == "sqlite":
        return await asyncio.to_thread(_sqlite_floor, Path(where.database), rows, batch)
    con = await connect(str(where.database))
    try:
        start = time.perf_counter()
        for at in range(0, len(rows), batch):
            await con.copy_records_to_table(
                "participation", records=rows[at : at + batch], columns=COLUMNS
            )
        return len(rows) / (time.perf_counter() - start)
    finally:
        await con.close()


def _sqlite_floor(path: Path, rows: Sequence[tuple], batch: int) -> float:
    sql = f"INSERT INTO participation ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 9)})"
    con = sqlite3.connect(path, timeout=30)
    try:
        start = time.perf_counter()
        for at in range(0, len(rows), batch):
            with con:
                con.executemany(sql, rows[at : at + batch])
        return len(rows) / (time.perf_counter() - start)
    finally:
        con.close()


class LoopWatch:
    """The longest gap between wake-ups of a task that sleeps 1 ms at a time, less that 1 ms:
    how long the event loop was kept from running anything else while ``work`` ran."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = False

    async def _tick(self) -> None:
        last = time.perf_counter()
        while not self._stop:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.001)
            last = now

    async def during(self, work: Callable[[], Awaitable[object]]) -> float:
        self.longest, self._stop = 0.0, False
        task = asyncio.create_task(self._tick())
        await asyncio.sleep(0.01)
        try:
            await work()
        finally:
            self._stop = True
            await task
        return self.longest

    HOW = (
        "event loop blocked: the longest gap between wake-ups of a task sleeping 1 ms at a time"
        " (less the 1 ms), while the work ran"
    )
