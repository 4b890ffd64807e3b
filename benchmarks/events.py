"""Benchmark: what the running bot adds to each gateway message, and answers recorded per second.

    python benchmarks/events.py [--n 100000] [--posts 50] [--members 2000] [--rounds 3]
                                [--db postgresql://user@host:port/db]

Builds ``--n`` MESSAGE_CREATE gateway frames (90% in unrelated channels, 10% answers in the
threads of ``--posts`` prompt posts, from ``--members`` members) and feeds them through
discord.py's own gateway code (``DiscordWebSocket.received_message`` → state parser →
``dispatch``) into two clients in the same process and run:

- the real ``DiscussionBot`` with all its cogs on a real SQLite file in a temporary folder (the
  prompt posts are in the database before it starts, their threads arrive in GUILD_CREATE);
- a bare ``discord.Client`` with the same intents and no listeners.

REST is answered in-process by the test harness (login and command sync only). Every pass feeds
frames in batches of 1,000 and then waits until every task the events started has finished
(discord.py runs each listener as a task), so listener work is inside the measured time.

Prints: the bare parse cost and the bot's cost per unrelated message (all-unrelated passes, the
two sides timed back to back per 5,000-event chunk, ``--rounds`` times; medians) and their ratio
(target <= 1.10); both sides on the 90/10 stream; for an answers-only burst of N/10, answers per
second from the first answer fed to the final ``BatchWriter`` flush, end to end and with the bare
parse of the same frames taken out (the recording itself; target >= 20,000/s); a check that every
answer is stored exactly once; traced peak memory (tracemalloc) of the 90/10 stream at N/10 and N.

Then, against the raw floor of the same backend measured in the same run (benchmarks/backends.py:
``sqlite3.executemany`` for SQLite, asyncpg ``copy_records_to_table`` for PostgreSQL, N/10 rows
in the writer's batches, each batch a transaction): the bot's own ``BatchWriter`` fed the same
number of rows directly (no gateway) as a ratio to that floor (target >= 0.5 on PostgreSQL),
the recording rate above as a ratio to it too (the whole answer path, for information), and the
longest the event loop was blocked while that writer wrote (a ticker task; target <= 50 ms).

With ``--db postgresql://…`` every figure is measured twice in one run, SQLite first, then
PostgreSQL in a database created on that server for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord

from benchmarks.backends import LoopWatch, Scratch, connect, raw_floor, scratch
from bot.adapter.client import DiscussionBot, bot_intents
from bot.app import app_for
from bot.config.settings import GuildConfig, Settings
from bot.participation.types import ANSWER, ParticipationRow
from bot.prompts.model import Library
from tests.discord_harness import BOT_USER_ID, FakeDiscord, events, payloads

G = 900_000_000_000_000_001
PROMPT_CHANNEL = 900_000_000_000_000_002
UNRELATED_CHANNELS = [900_000_000_000_000_100 + i for i in range(20)]
FIRST_MEMBER = 800_000_000_000_000_000
BATCH = 1000
CHUNK = 5000  # events per timed pass in the bare/bot comparison
POSTED_AT = payloads.BASE_TIME
NOW = POSTED_AT + timedelta(hours=2)


@dataclass
class World:
    threads: list[int]
    members: list[dict]
    rng: random.Random
    next_id: int

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def frame(self, channel_id: int) -> str:
        """One MESSAGE_CREATE frame as the gateway sends it (content blanked: no content intent)."""
        member = self.rng.choice(self.members)
        data = events.message(
            channel_id,
            member["user"],
            "",
            message_id=self.new_id(),
            guild_id=G,
            member=member,
        )
        return json.dumps({"op": 0, "t": "MESSAGE_CREATE", "s": 1, "d": data})

    def unrelated(self, n: int) -> list[str]:
        return [self.frame(self.rng.choice(UNRELATED_CHANNELS)) for _ in range(n)]

    def answers(self, n: int) -> list[str]:
        return [self.frame(self.rng.choice(self.threads)) for _ in range(n)]

    def mixed(self, n: int) -> tuple[list[str], list[bool]]:
        """``n`` frames, one in ten an answer (at random positions); and which ones are."""
        is_answer = [i % 10 == 0 for i in range(n)]
        self.rng.shuffle(is_answer)
        frames = [
            self.frame(self.rng.choice(self.threads if a else UNRELATED_CHANNELS))
            for a in is_answer
        ]
        return frames, is_answer


def message_ids(frames: Sequence[str]) -> set[int]:
    return {int(json.loads(f)["d"]["id"]) for f in frames}


async def seed_posts(where: Scratch, n: int) -> list[int]:
    """``n`` posted prompts in the prompt channel; each thread shares its message's id."""
    threads = []
    async with app_for(Settings(database=where.database)) as app:
        posts = app.stores.posting.posts
        for i in range(n):
            at = int(POSTED_AT.timestamp()) + i
            message_id = payloads.snowflake(POSTED_AT)
            post_id = await posts.claim_manual(G, PROMPT_CHANNEL, at)
            await posts.mark_posted(post_id, f"p{i}", f"t{i % 5}", message_id, message_id, at)
            threads.append(message_id)
    return threads


