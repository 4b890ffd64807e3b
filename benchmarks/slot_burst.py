"""The morning burst: every channel of every guild due in the same cron minute, under Discord's
rate limits.

    python benchmarks/slot_burst.py [--guilds 1000] [--channels 3] [--shards 1]
                                    [--db postgresql://user@host:port/db] [--memory-guilds 10000]

Starts the project's Discord server (``bot.devserver``) with Discord's rate limits on (50
requests a second per bot token, messages 5 per 5 s per channel, 429s with ``retry_after``),
``--guilds`` guilds of ``--channels`` text channels each, all scheduled for the current UTC
minute with their follow-ups at once; then runs the real bot (``python -m bot run``, one process
per shard with ``--shards N``) against it on a fresh database (a temporary SQLite file, or the
PostgreSQL database ``--db`` names, which must be empty) until every post is recorded. Each post
is a message, its thread and the prompt's follow-ups in it, sent as the bot sends them.

Prints per run:
- start to ready: from starting the process to its scheduler starting (the slowest process);
- the burst: from ready to the last post recorded, beside the floor the global limit allows
  (requests the bot made in that time ÷ 50/s) and their ratio (target: at most 1.25);
- 429s the server answered in the burst, and how many came after its first second (target: 0);
- posts lost or doubled, counted in the database and on the server (target: 0 and 0);
- peak memory (VmHWM) of the bot processes, and per guild: the peak less that of a bot with 10
  guilds, divided by the guilds added. With ``--memory-guilds N`` a second burst of N guilds
  (global limit raised so it ends in minutes: memory does not depend on the rate) prints the
  same figure, and their ratio (target: flat, about 1.0); ``--memory-posts N`` stops that burst
  after N posts (its peak is reached once every channel's pass has started).

``--unpaced`` first runs the same bot without its pacing (every request sent at once, every
channel claimed at once) on the same guilds: the baseline, in the same run. ``--no-memory``
skips the memory baseline; ``--keep DIR`` keeps the configs, logs and database.

Exit status 1 if any post is lost or doubled. ``--guilds 50`` makes a quick run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import sys
import tempfile
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config.database import parse_database
from bot.devserver import DevServer, RateLimits
from bot.prompts.loader import LibraryHolder
from bot.store import open_stores

REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "prompts"
GLOBAL_LIMIT = 50  # requests a second per bot token, as Discord allows
TARGET_RATIO = 1.25
BASELINE_GUILDS = 10  # the bot whose memory every other is measured against
READY = re.compile(r"scheduler started for (\d+) channel")
POSTED = re.compile(r"channel (\d+): posted ")
FAILED = re.compile(r"channel (\d+): post \d+ failed")  # given up: no post to wait for
TROUBLE = re.compile(r"Traceback|WARNING|ERROR|CRITICAL")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# discord.py's own lines about each 429 it waits out; and its heartbeat thread notes a send only
# after the event loop has run it, so a local server's instant ACK, read first, reads as an
# interval (41.3 s) "behind" on a busy machine.
QUIET = re.compile(r"discord\.http|websocket is 41\.\ds behind")
# The same bot without its pacing (every request sent at once, every channel claimed at once):
# the baseline the paced bot is measured against in the same run.
UNPACED = """
import sys
import bot.adapter.client, bot.posting.service
class Unpaced:
    @classmethod
    def for_share(cls, *args, **kwargs): return cls()
    def trace(self): return None
bot.adapter.client.RestPacer = Unpaced
bot.posting.service.POSTING_LANES = 10**9
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def guild_id(n: int) -> int:
    """Snowflake-shaped guild ids spread evenly over shards: ``(id >> 22) % shards`` is
    ``n % shards``."""
    return (1_000_000_000 + n) << 22


def channel_ids(guild: int, channels: int) -> list[int]:
    return [guild + 1 + k for k in range(channels)]


@dataclass
class Process:
    """One bot process and what its output said, with the times it said it."""

    proc: asyncio.subprocess.Process
    started: float
    ready: float | None = None
    posted: int = 0
    failed: int = 0
    last_posted: float | None = None  # the last post recorded (posted or failed)
    trouble: list[str] = field(default_factory=list)
    troubles: int = 0
    peak_kb: int = 0
    follower: asyncio.Task | None = None


@dataclass
class Burst:
    guilds: int
    channels: int
    processes: int
    start_to_ready: float
    duration: float
    requests: int
    refusals: int
    late_refusals: int
    lost_db: int
    doubled_db: int
    lost_server: int
    doubled_server: int
    peak_kb: int
    trouble: list[str]
    troubles: int

    @property
    def posts(self) -> int:
        return self.guilds * self.channels

    def floor(self, limit: int = GLOBAL_LIMIT) -> float:
        return self.requests / limit

    @property
    def lost(self) -> int:
        return max(self.lost_db, self.lost_server)

    @property
    def doubled(self) -> int:
        return max(self.doubled_db, self.doubled_server)


