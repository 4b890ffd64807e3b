"""Moderators' decisions on a large theme file: how fast members are answered meanwhile.

    python benchmarks/decisions.py [--prompts 3520]

Builds a theme file of ``--prompts`` prompts (3,520 make about 980 KB, just under the 1 MiB
limit of a prompt file) with a draft prompt in it, runs the bot offline (discord.py's own
gateway and interaction code, the offline harness), and makes three decisions that rewrite that
file through the round-trip writer: a member's suggestion accepted into it, the draft turned
off, and an accepted prompt un-credited by its member's ``/participation forget``. During each,
a member keeps running ``/participation me``: reported are the time from each command to its
answer (target under 1 s), and the decision's duration. The baseline, in the same run, is the
same decisions with the write made on the event loop, as before.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from member_wait import answer_times

from bot.adapter.client import DiscussionBot
from bot.adapter.participation_cmds import ParticipationCommands
from bot.adapter.suggestions import Suggestions
from bot.adapter.topics import Topics
from bot.config.settings import GuildConfig, Settings
from bot.errors import InputError
from bot.prompts.loader import LibraryHolder
from bot.suggestions.service import SuggestionError
from tests.discord_harness import FakeDiscord, payloads

GUILD, CHANNEL, MODLOG = 10, 20, 22
MEMBER, AUTHOR, MOD, MOD_ROLE = 30, 31, 32, 40
TARGET_REPLY_S = 1.0


def write_theme(folder: Path, prompts: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# Stories: the admins' file.", "id: stories", "title: Stories", "prompts:"]
    for n in range(prompts):
        lines += [
            f"  - id: stories-{n}",
            f"    question: What did conversation {n} teach you about listening to others?",
            "    followups:",
            "      - What stayed with you afterwards?",
            "      - Would you tell it differently now?",
            f'    context: "“People learn from each other {n}…” (from the essay e.txt)"',
        ]
        if n == prompts - 1:
            lines += ["    status: draft", "    enabled: false"]
    path = folder / "stories.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def guild(fd: FakeDiscord) -> dict:
    return payloads.guild(
        GUILD,
        channels=[
            payloads.text_channel(CHANNEL, GUILD, "chat"),
            payloads.text_channel(MODLOG, GUILD, "mod-log"),
        ],
        roles=[payloads.role(MOD_ROLE, "Moderators")],
        members=[
            fd.bot_member(),
            payloads.member(MEMBER, name="Member"),
            payloads.member(AUTHOR, name="Author"),
            payloads.member(MOD, [MOD_ROLE], name="Mod"),
        ],
    )


def buttons(message: dict) -> dict[str, str]:
    rows = message.get("components") or []
    return {b["label"]: b["custom_id"] for row in rows for b in row["components"]}


async def while_members_ask(fd: FakeDiscord, step) -> tuple[list[float], float, float]:
    """Run ``step`` (a moderator's press) while a member keeps asking; the member's answer
    times, the decision's duration and the event loop's longest stall meanwhile."""
    seen = len(fd.apps.interactions)
    stalls = [0.0]
    started = time.perf_counter()
    decision = asyncio.create_task(step())
    beat = asyncio.create_task(heartbeat(stalls))
    while len(fd.apps.interactions) == seen:  # the press has reached the bot
        await asyncio.sleep(0)
    latencies = await answer_times(fd, decision, user_id=MEMBER, channel_id=CHANNEL)
    await decision
    duration = time.perf_counter() - started
    beat.cancel()
    return latencies, duration, stalls[0]


async def heartbeat(stalls: list[float], every: float = 0.01) -> None:
    """The longest the event loop went without running this (minus the pause asked for)."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(every)
        stalls[0] = max(stalls[0], time.perf_counter() - before - every)


def write_on_the_loop(service) -> None:
    """The baseline: the write made on the event loop, as before."""

    async def write(theme_id, write):
        try:
            return write()
        except InputError as exc:
            raise SuggestionError(str(exc)) from None

    service._write = write


async def decisions(folder: Path, tmp: Path, on_loop: bool) -> dict[str, tuple]:
    settings = Settings(
        database=tmp / f"bot-{on_loop}.sqlite3",
        prompts_dir=folder,
        guilds=(GuildConfig(GUILD, moderator_role_ids=(MOD_ROLE,), mod_log_channel_id=MODLOG),),
    )
    holder = LibraryHolder(folder)
    holder.reload()
    bot = DiscussionBot(settings, holder, cogs=[Topics, Suggestions, ParticipationCommands])
    figures = {}
    async with FakeDiscord(bot, settle_timeout=600) as fd:
        await fd.connect(guild(fd))
        if on_loop:
            write_on_the_loop(bot.services.suggestions)
        opened = await fd.slash(
            "suggest question", user_id=AUTHOR, channel_id=CHANNEL, theme="stories", credit=True
        )
        values = {"question": "Which story changed how you listen?", "note": ""}
        modal = opened.callback.json["data"]["custom_id"]
        await fd.submit(modal, values, user_id=AUTHOR, channel_id=CHANNEL)
        card = fd.requests_to("POST", f"/channels/{MODLOG}/messages")[-1]
        card_id = int(card.response["id"])

        async def accept_suggestion() -> tuple[str, int, int]:
            return buttons(card.json)["Accept"], card_id, MOD

        async def turn_off_draft() -> tuple[str, int, int]:
            review = await fd.slash("topic review", user_id=MOD, channel_id=CHANNEL)
            review_id = int(review.callback.response["resource"]["message"]["id"])
            return buttons(review.messages[0])["Turn off"], review_id, MOD

        async def forget() -> tuple[str, int, int]:
            asked = await fd.slash("participation forget", user_id=AUTHOR, channel_id=CHANNEL)
            body = asked.callback.json["data"]
            asked_id = int(asked.callback.response["resource"]["message"]["id"])
            return buttons(body)["Erase everything"], asked_id, AUTHOR

        steps = {
            "accept a suggestion": accept_suggestion,
            "turn off a draft": turn_off_draft,
            "uncredit on forget": forget,
        }
        for name, prepare in steps.items():
            custom_id, message_id, user_id = await prepare()

            async def press(custom_id=custom_id, message_id=message_id, user_id=user_id) -> None:
                await fd.click(custom_id, message_id=message_id, user_id=user_id)

            figures[name] = await while_members_ask(fd, press)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=int, default=3520)
    args = parser.parse_args()
    results = {}
    for on_loop in (True, False):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "prompts"
            size = write_theme(folder, args.prompts)
            results[on_loop] = asyncio.run(decisions(folder, Path(tmp), on_loop))
    print(f"one theme file of {args.prompts:,} prompts, {size / 1000:.0f} KB")
    for name in results[False]:
        print(f"  {name}:")
        for on_loop in (True, False):
            latencies, duration, stall = results[on_loop][name]
            how = "written on the event loop (before)" if on_loop else "written in a worker thread"
            print(
                f"    {how:<35} decision {duration:5.2f} s; event loop's longest stall"
                f" {stall * 1000:5.0f} ms; {len(latencies):3} member commands answered, slowest"
                f" {max(latencies) * 1000:5.0f} ms (target < {TARGET_REPLY_S:.0f} s)"
            )
        before, after = max(results[True][name][0]), max(results[False][name][0])
        print(f"    slowest answer, before / after: {before / after:.1f}x")


if __name__ == "__main__":
    main()
