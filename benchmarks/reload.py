"""Large prompt libraries: validation time, and how fast members are answered during a reload.

    python benchmarks/reload.py [--files 10] [--per-file 4000]

Builds a prompt folder of ``--files`` files of ``--per-file`` prompts each (3,500 prompts make a
file of about 1 MiB, just under the per-file limit; 10 of them about the 11 MB library that used
to freeze the bot). Reported, with the same files in the same run:

* ``prompts validate`` of one file and of the whole folder with libyaml, and with PyYAML's
  pure-Python parser as the baseline;
* while the running bot reloads the whole folder (the scheduler's pass after an edit), members
  keep running ``/participation me`` through discord.py's own gateway and interaction code
  (offline harness): the time from each command to its answer, and the reload's duration. The
  baseline is the same with the reload parsed on the event loop, as before.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml
from member_wait import answer_times

from bot import yaml_nodes
from bot.adapter.client import DiscussionBot
from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.prompts.loader import LibraryHolder, load_library
from tests.discord_harness import FakeDiscord, payloads

GUILD, CHANNEL, MEMBER = 10, 20, 30
TARGET_REPLY_S = 1.0


def write_library(folder: Path, files: int, per_file: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for f in range(files):
        lines = [f"id: theme-{f}", f"title: Theme {f}", "prompts:"]
        for n in range(per_file):
            lines += [
                f"  - id: t{f}-{n}",
                f"    question: What did conversation {n} of theme {f} teach you about listening?",
                "    followups:",
                "      - What stayed with you afterwards?",
                "      - Would you tell it differently now?",
                f'    context: "“People learn from each other {n}…” (from the essay e{f}.txt)"',
            ]
        path = folder / f"theme-{f}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        total += path.stat().st_size
    return total


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def validate_figures(folder: Path) -> None:
    one = folder / "one"
    one.mkdir()
    (one / "theme-0.yaml").write_bytes((folder / "theme-0.yaml").read_bytes())
    for name, loader in (("libyaml", yaml_nodes.FAST_LOADER), ("pure Python", yaml.SafeLoader)):
        yaml_nodes.FAST_LOADER = loader
        file_s = timed(lambda: load_library(one))
        all_s = timed(lambda: load_library(folder))
        print(f"  validate with {name:<12} one file {file_s:6.2f} s   whole folder {all_s:6.2f} s")
    yaml_nodes.FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


async def reply_latencies(folder: Path, tmp: Path, on_loop: bool) -> tuple[list[float], float]:
    channel = ChannelConfig(CHANNEL, "0 9 * * *", "UTC")
    settings = Settings(
        database=tmp / f"bot-{on_loop}.sqlite3",
        prompts_dir=folder,
        guilds=(GuildConfig(GUILD, channels=(channel,)),),
    )
    holder = LibraryHolder(folder)
    holder.reload()
    bot = DiscussionBot(settings, holder)
    async with FakeDiscord(bot, settle_timeout=600) as fd:
        guild = payloads.guild(
            GUILD, channels=[payloads.text_channel(CHANNEL, GUILD, "prompts")],
            members=[fd.bot_member(), payloads.member(MEMBER)],
        )  # fmt: skip
        await fd.connect(guild)
        await fd.settle(set())
        for path in folder.glob("*.yaml"):
            path.touch()  # an edit: the next pass reloads every file
        if on_loop:
            reload = asyncio.create_task(_on_loop(holder))
        else:
            reload = asyncio.create_task(bot.get_cog("Posting").run_once())
        started = time.perf_counter()
        latencies = await answer_times(fd, reload, user_id=MEMBER, channel_id=CHANNEL)
        await reload
        duration = time.perf_counter() - started
    return latencies, duration


async def _on_loop(holder: LibraryHolder) -> None:
    await asyncio.sleep(0)  # let the first command be sent, then block the loop as before
    holder.reload()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--per-file", type=int, default=3500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "prompts"
        size = write_library(folder, args.files, args.per_file)
        prompts = args.files * args.per_file
        print(f"{args.files} prompt files, {prompts:,} prompts, {size / 2**20:.1f} MiB")
        validate_figures(folder)
        for on_loop in (True, False):
            latencies, duration = asyncio.run(reply_latencies(folder, Path(tmp), on_loop))
            how = "parsed on the event loop (before)" if on_loop else "parsed in a worker thread"
            print(
                f"  reload {how}: {duration:.2f} s; {len(latencies)} commands answered during it,"
                f" median {statistics.median(latencies) * 1000:.0f} ms,"
                f" slowest {max(latencies) * 1000:.0f} ms (target < {TARGET_REPLY_S:.0f} s)"
            )


if __name__ == "__main__":
    main()
