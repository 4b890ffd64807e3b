"""The safety checks: their cost in ``prompts build``, and members answered while they run.

    python benchmarks/safety.py [--essays 1000] [--seed 7]

Reported, in the same run:

* ``prompts build`` on ``--essays`` essays made from the seed items (as ``benchmarks/themes.py``
  makes them), against finding the themes alone (the baseline), and the target (under 5 s);
* the heavy-subject and disclosure checks over every item of those essays, per item;
* while a moderator's ``/topic review`` checks a suggestion against an admin's rule that
  backtracks for seconds (``(x|x)+y`` on 26 x's), members keep sending ``/participation me``
  through discord.py's own interaction code (offline harness): the time from each command to
  its answer, and the review's duration. The baseline is the same check run on the event loop
  with ``re``, as it was before.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from member_wait import answer_times  # noqa: E402
from themes import write_essays  # noqa: E402  (the same 1,000 essays)

from bot.essays.reader import read_essays  # noqa: E402
from bot.prompts.build import build_prompts  # noqa: E402
from bot.safety.disclosure import load_checker  # noqa: E402
from bot.safety.heavy import read_heavy_topics  # noqa: E402
from bot.suggestions.service import SuggestionService  # noqa: E402
from bot.themes.extract import find_themes  # noqa: E402

TARGET_BUILD_S = 5.0
TARGET_REPLY_S = 1.0
SLOW_RULE = "(x|x)+y"


def build_figures(count: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        write_essays(seeds, count, random.Random(seed))
        started = time.perf_counter()
        themes = find_themes(seeds)
        baseline = time.perf_counter() - started
        out = Path(tmp) / "prompts"
        started = time.perf_counter()
        report = build_prompts(find_themes(seeds), out)
        build = time.perf_counter() - started
        texts = [i.body for e in read_essays(seeds) for i in e.items]
    print(f"essays: {count}, items: {len(texts)}, themes: {len(themes)}")
    print(f"find themes (baseline):       {baseline * 1000:8.1f} ms")
    print(
        f"prompts build (with checks):  {build * 1000:8.1f} ms  ({build / baseline:.2f}x baseline;"
        f" target < {TARGET_BUILD_S:.0f} s), {len(report.added)} prompts,"
        f" {report.drafts} drafts, {report.passing} pass every check"
    )
    heavy, checker = read_heavy_topics(), load_checker()
    started = time.perf_counter()
    marked = sum(heavy.touches(t) for t in texts)
    warned = sum(bool(checker.messages([t])) for t in texts)
    each = (time.perf_counter() - started) / max(len(texts), 1)
    print(
        f"checks on every item:         {each * 1e6:8.1f} us per item"
        f" ({marked} on a heavy subject, {warned} with a disclosure warning)"
    )


async def _latencies(tmp: Path, on_loop: bool) -> tuple[list[float], float, str]:
    from bot.adapter.client import DiscussionBot
    from bot.adapter.participation_cmds import ParticipationCommands
    from bot.adapter.suggestions import Suggestions
    from bot.adapter.topics import Topics
    from bot.config.settings import GuildConfig, Settings
    from bot.prompts.loader import LibraryHolder
    from tests.discord_harness import FakeDiscord
    from tests.suggestion_world import ANA, BEN, MOD, MOD_ROLE, MODLOG, C, G, suggest, write_prompts
    from tests.suggestion_world import guild as guild_payload

    folder = write_prompts(tmp)
    (folder / "_disclosure.yaml").write_text(
        f"rules:\n  - pattern: '{SLOW_RULE}'\n    message: an admin's rule\n"
    )
    holder = LibraryHolder(folder)
    holder.reload()
    config = GuildConfig(guild_id=G, moderator_role_ids=(MOD_ROLE,), mod_log_channel_id=MODLOG)
    settings = Settings(database=tmp / "bot.sqlite3", prompts_dir=folder, guilds=(config,))
    bot = DiscussionBot(settings, holder, cogs=[Topics, Suggestions, ParticipationCommands])
    original = SuggestionService._checked
    if on_loop:  # as before: the rule searched with re, on the loop, without a time limit
        SuggestionService._checked = _on_loop_check
    try:
        async with FakeDiscord(bot, settle_timeout=120) as fd:
            await fd.connect(guild_payload(fd))
            await suggest(fd, ANA, "x" * 26 + "?", theme="joy")
            started = time.perf_counter()
            review = asyncio.ensure_future(fd.slash("topic review", user_id=MOD, channel_id=C))
            await asyncio.sleep(0)
            latencies = await answer_times(fd, review, user_id=BEN, channel_id=C, at_least=1)
            card = (await review).messages[0]["content"]
            duration = time.perf_counter() - started
    finally:
        SuggestionService._checked = original
    return latencies, duration, card


async def _on_loop_check(self, texts: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
    pattern = re.compile(SLOW_RULE, re.IGNORECASE)
    return False, tuple("an admin's rule" for t in texts if pattern.search(t))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    build_figures(args.essays, args.seed)
    for on_loop in (True, False):
        tmp = Path(tempfile.mkdtemp())
        try:
            latencies, duration, card = asyncio.run(_latencies(tmp, on_loop))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        how = "checked on the event loop with re (before)" if on_loop else "checked in a thread"
        stopped = "rule stopped" if "took too long" in card else "rule ran to the end"
        print(
            f"review {how}: {duration:.2f} s ({stopped}); {len(latencies)} member commands"
            f" answered, median {statistics.median(latencies) * 1000:.0f} ms,"
            f" slowest {max(latencies) * 1000:.0f} ms (target < {TARGET_REPLY_S:.0f} s)"
        )


if __name__ == "__main__":
    main()
