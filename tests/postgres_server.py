"""The PostgreSQL server the tests run against, when there is one.

``BOT_TEST_POSTGRESQL`` names it: a ``postgresql://user@host:port/dbname`` URL (no password in
it: ``DATABASE_PASSWORD`` or a password file, as for the bot) of a server where that user may
create databases. Each test run migrates one template database there, and each test gets a
fresh database cloned from it (``CREATE DATABASE … TEMPLATE``), dropped after the test; the
names carry the run's process id, so two runs on one server never meet.

Without ``BOT_TEST_POSTGRESQL`` the PostgreSQL side of the tests is skipped, with one line
saying how to run it. With ``BOT_REQUIRE_POSTGRESQL=1`` (CI) a skip is a failure: a missing or
unreachable server fails those tests instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.config.database import PASSWORD_ENV, Database, parse_database

URL_ENV = "BOT_TEST_POSTGRESQL"
REQUIRE_ENV = "BOT_REQUIRE_POSTGRESQL"
SKIP_REASON = (
    f"PostgreSQL tests skipped: set {URL_ENV}=postgresql://user@host:port/dbname"
    " (a server where that user may create databases)"
)

T = TypeVar("T")


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def unavailable(reason: str = SKIP_REASON) -> None:
    """Skip the test, or fail it where PostgreSQL is required."""
    if required():
        pytest.fail(f"{REQUIRE_ENV} is set but {reason}", pytrace=False)
    pytest.skip(reason)


def run_sync(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to the end on an event loop of its own, in a thread of its own, so that it
    can be called from a sync fixture whether or not a test's loop is running."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(work))
        except BaseException as exc:  # handed to the caller
            error.append(exc)

    thread = threading.Thread(target=target, name="postgres-admin")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


class PostgresServer:
    """The test server: a migrated template, and databases cloned from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.parts = urlsplit(url)
        self.template = f"bot_test_template_{os.getpid()}"
        self._names = itertools.count(1)
        self._made: set[str] = set()

    def url_of(self, name: str, query: str | None = None) -> str:
        """The URL of database ``name`` on this server."""
        return urlunsplit(
            self.parts._replace(path=f"/{name}", query=self.parts.query if query is None else query)
        )

    def database(self, name: str) -> Database:
        return parse_database(self.url_of(name))

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(
            self.url_of(self.parts.path.strip("/") or "postgres", query=""),
            password=os.environ.get(PASSWORD_ENV) or None,
            timeout=10,
        )

    async def _statements(self, *sql: str) -> None:
        con = await self._admin()
        try:
            for statement in sql:
                await con.execute(statement)
        finally:
            await con.close()

    def start(self) -> None:
        """Make the template: an empty database brought to the latest schema by the bot."""
        from bot.store import open_stores

        async def make() -> None:
            await self._statements(
                f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)',
                f'CREATE DATABASE "{self.template}"',
            )
            stores = await open_stores(self.database(self.template))
            await stores.close()

        run_sync(make())

    def new_database(self, *, migrated: bool = True) -> Database:
        """A database of its own for one test: the migrated template's clone, or empty."""
        name = f"bot_test_{os.getpid()}_{next(self._names)}"
        source = f' TEMPLATE "{self.template}"' if migrated else " TEMPLATE template0"
        run_sync(
            self._statements(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}"{source}',
            )
        )
        self._made.add(name)
        return self.database(name)

    def drop(self, database: Database) -> None:
        """Drop a database made by ``new_database`` (connections a killed process left open
        are ended)."""
        name = urlsplit(database.url).path.strip("/")
        run_sync(self._statements(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._made.discard(name)

    def stop(self) -> None:
        names = [*self._made, self.template]
        run_sync(self._statements(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names)))


def server_from_environment() -> PostgresServer | str:
    """The server ``BOT_TEST_POSTGRESQL`` names, its template made; or why there is none."""
    url = os.environ.get(URL_ENV, "").strip()
    if not url:
        return SKIP_REASON
    try:
        parse_database(url)
        server = PostgresServer(url)
        server.start()
    except Exception as exc:  # any failure to reach or prepare it is reported in one line
        text = " ".join(str(exc).split()) or type(exc).__name__
        return f"PostgreSQL tests skipped: {URL_ENV} names a server that cannot be used: {text}"
    return server


BIN_ENV = "BOT_TEST_POSTGRESQL_BIN"


def server_programs() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), if installed here."""
    named = os.environ.get(BIN_ENV)
    candidates = [Path(named)] if named else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    return next((c for c in candidates if (c / "initdb").is_file()), None)


class PrivateCluster:
    """A PostgreSQL cluster of a test's own, on a free loopback port, that the test may stop
    and start (a server restart while the bot writes). Run as the unprivileged ``postgres``
    user when the tests run as root (the server refuses root)."""

    def __init__(self, programs: Path, password: str | None = None) -> None:
        self.programs = programs
        self.password = password
        self.folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else getpass.getuser()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.programs / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )

    def start(self) -> None:
        if not self.data.exists():
            auth = ["--auth=trust"]
            if self.password is not None:  # over TCP the user must give it
                secret = self.folder / "password"
                secret.write_text(self.password)
                if os.geteuid() == 0:
                    shutil.chown(secret, "postgres")
                auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={secret}"]
            self._run("initdb", "-D", str(self.data), "-U", self.user, *auth, "-E", "UTF8")
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", self._options(), "start")

    def restart(self) -> None:
        """Stop the server (ending every connection at once, as a crash or an upgrade would)
        and start it again."""
        log = str(self.folder / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-w", "-m", "fast", "-o", self._options(),
            "restart",
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def private_cluster(password: str | None = None) -> Iterator[PrivateCluster]:
    """A cluster of the test's own (its user logging in over TCP with ``password``, if given).
    Like every PostgreSQL test it runs when ``BOT_TEST_POSTGRESQL`` is set, and needs the
    server programs too: skipped otherwise (failed in CI)."""
    if not os.environ.get(URL_ENV, "").strip():
        unavailable(SKIP_REASON)
    programs = server_programs()
    if programs is None:
        unavailable(
            f"PostgreSQL tests skipped: no initdb found (install PostgreSQL or set {BIN_ENV})"
        )
    assert programs is not None
    cluster = PrivateCluster(programs, password)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
