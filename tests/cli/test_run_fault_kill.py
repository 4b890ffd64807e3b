"""The bot as a real process (``python -m bot run``) on a real database (an SQLite file, and for
the kills that matter most a PostgreSQL database too), against the local fake Discord server,
killed with SIGKILL at the worst moments and started again.

Each run posts one prompt: the channel's cron is "the current UTC minute, once a day", so its
slot is due at start (inside the 1 h catch-up window) and no other slot comes up during a test.
The bot is finally stopped with SIGINT (it flushes and closes the database) and the database
is read directly, as another process would.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
from pathlib import Path

import pytest

from bot.config.database import Database, parse_database
from bot.devserver import DevServer
from tests import bot_process
from tests.bot_process import REPO, due_now, start
from tests.postgres_server import private_cluster
from tests.store import view

pytestmark = pytest.mark.slow  # see tests/conftest.py

GUILD, CHANNEL = 820000000000000001, 820000000000000002
MEMBERS = [820000000000000100 + n for n in range(5)]
THREADS = rf"^/channels/{CHANNEL}/messages/\d+/threads$"
POSTS = rf"^/channels/{CHANNEL}/messages$"
STALE_AFTER = 600  # bot.posting.service.STALE_AFTER: a claim older than this is interrupted
# Upper bounds only: every wait ends as soon as its condition holds. They are generous because a
# busy machine makes a process start, or a batch write, take many times its usual time. After a
# change: ``python benchmarks/repeat_under_load.py --runs 50 tests/cli/test_run_fault_kill.py``.
START = 60.0  # a bot process starts, logs in and makes its first post
WRITE = 30.0  # queued answers reach the database (the writer flushes every second)
TEST = 180.0  # a whole test


def write_config(tmp_path: Path, server: DevServer, database: Database | None = None) -> Path:
    guild = f"channels:\n  - {{channel_id: {CHANNEL}, {due_now()}}}"
    return bot_process.write_config(
        tmp_path, server, GUILD, guild, settings="log_level: INFO\n", database=database
    )


class BotProcess:
    """Starts ``python -m bot run`` (again and again) with one log file for all runs."""

    def __init__(self, tmp_path: Path, config: Path, database: Database | None = None) -> None:
        self.config = config
        self.db: Path | Database = database or tmp_path / "bot.sqlite3"
        self.log_path = tmp_path / "bot.log"
        self.log = self.log_path.open("w")
        self.procs: list[asyncio.subprocess.Process] = []

    async def start(self) -> asyncio.subprocess.Process:
        proc = await start(self.config, self.log, cwd=REPO)
        self.procs.append(proc)
        return proc

    async def kill(self) -> None:
        proc = self.procs[-1]
        proc.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(proc.wait(), WRITE) == -signal.SIGKILL

    async def stop(self, sig: int = signal.SIGINT) -> int:
        """SIGINT, as Ctrl-C would (or SIGTERM, as a service manager would): the bot flushes
        what is queued and closes the database."""
        proc = self.procs[-1]
        proc.send_signal(sig)
        return await asyncio.wait_for(proc.wait(), WRITE)

    def close(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.kill()
        self.log.close()

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])


@contextlib.asynccontextmanager
async def bot_runs(tmp_path: Path, server: DevServer, database: Database | None = None):
    bot = BotProcess(tmp_path, write_config(tmp_path, server, database), database)
    try:
        yield bot
    except BaseException:
        print(f"--- bot output (last lines) ---\n{bot.tail()}")  # shown when the test fails
        raise
    finally:
        bot.close()
        for proc in bot.procs:
            with contextlib.suppress(ProcessLookupError, TimeoutError):
                await asyncio.wait_for(proc.wait(), 5)


def posts(db: Path | Database, *fields: str) -> list[tuple]:
    return view.pick(view.rows_at(db, "posts"), *fields)


def participation(db: Path | Database, kind: str | None = None) -> list[dict]:
    return [r for r in view.rows_at(db, "participation") if kind is None or r["kind"] == kind]


def statuses(db: Path | Database) -> list[tuple]:
    return posts(db, "status")


def answers(db: Path | Database) -> int:
    return len(participation(db))


def reactions(db: Path | Database) -> int:
    return len(participation(db, "reaction"))


async def wait_db(
    db: Path | Database, read, expected, *, timeout: float = WRITE, what: str
) -> None:
    """Poll the bot's database (another process writes it) until ``read(db)`` gives
    ``expected``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    got = None
    while loop.time() < deadline:
        with contextlib.suppress(view.Unreadable):  # not created yet / busy
            got = read(db)
            if got == expected:
                return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{what}: database still gives {got!r}, expected {expected!r}")


BACKFILL_DONE = r"backfill done: (\d+) answers"
REACTIONS_READ = r"reactions read on 1 prompt messages"  # the pass after a restart


