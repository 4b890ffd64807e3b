"""Benchmark: what the running bot adds to each gateway message, and answers recorded per second.

    python benchmarks/events.py [--n 100000] [--posts 50] [--members 2000] [--rounds 3]

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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import discord

from bot.adapter.client import DiscussionBot, bot_intents
from bot.app import app_for
from bot.config.settings import GuildConfig, Settings
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


async def seed_posts(db_path: Path, n: int) -> list[int]:
    """``n`` posted prompts in the prompt channel; each thread shares its message's id."""
    threads = []
    async with app_for(Settings(database=db_path)) as app:
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


async def stored(bot: DiscussionBot) -> tuple[int, set[int]]:
    async with bot.services.stores.handle.db.execute(
        "SELECT count(*) FROM participation WHERE kind = 'answer'"
    ) as cur:
        (count,) = await cur.fetchone()
    async with bot.services.stores.handle.db.execute("SELECT message_id FROM participation") as cur:
        ids = {row[0] async for row in cur}
    return count, ids


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
    rng = random.Random(5)
    members = [payloads.member(FIRST_MEMBER + i, name=f"m{i}") for i in range(args.members)]
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bot.sqlite3"
        first_id = (int(NOW.timestamp() * 1000) - payloads.DISCORD_EPOCH_MS) << 22
        world = World(await seed_posts(db_path, args.posts), members, rng, first_id)
        settings = Settings(database=db_path, guilds=(GuildConfig(G),))
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
            return await measure(args, world, bare_fd, bot_fd, bot)


async def measure(args, world: World, bare_fd, bot_fd, bot: DiscussionBot) -> int:
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
    count, ids = await stored(bot)
    once = count == len(sent) and ids == sent
    verdict = "yes" if once else "NO"
    print(f"every answer stored exactly once: {verdict} ({count:,} rows, {len(sent):,} sent)")

    small, _ = world.mixed(n // 10)
    large, _ = world.mixed(n)
    mem_small = await peak_memory(bot, bot_fd, small)
    mem_large = await peak_memory(bot, bot_fd, large)
    print("traced peak memory of the bot while feeding a 90/10 stream (rows live in SQLite):")
    print(f"  N/10 = {len(small):>7,} events     {mem_small / 2**20:8.2f} MiB")
    print(f"  N    = {len(large):>7,} events     {mem_large / 2**20:8.2f} MiB")
    print(f"  growth {mem_large / mem_small:.2f}x for {len(large) / len(small):.0f}x the events")
    ok = ratio <= 1.10 and recording >= 20_000 and once
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="messages in the stream")
    parser.add_argument("--posts", type=int, default=50, help="open prompt posts (threads)")
    parser.add_argument("--members", type=int, default=2000, help="members posting")
    parser.add_argument("--rounds", type=int, default=3, help="unrelated passes per side")
    args = parser.parse_args()
    if args.n - args.n // 10 < CHUNK:  # the unrelated 90% must fill one timed chunk
        parser.error(f"--n must be at least {-(-CHUNK * 10 // 9):,} (one {CHUNK:,}-event chunk)")
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