def write_configs(
    folder: Path,
    server: DevServer,
    guilds: list[int],
    channels: int,
    database: str,
    shards: int,
    global_limit: int = GLOBAL_LIMIT,
) -> list[Path]:
    """One config per process: every guild, each channel due this UTC minute (inside a one-hour
    catch-up window, so a slow start still posts it), follow-ups at once. With ``shards`` > 1,
    process ``i`` runs shard ``i`` of ``shards``."""
    now = datetime.now(UTC)
    cron = f'"{now.minute} {now.hour} * * *"'
    lines = []
    for guild in guilds:
        lines.append(f"  - guild_id: {guild}\n    channels:\n")
        for channel in channel_ids(guild, channels):
            lines.append(
                f"      - {{channel_id: {channel}, cron: {cron}, timezone: UTC,"
                " catch_up: 1h, followups: at_once}\n"
            )
    body = "".join(lines)
    configs = []
    for shard in range(shards):
        sharding = f"shard_count: {shards}\nshard_ids: [{shard}]\n" if shards > 1 else ""
        config = folder / f"config-{shard}.yaml"
        config.write_text(
            textwrap.dedent(
                f"""\
                database: {database}
                prompts_dir: {PROMPTS}
                api_base: {server.api_base}
                gateway_url: {server.gateway_url}
                log_level: INFO
                global_rate_limit: {global_limit}
                """
            )
            + sharding
            + "guilds:\n"
            + body,
            encoding="utf-8",
        )
        configs.append(config)
    return configs


async def start(config: Path, log: Path, *, paced: bool = True) -> Process:
    """Start one bot process; its log goes to a file (a pipe the benchmark is slow to read
    would hold up the bot's event loop on a full pipe) that ``follow`` reads as it grows."""
    command = ["-m", "bot"] if paced else ["-c", UNPACED]
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            *[sys.executable, *command, "run", "--config", str(config)],
            cwd=config.parent,
            env={**os.environ, "DISCORD_TOKEN": "burst-token", "PYTHONPATH": str(REPO)},
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    process = Process(proc, time.monotonic())
    process.follower = asyncio.get_running_loop().create_task(follow(process, log))
    return process


async def follow(process: Process, log: Path) -> None:
    """Read the process's log lines as they come, noting when it was ready and each post."""
    with log.open("r", encoding="utf-8", errors="replace") as lines:
        partial = ""
        while True:
            chunk = lines.readline()
            if not chunk:
                if process.proc.returncode is not None:
                    return
                await asyncio.sleep(0.05)
                continue
            partial += chunk
            if not partial.endswith("\n"):
                continue
            line, partial = partial, ""
            now = time.monotonic()
            if process.ready is None and READY.search(line):
                process.ready = now
            elif POSTED.search(line):
                process.posted += 1
                process.last_posted = now
            elif FAILED.search(line):
                process.failed += 1
                process.last_posted = now
            elif TROUBLE.search(line) and not QUIET.search(line):
                process.troubles += 1
                if len(process.trouble) < 20:
                    process.trouble.append(line.rstrip())


def peak_kb(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in kB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


async def stop(process: Process) -> None:
    if process.proc.returncode is None:
        process.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.proc.wait(), 60)
        except TimeoutError:
            process.proc.kill()
            await process.proc.wait()


async def wait_for_posts(processes: list[Process], posts: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sum(p.posted + p.failed for p in processes) < posts:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{sum(p.posted for p in processes)} of {posts} posts recorded in {timeout:.0f} s"
            )
        if any(p.proc.returncode is not None for p in processes):
            raise RuntimeError("a bot process ended before every post was made")
        await asyncio.sleep(0.2)


def count_server(server: DevServer, guilds: list[int], channels: int, followups: dict[str, int]):
    """Posts (lost, doubled) as the server holds them: per channel one prompt message (an embed
    from the bot), one thread, and in it each follow-up once."""
    lost = doubled = 0
    prompts: dict[int, int] = {}
    bot = str(server.bot_id)
    threads_of: dict[str, list[dict]] = {}
    for thread in server.threads():  # one pass: asking per channel would be quadratic
        threads_of.setdefault(thread.get("parent_id") or "", []).append(thread)
    for guild in guilds:
        for channel in channel_ids(guild, channels):
            mine = [
                m for m in server.messages(channel) if m["author"]["id"] == bot and m.get("embeds")
            ]
            threads = threads_of.get(str(channel), [])
            if not mine or not threads:
                lost += 1
                continue
            doubled += len(mine) - 1 + len(threads) - 1
            prompts[channel] = int(mine[0]["id"])
            texts = Counter(m["content"] for m in server.messages(int(threads[0]["id"])))
            doubled += sum(n - 1 for n in texts.values() if n > 1)
            lost += max(followups.get(str(channel), 0) - len(texts), 0)
    return lost, doubled, prompts


