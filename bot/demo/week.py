"""A simulated week: the real bot, started the way ``python -m bot run`` starts it, against the
local Discord-compatible server, with a clock the demo moves forward.

At each scheduled slot the clock is set to the slot and the bot's scheduler makes one pass (what
its own loop does when it wakes); members then answer in the threads and react, a moderator posts
a prompt with ``/topic post``, one member opts out, and the week ends with ``/stats server``.
#discussion pins its newest prompt; on Tuesday night a member asks for a conversation starter in
#lounge and re-rolls it (another member may not), and a second ``/starter`` waits its turn.
#discussion paces its follow-ups by the answers; Friday's #stories prompt gets no answer until the
bot nudges its thread a day later.
"""

from __future__ import annotations

import asyncio
import functools
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.demo import community as c
from bot.demo.transcript import Transcript
from bot.devserver import DevServer, Interaction
from bot.devserver.payloads import snowflake
from bot.schedule.cron import slots_between

WAIT = 30.0  # seconds: upper bound for the bot to answer anything


class DemoClock:
    """The bot's clock: simulated time, moved forward by the demo only."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class DemoResult:
    transcript: list[str]
    report: str
    posts: int
    answers: int
    reactions: int
    seconds: float
    database: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def slots(days: int = c.DAYS) -> list[tuple[datetime, int]]:
    """Every scheduled slot of the week, in order: (time, channel)."""
    end = c.START + timedelta(days=days)
    found = [
        (when, channel_id)
        for channel_id, cron in c.SCHEDULE.items()
        for when in slots_between(cron, "UTC", c.START - timedelta(seconds=1), end)
    ]
    return sorted(found)


async def run_week(
    prompts_dir: Path, workdir: Path | None = None, *, out: Callable[[str], None] = print
) -> DemoResult:
    """Run the demo; every transcript line goes to ``out`` as it happens."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as tmp:
        folder = Path(workdir or tmp)
        return await _run(Path(prompts_dir).resolve(), folder, out, started)


async def _run(
    prompts_dir: Path, folder: Path, out: Callable[[str], None], started: float
) -> DemoResult:
    from bot.adapter.client import DiscussionBot
    from bot.adapter.endpoints import apply_endpoints
    from bot.adapter.lifecycle import run_until_stopped as run_bot
    from bot.app import load_settings_and_library

    clock = DemoClock(c.START)
    server = DevServer(new_id=lambda: snowflake(clock()))
    moderators = [_role(c.MOD_ROLE, "Moderators", c.MANAGE_MESSAGES)]
    server.add_guild(c.GUILD, c.CHANNEL_NAMES, "Demo community", roles=moderators)
    server.add_member(c.GUILD, c.MODERATOR, "Dana", roles=(c.MOD_ROLE,))
    for member in c.MEMBERS:
        server.add_member(c.GUILD, member.user_id, member.name)
    names = {m.user_id: m.name for m in c.MEMBERS} | {c.MODERATOR: "Dana (moderator)"}
    transcript = Transcript(server, clock, names, out)
    async with server:
        config = folder / "demo-config.yaml"
        database = folder / "demo.sqlite3"
        text = c.config_text(database, prompts_dir, server.api_base, server.gateway_url)
        config.write_text(text, encoding="utf-8")
        settings, holder = load_settings_and_library(config)
        apply_endpoints(settings.api_base, settings.gateway_url)
        bot = DiscussionBot(settings, holder, clock=clock)
        running = asyncio.create_task(
            run_bot(bot, "demo-token", own_sigterm=False), name="demo-bot"
        )
        try:
            transcript.say(
                f"A week in a community, simulated: the bot runs against a local Discord-"
                f"compatible server at {server.api_base} with the database {database.name} "
                f"in a temporary folder."
            )
            await server.wait_for(bot.is_ready, timeout=WAIT, what="the bot to be ready")
            week = Week(server, bot, clock, transcript)
            await week.play()
            report = await week.stats()
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            apply_endpoints(None, None)
    return DemoResult(
        transcript.lines,
        report,
        week.posts,
        week.answers,
        week.reactions,
        time.monotonic() - started,
        database,
    )


def _role(role_id: int, name: str, permissions: int) -> dict:
    from bot.devserver.payloads import role

    return role(role_id, name, permissions=permissions, position=2)