async def wait_log(bot: BotProcess, pattern: str, count: int, *, what: str) -> None:
    """Poll the bot's log until ``pattern`` occurs ``count`` times."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WRITE
    while len(re.findall(pattern, bot.log_path.read_text())) < count:
        if loop.time() > deadline:
            raise TimeoutError(f"{what}: the log has fewer than {count} of {pattern!r}")
        await asyncio.sleep(0.05)


def integrity(db: Path | Database) -> str:
    return view.integrity_at(db)


def member_messages(server: DevServer, channel_id: int) -> list[int]:
    bot_id = str(server.bot_id)
    return [int(m["id"]) for m in server.messages(channel_id) if m["author"]["id"] != bot_id]


def bot_posts(server: DevServer) -> list[dict]:
    return [m for m in server.messages(CHANNEL) if m["author"]["id"] == str(server.bot_id)]


@pytest.fixture
async def server():
    server = DevServer()
    server.add_guild(GUILD, {CHANNEL: "prompts"})
    for n, member in enumerate(MEMBERS):
        server.add_member(GUILD, member, f"member{n}")
    async with server:
        yield server


async def delivered(server: DevServer) -> None:
    """Return once the bot has read every gateway event sent before: a member runs a command
    and the bot answers it (discord.py reads gateway events in order, and queues an answer as
    it parses its MESSAGE_CREATE)."""
    invoked = await server.invoke(
        "participation me", guild_id=GUILD, channel_id=CHANNEL, user_id=MEMBERS[0]
    )
    callback = rf"^/interactions/{invoked.id}/{invoked.token}/callback$"
    await server.wait_for_request(callback, method="POST", timeout=WRITE)


async def answer(server: DevServer, thread_id: int, count: int, start: int) -> None:
    for n in range(start, start + count):
        await server.send_as(MEMBERS[n % len(MEMBERS)], thread_id, f"answer {n}")


async def test_answers_arriving_around_a_sigkill_are_each_recorded_once_after_restart(
    server, tmp_path, database
):
    async with bot_runs(tmp_path, server, database) as bot, asyncio.timeout(TEST):
        await bot.start()
        await server.wait_for_request(THREADS, method="POST", timeout=START)
        (thread,) = server.threads(CHANNEL)
        thread_id = int(thread["id"])
        await wait_db(bot.db, statuses, [("posted",)], what="prompt posted")

        await answer(server, thread_id, 10, 0)
        await wait_db(bot.db, answers, 10, what="first answers written")
        # Ten more arrive and are queued in memory when the process dies; ten come while down.
        await asyncio.gather(answer(server, thread_id, 10, 10), bot.kill())
        await answer(server, thread_id, 10, 20)

        await bot.start()
        await server.wait_for_identify(2, timeout=START)
        history = rf"^/channels/{thread_id}/messages$"
        await server.wait_for_request(history, method="GET", timeout=START)  # the backfill
        await answer(server, thread_id, 5, 30)  # and the restarted bot records live again
        sent = member_messages(server, thread_id)
        assert len(sent) == 35
        await wait_db(bot.db, answers, 35, what="all answers written")
        await wait_log(bot, BACKFILL_DONE, 2, what="the backfill after the restart to end")
        assert await bot.stop() in (0, 130)

    rows = view.pick(
        sorted(participation(bot.db), key=lambda r: r["message_id"]), "message_id", "kind"
    )
    assert rows == [(m, "answer") for m in sorted(sent)]  # each answer once, nothing else
    assert len(bot_posts(server)) == 1
    assert integrity(bot.db) == "ok"
    log = bot.log_path.read_text()
    assert "database closed" in log  # shut down cleanly after SIGINT
    _, after_restart = re.findall(BACKFILL_DONE, log)
    assert int(after_restart) >= 10  # at least the answers sent while the bot was down


async def test_reactions_queued_at_a_sigkill_are_recorded_after_restart(server, tmp_path):
    """100 reactions, SIGKILL 0.3 s later (rows still queued for the writer), five more while
    the bot is down: after the restart every one is recorded once, read back from Discord."""
    reactors = [820000000000001000 + n for n in range(105)]
    for n, member in enumerate(reactors):
        server.add_member(GUILD, member, f"reactor{n}")
    async with bot_runs(tmp_path, server) as bot, asyncio.timeout(TEST):
        await bot.start()
        await server.wait_for_request(THREADS, method="POST", timeout=START)
        await wait_db(bot.db, statuses, [("posted",)], what="post")
        (prompt,) = bot_posts(server)
        prompt_id = int(prompt["id"])
        for member in reactors[:100]:
            await server.react(member, CHANNEL, prompt_id, "👍" if member % 2 else "🎉")
        await asyncio.sleep(0.3)  # the moment of the kill, as in the reported case
        await bot.kill()
        for member in reactors[100:]:
            await server.react(member, CHANNEL, prompt_id)

        await bot.start()
        await server.wait_for_identify(2, timeout=START)
        await wait_db(bot.db, reactions, 105, what="reactions recovered")
        # the rows can be visible before the pass ends (the writer flushes on its own): stopping
        # now would cut the pass short, so wait for its last line
        await wait_log(bot, REACTIONS_READ, 1, what="the reactions pass after the restart to end")
        assert await bot.stop() in (0, 130)

    rows = view.pick(
        sorted(participation(bot.db), key=lambda r: r["member_id"]), "member_id", "message_id"
    )
    assert rows == [(m, prompt_id) for m in reactors]  # each member once, on the prompt
    assert integrity(bot.db) == "ok"


async def test_sigkill_while_the_post_is_in_flight_never_posts_the_slot_twice(
    server, tmp_path, database
):
    async with bot_runs(tmp_path, server, database) as bot, asyncio.timeout(TEST):
        hold = server.hold_next("POST", POSTS, apply_first=True)  # Discord stores it; no reply
        await bot.start()
        await hold.arrived(timeout=START)
        await bot.kill()
        hold.release()
        (message,) = bot_posts(server)
        [(post_id, status, slot)] = posts(bot.db, "id", "status", "slot")
        assert status == "claimed"  # the bot never heard that the message exists
        # Another process could still be busy with a claim younger than STALE_AFTER, so the bot
        # only takes it over after that; age the claim instead of waiting ten minutes.
        view.age_post_claims_at(bot.db, STALE_AFTER + 1)

        await bot.start()
        await server.wait_for_request(THREADS, method="POST", timeout=START)

        def done(db: Path | Database) -> list[tuple]:
            return [(s, m) for i, s, m in posts(db, "id", "status", "message_id") if i == post_id]

        await wait_db(bot.db, done, [("posted", int(message["id"]))], what="posted")
        assert await bot.stop() in (0, 130)

    assert bot_posts(server) == [message]  # one prompt in the channel for the slot
    assert [t["id"] for t in server.threads(CHANNEL)] == [message["id"]]
    assert posts(bot.db, "slot") == [(slot,)]  # one post, for the slot
    assert integrity(bot.db) == "ok"


async def test_sigterm_writes_queued_answers_and_closes_the_database(server, tmp_path):
    async with bot_runs(tmp_path, server) as bot, asyncio.timeout(TEST):
        await bot.start()
        await server.wait_for_request(THREADS, method="POST", timeout=START)
        (thread,) = server.threads(CHANNEL)
        await wait_db(bot.db, statuses, [("posted",)], what="post")
        await answer(server, int(thread["id"]), 3, 0)
        await delivered(server)  # the bot has read them; they wait in its queue
        assert await bot.stop(signal.SIGTERM) == 0
    assert answers(bot.db) == 3
    assert "database closed" in bot.log_path.read_text()
    assert integrity(bot.db) == "ok"


async def test_a_gateway_that_refuses_the_connection_ends_with_one_clear_line(server, tmp_path):
    config = write_config(tmp_path, server)
    text = config.read_text().replace(server.gateway_url, server.gateway_url + "/wrong-path")
    config.write_text(text)
    bot = BotProcess(tmp_path, config)
    try:
        proc = await bot.start()
        assert await asyncio.wait_for(proc.wait(), START) == 1
    finally:
        bot.close()
    output = bot.log_path.read_text()
    assert "the bot stopped after an unexpected error; see the log above" in output
    assert "database closed" in output  # resources released on the way out


async def test_a_database_restart_while_answers_arrive_loses_none(server, tmp_path):
    """PostgreSQL is stopped and started again (pg_ctl restart) while members answer: the
    bot keeps running, its writes are retried on fresh connections, and every answer is
    recorded once."""
    with private_cluster() as cluster:
        database = parse_database(cluster.url)
        async with bot_runs(tmp_path, server, database) as bot, asyncio.timeout(TEST):
            await bot.start()
            await server.wait_for_request(THREADS, method="POST", timeout=START)
            (thread,) = server.threads(CHANNEL)
            thread_id = int(thread["id"])
            await wait_db(bot.db, statuses, [("posted",)], what="prompt posted")
            await answer(server, thread_id, 10, 0)
            await wait_db(bot.db, answers, 10, what="first answers written")

            restarted = asyncio.create_task(asyncio.to_thread(cluster.restart))
            await answer(server, thread_id, 20, 10)  # queued while the server goes away
            await restarted
            await answer(server, thread_id, 5, 30)
            sent = member_messages(server, thread_id)
            assert len(sent) == 35
            await wait_db(bot.db, answers, 35, what="all answers written")
            assert bot.procs[-1].returncode is None  # the bot never stopped
            assert await bot.stop() in (0, 130)

        rows = view.pick(
            sorted(participation(bot.db), key=lambda r: r["message_id"]), "message_id", "kind"
        )
        assert rows == [(m, "answer") for m in sorted(sent)]  # each answer once
        assert len(bot_posts(server)) == 1
        assert integrity(bot.db) == "ok"
        log = bot.log_path.read_text()
        assert "database closed" in log and "Traceback" not in log