async def count_database(database: str, channels: set[int], prompts: dict[int, int]):
    """Posts (lost, doubled) as the database holds them, and each channel's prompt id: one
    posted record per channel, with a thread, naming the message the server holds."""
    stores = await open_stores(parse_database(database))
    try:
        records = [r for r in await stores.posting.posts.posted_since(0) if r.status == "posted"]
    finally:
        await stores.close()
    per_channel = Counter(r.channel_id for r in records)
    lost = len(channels - per_channel.keys())
    doubled = sum(n - 1 for n in per_channel.values())
    lost += sum(
        1
        for r in records
        if r.thread_id is None
        or (r.channel_id in prompts and prompts[r.channel_id] != r.message_id)
    )
    return lost, doubled, {str(r.channel_id): r.prompt_id or "" for r in records}


async def run_burst(
    guilds: int,
    channels: int,
    *,
    shards: int = 1,
    database: str | None = None,
    global_limit: int = GLOBAL_LIMIT,
    timeout: float | None = None,
    keep: Path | None = None,
    paced: bool = True,
    stop_after: int | None = None,
) -> Burst:
    """One burst of ``guilds`` × ``channels`` posts; the bot's logs go to ``keep`` if given."""
    ids = [guild_id(n) for n in range(guilds)]
    server = DevServer(rate_limits=RateLimits(global_per_second=global_limit))
    for guild in ids:
        server.add_guild(guild, channel_ids(guild, channels), name=f"guild-{guild}")
    with tempfile.TemporaryDirectory(prefix="slot-burst-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = database or str(folder / "bot.sqlite3")
        async with server:
            configs = write_configs(folder, server, ids, channels, db, shards, global_limit)
            processes = [
                await start(c, folder / f"bot-{n}.log", paced=paced) for n, c in enumerate(configs)
            ]
            posts = guilds * channels
            limit = timeout or 300 + 10 * posts * 5 / global_limit
            try:
                await wait_for_posts(processes, stop_after or posts, limit)
                for p in processes:
                    p.peak_kb = peak_kb(p.proc.pid)
            finally:
                for p in processes:
                    await stop(p)
                    if p.follower is not None:
                        await p.follower
            ready = min(p.ready or p.started for p in processes)
            end = max(p.last_posted or ready for p in processes)
            requests = [
                r
                for r in server.requests
                if r.answered_at is not None and ready <= r.answered_at <= end and r.status != 429
            ]
            assert server.limiter is not None
            refusals = [r for r in server.limiter.refusals if ready <= r.at <= end]
            if stop_after:  # stopped part-way: nothing to count, only memory and times
                return Burst(
                    guilds, channels, shards, max((p.ready or end) - p.started for p in processes),
                    end - ready, len(requests), len(refusals),
                    sum(1 for r in refusals if r.at > ready + 1.0), -1, -1, -1, -1,
                    sum(p.peak_kb for p in processes),
                    [line for p in processes for line in p.trouble],
                    sum(p.troubles for p in processes),
                )  # fmt: skip
            library = LibraryHolder(PROMPTS)
            library.reload()
            channel_set = {c for g in ids for c in channel_ids(g, channels)}
            lost_db, doubled_db, chosen = await count_database(db, channel_set, {})
            followups = {
                channel: len(prompt.followups)
                for channel, prompt_id in chosen.items()
                if (prompt := library.library.prompt(prompt_id)) is not None
            }
            lost_server, doubled_server, prompts = count_server(server, ids, channels, followups)
            lost_db, doubled_db, _ = await count_database(db, channel_set, prompts)
    return Burst(
        guilds=guilds,
        channels=channels,
        processes=shards,
        start_to_ready=max((p.ready or end) - p.started for p in processes),
        duration=end - ready,
        requests=len(requests),
        refusals=len(refusals),
        late_refusals=sum(1 for r in refusals if r.at > ready + 1.0),
        lost_db=lost_db,
        doubled_db=doubled_db,
        lost_server=lost_server,
        doubled_server=doubled_server,
        peak_kb=sum(p.peak_kb for p in processes),
        trouble=[line for p in processes for line in p.trouble],
        troubles=sum(p.troubles for p in processes),
    )


def report(burst: Burst, name: str, limit: int = GLOBAL_LIMIT) -> None:
    floor = burst.floor(limit)
    ratio = burst.duration / floor if floor else float("nan")
    print(f"{name}: {burst.guilds} guilds x {burst.channels} channels = {burst.posts} posts,")
    print(f"  {burst.processes} bot process(es)")
    print(f"  start to ready           {burst.start_to_ready:8.1f} s")
    print(
        f"  burst (ready -> last post) {burst.duration:6.1f} s   floor {floor:.1f} s"
        f" ({burst.requests} requests / {limit}/s)   ratio {ratio:.2f}"
        f" (target <= {TARGET_RATIO})"
    )
    print(
        f"  429s                     {burst.refusals:8d}   after the first second:"
        f" {burst.late_refusals} (target 0)"
    )
    if burst.lost_db < 0:
        print("  lost / doubled           not counted: the run was stopped part-way")
    else:
        print(
            f"  lost / doubled           database {burst.lost_db} / {burst.doubled_db},"
            f" server {burst.lost_server} / {burst.doubled_server} (target 0 / 0)"
        )
    print(f"  peak memory              {burst.peak_kb / 1024:8.1f} MB")
    print(f"  warnings and errors logged {burst.troubles} (discord.py's 429 lines aside)")
    for line in burst.trouble[:3]:
        print(f"    {ANSI.sub('', line)[:160]}")


def per_guild_kb(burst: Burst, baseline: Burst) -> float:
    added = burst.guilds - baseline.guilds
    return (burst.peak_kb - baseline.peak_kb * burst.processes) / added if added > 0 else 0.0


async def main_async(args: argparse.Namespace) -> int:
    backend = "PostgreSQL" if args.db else "SQLite"
    failed = False
    if args.unpaced:
        before = await run_burst(args.guilds, args.channels, shards=args.shards, paced=False)
        report(
            before, f"before: the bot without its pacing ({backend if not args.db else 'SQLite'})"
        )
    burst = await run_burst(
        args.guilds, args.channels, shards=args.shards, database=args.db, keep=args.keep
    )
    report(burst, f"morning burst ({backend})")
    if args.unpaced:
        print(
            f"  burst without / with pacing: {before.duration:.1f} s / {burst.duration:.1f} s,"
            f" 429s {before.refusals} / {burst.refusals},"
            f" lost {before.lost} / {burst.lost}, doubled {before.doubled} / {burst.doubled}"
        )
    failed = bool(burst.lost or burst.doubled)
    if args.no_memory:
        return 1 if failed else 0
    baseline = await run_burst(BASELINE_GUILDS, args.channels)
    per_guild = per_guild_kb(burst, baseline)
    print(
        f"  memory per guild         {per_guild:8.1f} kB (peak less a {BASELINE_GUILDS}-guild"
        f" bot's {baseline.peak_kb / 1024:.1f} MB)"
    )
    if args.memory_guilds:
        big = await run_burst(
            args.memory_guilds,
            args.channels,
            shards=args.shards,
            global_limit=args.memory_rate,
            stop_after=args.memory_posts or None,
        )
        stopped = f", stopped after {args.memory_posts} posts" if args.memory_posts else ""
        report(big, f"memory run (global limit {args.memory_rate}/s{stopped})", args.memory_rate)
        big_per_guild = per_guild_kb(big, baseline)
        print(
            f"  memory per guild {args.guilds} vs {args.memory_guilds} guilds:"
            f" {per_guild:.1f} kB vs {big_per_guild:.1f} kB"
            f" (ratio {big_per_guild / per_guild if per_guild else float('nan'):.2f},"
            " target: flat, about 1.0)"
        )
        failed = failed or big.lost > 0 or big.doubled > 0
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=3, help="channels per guild")
    parser.add_argument("--shards", type=int, default=1, help="bot processes, one shard each")
    parser.add_argument("--db", help="a postgresql:// URL of an empty database (default: SQLite)")
    parser.add_argument("--memory-guilds", type=int, default=0, help="a second, larger burst")
    parser.add_argument(
        "--memory-rate", type=int, default=1000, help="global limit of the larger burst"
    )
    parser.add_argument(
        "--memory-posts", type=int, default=0, help="stop the larger burst after this many posts"
    )
    parser.add_argument(
        "--unpaced", action="store_true", help="first run the bot without its pacing (baseline)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory baseline run")
    parser.add_argument("--keep", type=Path, help="keep the configs, logs and database here")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