class Week:
    """What happens during the week, in order."""

    def __init__(self, server: DevServer, bot: Any, clock: DemoClock, transcript: Transcript):
        self.server = server
        self.bot = bot
        self.clock = clock
        self.t = transcript
        self.rng = random.Random(7)  # the same week every run
        self.posts = self.answers = self.reactions = 0
        self.opted_out = False
        self.quiet_thread: int | None = None  # the thread nobody answers until it is nudged
        self.quiet_said = 0  # the bot's messages in it when it was posted
        self.started = False  # a member has asked for a conversation starter

    async def play(self) -> None:
        moderated = False
        for when, channel_id in slots():
            if not moderated and when.weekday() == 2 and when.hour >= 18:  # Wednesday evening
                await self.moderator_posts(when - timedelta(hours=2))
                moderated = True
            self.clock.now = when
            await self.bot.get_cog("Posting").run_once()
            await self.settle()
            if channel_id == c.DISCUSSION:
                await self.pinned()
            self.t.show_new()
            await self.answer_nudged_thread(when)
            if channel_id == c.STORIES and when.weekday() == c.QUIET_DAY:
                self.quiet_thread = self.newest_thread(channel_id)
                self.quiet_said = len(self.bot_messages(self.quiet_thread or 0))
                self.posts += 1
                continue
            await self.members_take_part(channel_id, when)
            if not self.started and channel_id == c.DISCUSSION and when.weekday() == 1:
                await self.starter(when + timedelta(hours=3))  # Tuesday night in #lounge
            if not self.opted_out and when.weekday() == 3:  # Thursday
                await self.member_opts_out(when + timedelta(hours=4))

    async def settle(self) -> None:
        """Return once the bot has handled everything sent to it so far, before the clock moves
        on: a command's answer comes after every earlier gateway event has been read (the bot
        stamps a reaction with its clock when it reads it); then the answers it queued are
        written, as its one-second timer would, and the follow-ups they bring are sent."""
        await self.run_command(c.MODERATOR, "participation me", c.MODLOG)
        await self.bot.services.writer.flush()
        await self.bot.services.facilitation.idle()

    async def answer_nudged_thread(self, when: datetime) -> None:
        """Once the quiet thread has its nudge, a member gives it a first answer."""
        if (
            self.quiet_thread is None
            or len(self.bot_messages(self.quiet_thread)) == self.quiet_said
        ):
            return
        self.t.say(" " * 26 + "(that nudge is in Friday's #stories thread, quiet for a day)")
        member = c.MEMBERS[0]
        self.clock.now = when + timedelta(minutes=12)
        text = c.ANSWERS[7]
        await self.server.send_as(member.user_id, self.quiet_thread, text)
        self.t.member_said(member.user_id, self.quiet_thread, text, self.note(member))
        self.answers += self.counted(member)
        await self.settle()
        self.t.show_new()
        self.quiet_thread = None

    async def run_command(self, user_id: int, name: str, channel_id: int, **options: Any) -> str:
        from bot.devserver.events import option

        opts = [option(k, v) for k, v in options.items()]
        interaction: Interaction = await self.server.invoke(
            name, guild_id=c.GUILD, channel_id=channel_id, user_id=user_id, options=opts
        )
        await self.server.wait_for(
            lambda: any(t.strip() for t in interaction.texts),
            timeout=WAIT,
            what=f"the bot's answer to /{name}",
        )
        return "\n".join(t for t in interaction.texts if t.strip())

    async def moderator_posts(self, when: datetime) -> None:
        self.clock.now = when
        self.t.action(c.MODERATOR, c.DISCUSSION, "runs /topic post")
        reply = await self.run_command(c.MODERATOR, "topic post", c.DISCUSSION)
        await self.settle()
        await self.pinned()
        self.t.show_new()
        self.t.reply(reply)
        await self.members_take_part(c.DISCUSSION, when)

    async def pinned(self) -> None:
        """Wait until #discussion has pinned its newest prompt (and unpinned the one before);
        the transcript shows it with the prompt."""
        newest = self.newest_prompt(c.DISCUSSION)
        if newest is not None:
            await self.server.wait_for(
                lambda: self.server.pinned(c.DISCUSSION) == [int(newest["id"])],
                timeout=WAIT,
                what="the newest prompt pinned",
            )

    async def starter(self, when: datetime) -> None:
        """A member asks for a conversation starter in #lounge; another cannot re-roll it, the
        asker can; a second /starter straight after waits for the channel's cooldown."""
        asker, other = c.MEMBERS[1], c.MEMBERS[2]
        self.clock.now = when
        self.t.action(asker.user_id, c.LOUNGE, "runs /starter")
        asked = await self.server.invoke(
            "starter", guild_id=c.GUILD, channel_id=c.LOUNGE, user_id=asker.user_id
        )
        await self.server.wait_for(lambda: asked.messages, timeout=WAIT, what="a starter")
        self.t.show_new()
        message = asked.messages[0]
        [[button]] = [row["components"] for row in message["components"]]
        self.clock.now = when + timedelta(minutes=1)
        for member in (other, asker):
            self.t.action(member.user_id, c.LOUNGE, f"presses “{button['label']}”")
            pressed = await self.server.click(
                button["custom_id"], message_id=int(message["id"]), user_id=member.user_id
            )
            answered = functools.partial(getattr, pressed, "callbacks")
            await self.server.wait_for(answered, timeout=WAIT, what="a press")
            answer = pressed.callbacks[0]
            if answer["type"] == 7:  # the starter changed in place
                title = answer["data"]["embeds"][0]["title"]
                self.t.edited(c.LOUNGE, f"bot changes the starter in place: “{title}”")
            else:
                self.t.reply(answer["data"]["content"])
        self.clock.now = when + timedelta(minutes=2)
        self.t.action(other.user_id, c.LOUNGE, "runs /starter")
        self.t.reply(await self.run_command(other.user_id, "starter", c.LOUNGE))
        self.started = True

    async def member_opts_out(self, when: datetime) -> None:
        self.clock.now = when
        self.t.action(c.OPTS_OUT.user_id, c.DISCUSSION, "runs /participation opt-out")
        reply = await self.run_command(c.OPTS_OUT.user_id, "participation opt-out", c.DISCUSSION)
        self.t.reply(reply)
        self.opted_out = True
        thread = self.newest_thread(c.DISCUSSION)
        if thread is not None:  # Kai keeps talking: the answer stays, nothing is recorded
            member, text = c.OPTS_OUT, c.ANSWERS[6]
            self.clock.now = when + timedelta(minutes=5)
            await self.server.send_as(member.user_id, thread, text)
            self.t.member_said(member.user_id, thread, text, self.note(member))
            await self.settle()
            self.t.show_new()

    async def members_take_part(self, channel_id: int, posted: datetime) -> None:
        """Some members answer in the newest prompt's thread, some react to the prompt."""
        prompt = self.newest_prompt(channel_id)
        if prompt is None:
            return
        self.posts += 1
        thread_id = int(prompt["id"])  # a thread started on a message shares its id
        people = self.rng.sample(c.MEMBERS, self.rng.randint(4, 8))
        for n, member in enumerate(people):
            self.clock.now = posted + timedelta(minutes=7 + 23 * n)
            if self.rng.random() < 0.7:
                text = self.rng.choice(c.ANSWERS)
                await self.server.send_as(member.user_id, thread_id, text)
                self.t.member_said(member.user_id, thread_id, text, self.note(member))
                self.answers += self.counted(member)
            if self.rng.random() < 0.5:
                emoji = self.rng.choice(c.EMOJI)
                await self.server.react(member.user_id, channel_id, int(prompt["id"]), emoji)
                what = f"reacts {emoji} to the prompt"
                self.t.action(member.user_id, channel_id, what, self.note(member))
                self.reactions += self.counted(member)
            await self.settle()
            self.t.show_new()  # a follow-up the answer brought shows right after it

    def note(self, member: c.Member) -> str:
        return " (opted out: not recorded)" if not self.counted(member) else ""

    def counted(self, member: c.Member) -> int:
        """1 if the bot should record what the member just did."""
        return 0 if self.opted_out and member == c.OPTS_OUT else 1

    def bot_messages(self, channel_id: int) -> list[dict]:
        bot_id = str(self.server.bot_id)
        return [m for m in self.server.messages(channel_id) if m["author"]["id"] == bot_id]

    def newest_thread(self, channel_id: int) -> int | None:
        prompt = self.newest_prompt(channel_id)
        return int(prompt["id"]) if prompt is not None else None  # the thread shares its id

    def newest_prompt(self, channel_id: int) -> dict | None:
        mine = [
            m
            for m in self.server.messages(channel_id)
            if m["author"]["id"] == str(self.server.bot_id) and m.get("embeds")
        ]
        return mine[-1] if mine else None

    async def stats(self) -> str:
        self.clock.now = c.START + timedelta(days=c.DAYS) - timedelta(minutes=1)
        self.t.action(c.MODERATOR, c.MODLOG, "runs /stats server")
        report = await self.run_command(c.MODERATOR, "stats server", c.MODLOG)
        self.t.reply(report)
        return report