def guild_payload(fd: FakeDiscord, world: World) -> dict:
    channels = [payloads.text_channel(PROMPT_CHANNEL, G, "discussion")]
    channels += [payloads.text_channel(c, G, f"chat-{c % 100}") for c in UNRELATED_CHANNELS]
    threads = [
        payloads.thread(t, G, PROMPT_CHANNEL, f"prompt {i}", owner_id=BOT_USER_ID)
        for i, t in enumerate(world.threads)
    ]
    return payloads.guild(
        G, channels=channels, members=[fd.bot_member(), *world.members], threads=threads
    )


async def feed(fd: FakeDiscord, frames: Sequence[str]) -> None:
    """Feed frames through the client's gateway in batches, waiting after each batch for every
    task the events started."""
    ws = fd._ws
    before = asyncio.all_tasks()
    for start in range(0, len(frames), BATCH):
        for frame in frames[start : start + BATCH]:
            await ws.received_message(frame)
        await drain(before)


async def drain(before: set[asyncio.Task]) -> None:
    while pending := asyncio.all_tasks() - before - {asyncio.current_task()}:
        await asyncio.wait(pending)


async def timed(fd: FakeDiscord, frames: Sequence[str]) -> float:
    """Seconds to feed the frames and run what they started."""
    t0 = time.perf_counter()
    await feed(fd, frames)
    return time.perf_counter() - t0


async def paired_passes(bare_fd, bot_fd, frames: Sequence[str], rounds: int) -> list[tuple]:
    """(bare seconds, bot seconds) per chunk, the two sides timed back to back in alternating
    order, so both see the same machine load."""
    pairs = []
    for r in range(rounds):
        for k, start in enumerate(range(0, len(frames) - CHUNK + 1, CHUNK)):
            chunk = frames[start : start + CHUNK]
            if (r + k) % 2:
                bot_t, bare_t = await timed(bot_fd, chunk), await timed(bare_fd, chunk)
            else:
                bare_t, bot_t = await timed(bare_fd, chunk), await timed(bot_fd, chunk)
            pairs.append((bare_t, bot_t))
    return pairs


async def stored(where: Scratch) -> tuple[int, set[int]]:
    """Answers stored, and every stored message id, read on a connection of the benchmark's own."""
    count_sql = "SELECT count(*) FROM participation WHERE kind = 'answer'"
    ids_sql = "SELECT message_id FROM participation"
    if where.backend == "sqlite":
        with contextlib.closing(sqlite3.connect(where.database)) as con:
            (count,) = con.execute(count_sql).fetchone()
            return count, {row[0] for row in con.execute(ids_sql)}
    con = await connect(str(where.database))
    try:
        count = await con.fetchval(count_sql)
        return count, {row[0] for row in await con.fetch(ids_sql)}
    finally:
        await con.close()


async def recorded(bot: DiscussionBot, fd: FakeDiscord, frames: Sequence[str]) -> float:
    """Seconds from the first frame fed to the final ``BatchWriter`` flush done."""
    t0 = time.perf_counter()
    await feed(fd, frames)
    await bot.services.writer.flush()
    return time.perf_counter() - t0


