"""Shared test set-up: the ``slow`` marker, ``--repeat N``, a migrated database ``db_path``,
the backends' parametrised ``database`` and ``stores``, the bot factory ``make_bot``, and where
temporary folders go.

``python -m pytest -m "not slow"`` leaves out the slow tiers (property-based fuzzing, real bot
processes killed and restarted); plain ``python -m pytest`` runs everything.
``--repeat N`` runs each selected test N times (to shake out timing-dependent failures; see
``benchmarks/repeat_under_load.py``, which also loads the CPUs while it runs).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported by the fixtures, after pytest_configure (see there)
    from bot.adapter.client import DiscussionBot
    from bot.adapter.cogs import CogFactory
    from bot.config.database import Database
    from bot.config.settings import Settings
    from bot.store import Stores
    from tests.postgres_server import PostgresServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--repeat", type=int, default=1, metavar="N", help="run each selected test N times"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: fuzzing and real-process tests; deselect with -m 'not slow'"
    )
    _temporary_files_in_memory()
    # pytest rewrites the asserts of every test module it imports (2.5 s for this suite) and
    # caches the result in __pycache__ (ignored by git), unless the environment says not to
    # write bytecode (PYTHONDONTWRITEBYTECODE); the tests cache it anyway, so only a first run
    # pays for it.
    sys.dont_write_bytecode = False


# The tests open and close a few hundred SQLite files, and on a disk every close waits for it
# twice (the WAL checkpoint's fsyncs): a quarter of the quick tier's time. Where the system has a
# RAM-backed /dev/shm with room to spare, pytest's tmp_path folders go there instead. TMPDIR or
# PYTEST_DEBUG_TEMPROOT, when set, and --basetemp still decide.
_MEMORY_FOLDER, _MEMORY_NEEDED = Path("/dev/shm"), 2 << 30


def _temporary_files_in_memory() -> None:
    if os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    try:
        free = os.statvfs(_MEMORY_FOLDER)
    except OSError:
        return
    if free.f_bavail * free.f_frsize >= _MEMORY_NEEDED and os.access(_MEMORY_FOLDER, os.W_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(_MEMORY_FOLDER)


# A module whose every test is slow says so in one line; ``-m "not slow"`` then leaves it out
# before importing it (the fuzzing modules' imports alone cost a second or more).
_SLOW_MODULE = "pytestmark = pytest.mark.slow"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if " ".join(config.getoption("markexpr", "").split()) != "not slow":
        return None
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    lines = collection_path.read_text(encoding="utf-8").splitlines()
    return True if any(line.startswith(_SLOW_MODULE) for line in lines) else None


def pytest_collection_finish(session: pytest.Session) -> None:
    # Hypothesis's plugin imports all of Hypothesis (two seconds) for its end-of-run summary even
    # when no collected test uses it; with none collected it has nothing to report.
    if "hypothesis" not in sys.modules:
        plugin = session.config.pluginmanager.get_plugin("hypothesispytest")
        if plugin is not None:
            session.config.pluginmanager.unregister(plugin)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    count = metafunc.config.getoption("repeat")
    if count > 1:
        metafunc.fixturenames.append("_repeat")
        metafunc.parametrize("_repeat", range(1, count + 1), ids=lambda n: f"run{n}")


# A day after the in-process fake's first ids (bot.devserver.payloads.BASE_TIME): a quiet "now".
DEFAULT_NOW = datetime(2026, 1, 6, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file brought to the latest schema by the shipped migrations, once per run."""
    from bot.config.database import parse_database
    from bot.store import open_stores

    path = tmp_path_factory.mktemp("migrated") / "bot.sqlite3"

    async def create() -> None:
        stores = await open_stores(parse_database(path))
        await stores.close()

    loop = asyncio.new_event_loop()  # its own loop: the tests' loops are pytest-asyncio's
    try:
        loop.run_until_complete(create())
    finally:
        loop.close()
    assert not path.with_name(path.name + "-wal").exists(), "closing should fold the WAL in"
    return path


@pytest.fixture
def db_path(tmp_path: Path, migrated_database: Path) -> Path:
    """``tmp_path / "bot.sqlite3"``, already at the latest schema: a copy of
    ``migrated_database``, so a test that is not about migrations does not run them again
    (creating a database costs five times what opening one does). Migrations themselves are
    tested on fresh files in tests/store/test_db.py."""
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_database, path)
    return path


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str]:
    """The test run's PostgreSQL server (``tests/postgres_server.py``), or why there is none;
    its template is migrated once per run and its databases dropped at the end."""
    from tests.postgres_server import server_from_environment

    server = server_from_environment()
    yield server
    if not isinstance(server, str):
        server.stop()


@pytest.fixture
def postgresql(postgres_server: PostgresServer | str) -> PostgresServer:
    """The PostgreSQL server, for a test about PostgreSQL alone (skipped without one, failed in
    CI)."""
    from tests.postgres_server import unavailable

    if isinstance(postgres_server, str):
        unavailable(postgres_server)
    assert not isinstance(postgres_server, str)
    return postgres_server


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at the latest schema on each backend: SQLite, the ``db_path`` copy;
    PostgreSQL, a fresh database cloned from the run's migrated template, dropped after."""
    from bot.config.database import parse_database

    if request.param == "sqlite":
        yield parse_database(request.getfixturevalue("db_path"))
        return
    server: PostgresServer = request.getfixturevalue("postgresql")
    made = server.new_database()
    yield made
    server.drop(made)


@pytest.fixture
async def stores(database: Database) -> AsyncIterator[Stores]:
    """Every store over ``database`` (each backend in turn), closed after the test."""
    from bot.store import open_stores

    opened = await open_stores(database)
    yield opened
    await opened.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per reason the PostgreSQL tests were skipped, with how many."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith("PostgreSQL tests skipped"):
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        terminalreporter.write_line(f"{reason} ({count} tests)")


@pytest.fixture
def make_bot(db_path: Path) -> Callable[..., DiscussionBot]:
    """Builds the bot as ``run`` does, from what a test varies: its settings (default: no guild,
    the database ``db_path``), its prompt library (default: empty), the cogs it loads (default:
    all) and its clock (default: a fixed instant). Settings naming ``tmp_path / "bot.sqlite3"``
    find the database already migrated there."""
    from bot.adapter.client import DiscussionBot
    from bot.config.settings import Settings
    from bot.prompts.model import Library

    def make(
        settings: Settings | None = None,
        holder: Any = None,
        *,
        cogs: Sequence[CogFactory] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> DiscussionBot:
        return DiscussionBot(
            settings or Settings(database=db_path),
            holder or SimpleNamespace(library=Library()),
            clock=clock or (lambda: DEFAULT_NOW),
            cogs=cogs,
        )

    return make