async def peak_memory(bot: DiscussionBot, fd: FakeDiscord, frames: Sequence[str]) -> int:
    tracemalloc.start()
    try:
        await feed(fd, frames)
        await bot.services.writer.flush()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def run(args: argparse.Namespace) -> int:
    failed = 0
    for url in (None, args.db) if args.db else (None,):
        async with scratch(url, "bot.sqlite3") as where:
            print(f"== {where.label}")
            failed |= await run_on(args, where)
    return failed


async def run_on(args: argparse.Namespace, where: Scratch) -> int:
    rng = random.Random(5)
    members = [payloads.member(FIRST_MEMBER + i, name=f"m{i}") for i in range(args.members)]
    first_id = (int(NOW.timestamp() * 1000) - payloads.DISCORD_EPOCH_MS) << 22
    world = World(await seed_posts(where, args.posts), members, rng, first_id)
    settings = Settings(database=where.database, guilds=(GuildConfig(G),))
    bot = DiscussionBot(settings, SimpleNamespace(library=Library()), clock=lambda: NOW)
    bare = discord.Client(intents=bot_intents())
    async with FakeDiscord(bare) as bare_fd, FakeDiscord(bot) as bot_fd:
        await bare_fd.connect(guild_payload(bare_fd, world))
        bot_user = payloads.user(BOT_USER_ID, "bot", bot=True)
        bot_fd.set_history(
            PROMPT_CHANNEL,
            [
                events.message(PROMPT_CHANNEL, bot_user, "", message_id=t, guild_id=G)
                for t in world.threads
            ],
        )  # the prompt messages, whose reactions the bot reads at start
        await bot_fd.connect(guild_payload(bot_fd, world))
        await bot.get_cog("Answers").backfill_task  # the start's reading, before any timing
        watched = len(bot.get_cog("Answers").index)
        print(f"bot cogs: {', '.join(bot.cogs)}; prompt threads watched: {watched}")
        return await measure(args, world, bare_fd, bot_fd, bot, where)


async def measure(args, world: World, bare_fd, bot_fd, bot: DiscussionBot, where: Scratch) -> int:
    n = args.n
    unrelated = world.unrelated(n - n // 10)
    pairs = await paired_passes(bare_fd, bot_fd, unrelated, args.rounds)
    bare_us = statistics.median(b for b, _ in pairs) / CHUNK * 1e6
    bot_us = statistics.median(t for _, t in pairs) / CHUNK * 1e6
    ratio = statistics.median(t / b for b, t in pairs)
    print(
        f"unrelated messages: {len(unrelated):,} x {args.rounds} rounds, bare and bot timed"
        f" back to back on each {CHUNK:,}-event chunk (medians of {len(pairs)} pairs)"
    )
    print(f"  bare discord.py parse      {bare_us:8.2f} us/event")
    print(f"  bot (all cogs)             {bot_us:8.2f} us/event")
    print(f"  ratio                      {ratio:8.3f}   (target <= 1.10)")

    frames, is_answer = world.mixed(n)
    bare_mixed = await timed(bare_fd, frames)
    bot_mixed = await recorded(bot, bot_fd, frames)
    answers = world.answers(n // 10)
    bare_burst = await timed(bare_fd, answers)
    bot_burst = await recorded(bot, bot_fd, answers)
    end_to_end = len(answers) / bot_burst
    recording = len(answers) / (bot_burst - bare_burst)
    print(f"90/10 stream of {n:,} ({sum(is_answer):,} answers), final flush included:")
    print(f"  bare {bare_mixed / n * 1e6:.2f} us/event, bot {bot_mixed / n * 1e6:.2f} us/event")
    print(f"answers-only burst of {len(answers):,}, first answer fed -> final flush done:")
    print(f"  end to end (discord.py parse included) {end_to_end:10,.0f} answers/s")
    print(f"  bare discord.py parse alone            {len(answers) / bare_burst:10,.0f} events/s")
    print(f"  recording (bot time minus bare parse)  {recording:10,.0f} answers/s  (>= 20,000)")

    sent = {mid for f, a in zip(frames, is_answer, strict=True) if a for mid in message_ids([f])}
    sent |= message_ids(answers)
    count, ids = await stored(where)
    once = count == len(sent) and ids == sent
    verdict = "yes" if once else "NO"
    print(f"every answer stored exactly once: {verdict} ({count:,} rows, {len(sent):,} sent)")

    small, _ = world.mixed(n // 10)
    large, _ = world.mixed(n)
    mem_small = await peak_memory(bot, bot_fd, small)
    mem_large = await peak_memory(bot, bot_fd, large)
    print(f"traced peak memory of the bot while feeding a 90/10 stream (rows in {where.label}):")
    print(f"  N/10 = {len(small):>7,} events     {mem_small / 2**20:8.2f} MiB")
    print(f"  N    = {len(large):>7,} events     {mem_large / 2**20:8.2f} MiB")
    print(f"  growth {mem_large / mem_small:.2f}x for {len(large) / len(small):.0f}x the events")
    floor_ok = await against_floor(bot, where, len(answers), recording)
    ok = ratio <= 1.10 and recording >= 20_000 and once and floor_ok
    return 0 if ok else 1


def floor_rows(n: int, posts: int, first: int) -> list[ParticipationRow]:
    """``n`` answers to the seeded posts, with message ids from ``first`` on (no one else's)."""
    at = int(NOW.timestamp())
    return [
        ParticipationRow(G, 1 + i % posts, f"p{i % posts}", f"t{i % posts % 5}",
                         FIRST_MEMBER + i % 2000, first + i, ANSWER, at + i // 100, 40)
        for i in range(n)
    ]  # fmt: skip


async def against_floor(bot: DiscussionBot, where: Scratch, n: int, recording: float) -> bool:
    """The raw floor of the backend, and the bot's recording and its writer as ratios to it."""
    writer = bot.services.writer
    posts = len(await bot.services.stores.participation.open_posts(0))
    floor = await raw_floor(where, floor_rows(n, posts, 10**17), writer.max_rows)
    rows = floor_rows(n, posts, 2 * 10**17)

    async def write() -> None:
        for row in rows:
            await writer.add(row)
        await writer.flush()

    watch = LoopWatch()
    start = time.perf_counter()
    blocked = await watch.during(write)
    direct = n / (time.perf_counter() - start)
    how = "sqlite3.executemany" if where.backend == "sqlite" else "asyncpg copy_records_to_table"
    target = "  (>= 0.50)" if where.backend == "postgresql" else ""
    print(f"raw floor, {how}, {n:,} rows in batches of {writer.max_rows} (one transaction each):")
    print(f"  floor                                  {floor:10,.0f} rows/s")
    print(f"  the bot's BatchWriter, same rows       {direct:10,.0f} rows/s")
    print(f"  BatchWriter / floor                    {direct / floor:10.2f}{target}")
    print(f"  recording through the gateway / floor  {recording / floor:10.2f}"
          "  (the whole answer path, parse excluded)")  # fmt: skip
    print(f"  event loop blocked at most while it wrote {blocked * 1000:7.1f} ms  (<= 50 ms)")
    print(f"  ({LoopWatch.HOW})")
    return blocked <= 0.050 and (where.backend != "postgresql" or direct / floor >= 0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="messages in the stream")
    parser.add_argument("--posts", type=int, default=50, help="open prompt posts (threads)")
    parser.add_argument("--members", type=int, default=2000, help="members posting")
    parser.add_argument("--rounds", type=int, default=3, help="unrelated passes per side")
    parser.add_argument(
        "--db",
        metavar="postgresql://…",
        help="also run on PostgreSQL, in a scratch database created on this server",
    )
    args = parser.parse_args()
    if args.n - args.n // 10 < CHUNK:  # the unrelated 90% must fill one timed chunk
        parser.error(f"--n must be at least {-(-CHUNK * 10 // 9):,} (one {CHUNK:,}-event chunk)")
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
