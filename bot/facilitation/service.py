"""Facilitation of prompt threads: which step is due in each open thread, claiming it in the
database, sending it exactly once; and the welcome reaction for a member's first answer.

Two ways in, both safe to combine and to run in several processes:
- ``answers_written(rows)``, called by the participation writer right after it stored a batch:
  the threads that got answers are looked at at once (a follow-up due after N answers is sent
  within the writer's second, not at the next scheduled pass), and first answers welcomed;
- ``tick(now)``, the scheduler's pass: every open thread (silence, nudges, quiet hours ending),
  and claims a crash or an outage left unsent.

A step is sent only after it is claimed (``FacilitationRecords.claim``: one row per post and step
number, one nudge per post), only in a thread that is neither archived nor locked, and with a
nonce derived from the post and step, so a repeated send returns the message already made.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.config.settings import ChannelConfig, Settings
from bot.facilitation.ports import FacilitationRecords
from bot.facilitation.report import FacilitationFigures, facilitation_figures
from bot.facilitation.rules import due_step, held, quiet_until
from bot.facilitation.types import (
    NUDGE,
    Due,
    OpenThread,
    PendingThread,
    Step,
    StepRefused,
    StepSender,
    StepUnavailable,
)
from bot.participation.types import ANSWER, ParticipationRow
from bot.posting.types import LibrarySource
from bot.prompts.model import Prompt

log = logging.getLogger(__name__)

OPEN_DAYS = 30  # a thread is facilitated while its post collects answers
STALE_AFTER = 600  # seconds: a claim this old without its message was interrupted
NUDGE_TEXT = "No answers here yet. An easy way in: {followup}"
NUDGE_PLAIN = "No answers here yet. Whatever comes to mind first is a fine place to start."
NUDGE_GENTLE = (
    "There is no rush with this one. If and when it feels right, a line or two is plenty,"
    " and reading along is welcome too."
)
WELCOME_MEMORY = 2000  # answers whose channel is remembered until they are written


def step_nonce(post_id: int, number: int) -> str:
    return f"post-{post_id}-s{number}"


def step_text(kind: str, followup: int | None, prompt: Prompt, sensitive: bool = False) -> str:
    """A follow-up's own text; a nudge's invitation (the gentle line for a heavy topic)."""
    if kind != NUDGE:
        return prompt.followups[followup] if followup is not None else NUDGE_PLAIN
    if followup is not None and followup < len(prompt.followups):
        return NUDGE_TEXT.format(followup=prompt.followups[followup])
    return NUDGE_GENTLE if prompt.sensitive or sensitive else NUDGE_PLAIN


class FacilitationService:
    def __init__(
        self,
        settings: Settings,
        store: FacilitationRecords,
        library: LibrarySource,
        sender: StepSender,
        clock: Callable[[], datetime],
    ) -> None:
        self.settings = settings
        self.store = store
        self.library = library
        self.sender = sender
        self.clock = clock
        self._channels = {
            c.channel_id: (g, c) for g in settings.guilds for c in g.channels if c.thread
        }
        self._welcoming = {g.guild_id for g in settings.guilds if g.welcome_first_answer}
        self._locks: dict[int, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task] = set()
        self._answer_channels: dict[int, int] = {}  # answer message -> its channel, until written

    # --- the two ways in -------------------------------------------------------------------

    def answer_seen(self, guild_id: int, message_id: int, channel_id: int) -> None:
        """An answer was queued for writing: where it is, for the welcome reaction (kept only
        for servers that welcome first answers)."""
        if guild_id not in self._welcoming:
            return
        self._answer_channels[message_id] = channel_id
        while len(self._answer_channels) > WELCOME_MEMORY:
            del self._answer_channels[next(iter(self._answer_channels))]

    def answers_written(self, rows: list[ParticipationRow]) -> None:
        """The writer stored ``rows``: look at their threads and first answers in a task."""
        answers = [r for r in rows if r.kind == ANSWER]
        if not answers:
            return
        task = asyncio.create_task(self._after_answers(answers), name="facilitation-answers")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait for the work started by written answers (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace: float = 10.0) -> None:
        """Let what the last answers started finish (a claim cut short is sent after the next
        start), for ``grace`` seconds at most."""
        try:
            await asyncio.wait_for(self.idle(), grace)
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def tick(self, now: datetime) -> list[Step]:
        """The scheduler's pass: interrupted claims, then every open thread. Returns the steps
        sent."""
        at = int(now.timestamp())
        await self._resend_interrupted(at)
        return await self.check(None, at)

    # --- answers ---------------------------------------------------------------------------

    async def _after_answers(self, rows: list[ParticipationRow]) -> None:
        try:
            await self._welcome(rows)
            await self.check({r.post_id for r in rows}, int(self.clock().timestamp()))
        except Exception:
            log.exception("looking at threads after new answers failed")

    async def _welcome(self, rows: list[ParticipationRow]) -> None:
        for row in rows:
            channel_id = self._answer_channels.pop(row.message_id, None)
            guild = self.settings.guild(row.guild_id)
            if guild is None or not guild.welcome_first_answer or channel_id is None:
                continue
            if await self.store.first_answer(row.guild_id, row.member_id) != row.message_id:
                continue
            await self.sender.welcome(channel_id, row.message_id, guild.welcome_emoji)

    # --- threads ---------------------------------------------------------------------------

    async def check(self, post_ids: Iterable[int] | None, now: int) -> list[Step]:
        """Send the step due in each open thread (all of them, or ``post_ids``)."""
        threads = await self.store.open_threads(
            self._channels, now - OPEN_DAYS * 86400, None if post_ids is None else list(post_ids)
        )
        steps = await self.store.steps(t.post_id for t in threads)
        sent = []
        for thread in threads:
            try:
                step = await self._one(thread, steps.get(thread.post_id, []), now)
            except Exception:
                log.exception("thread %s: facilitation failed", thread.thread_id)
                continue
            if step is not None:
                sent.append(step)
        return sent

    async def _one(self, thread: OpenThread, steps: list[Step], now: int) -> Step | None:
        lock = self._locks.setdefault(thread.post_id, asyncio.Lock())
        async with lock:
            if steps and steps[-1].status == "claimed":
                return None  # being sent (here or elsewhere), or left for recovery
            _, channel = self._channels[thread.channel_id]
            prompt = self.library.library.prompt(thread.prompt_id)
            due = self.due(thread, steps, prompt, channel, now)
            if due is None or due.at is None or due.at > now or due.quiet_until is not None:
                return None
            if not await self.sender.thread_open(thread.thread_id):
                log.info("thread %s is archived or locked: nothing sent", thread.thread_id)
                return None
            number = len(steps)
            if not await self.store.claim(
                thread.post_id, number, due.kind, due.followup, thread.answers, now
            ):
                return None  # another process took it
            step = Step(
                thread.post_id, number, due.kind, due.followup, thread.answers, "claimed", now
            )
            return await self._send(thread, step, prompt)

    def due(
        self,
        thread: OpenThread,
        steps: list[Step],
        prompt: Prompt | None,
        channel: ChannelConfig,
        now: int,
    ) -> Due | None:
        if prompt is None:
            return None
        sensitive = prompt.sensitive or thread.sensitive
        due = due_step(thread, steps, prompt.followups, sensitive, channel)
        return None if due is None else held(due, channel, now)

    async def _send(self, thread: OpenThread, step: Step, prompt: Prompt | None) -> Step | None:
        if prompt is None:
            return None
        thread_id = thread.thread_id
        text = step_text(step.kind, step.followup, prompt, thread.sensitive)
        now = int(self.clock().timestamp())
        try:
            message_id = await self.sender.send_step(
                thread_id, text, step_nonce(step.post_id, step.number)
            )
        except StepRefused as exc:
            log.warning("thread %s: %s not sent: %s", thread_id, step.kind, exc)
            await self.store.mark_failed(step.post_id, step.number, now, step.claimed_at)
            return None
        except StepUnavailable as exc:
            log.warning("thread %s: %s waits: %s", thread_id, step.kind, exc)
            return None
        await self.store.mark_sent(step.post_id, step.number, message_id, now, step.claimed_at)
        log.info("thread %s: %s %s sent", thread_id, step.kind, step.number)
        return Step(
            step.post_id, step.number, step.kind, step.followup, step.answers_seen, "sent",
            step.claimed_at, now, message_id,
        )  # fmt: skip

    async def _resend_interrupted(self, now: int) -> None:
        """A claim left unsent for ``STALE_AFTER``: look in the thread first (the message may be
        there already), else send it, once."""
        for step in await self.store.stale(now - STALE_AFTER):
            threads = await self.store.open_threads(self._channels, 0, [step.post_id])
            if not threads:
                continue
            thread = threads[0]
            _, channel = self._channels[thread.channel_id]
            if quiet_until(channel, now) is not None:
                continue  # it waits for the end of the quiet hours, like any step
            if not await self.sender.thread_open(thread.thread_id):
                continue
            if not await self.store.retake(step.post_id, step.number, step.claimed_at, now):
                continue
            prompt = self.library.library.prompt(thread.prompt_id)
            retaken = Step(
                step.post_id, step.number, step.kind, step.followup, step.answers_seen,
                "claimed", now,
            )  # fmt: skip
            if prompt is None:
                await self.store.mark_failed(step.post_id, step.number, now, now)
                continue
            text = step_text(step.kind, step.followup, prompt, thread.sensitive)
            try:
                found = await self.sender.find_step(thread.thread_id, text, step.claimed_at)
            except StepUnavailable:
                continue
            if found is not None:
                await self.store.mark_sent(step.post_id, step.number, found, now, now)
            else:
                await self._send(thread, retaken, prompt)

    # --- moderators ------------------------------------------------------------------------

    async def figures(self, guild_id: int, since: int) -> FacilitationFigures:
        """The server report's figures for prompts posted at or after ``since``."""
        guild = self.settings.guild(guild_id)
        return await facilitation_figures(self.store, guild, guild_id, since)

    async def pending(self, guild_id: int, now: datetime) -> list[PendingThread]:
        """Every open thread of the server's channels with the step it waits for."""
        at = int(now.timestamp())
        channels = [cid for cid, (g, _) in self._channels.items() if g.guild_id == guild_id]
        threads = await self.store.open_threads(channels, at - OPEN_DAYS * 86400)
        steps = await self.store.steps(t.post_id for t in threads)
        found = []
        for thread in threads:
            taken = steps.get(thread.post_id, [])
            _, channel = self._channels[thread.channel_id]
            prompt = self.library.library.prompt(thread.prompt_id)
            asked = {s.followup for s in taken if s.followup is not None}
            left = len([i for i in range(len(prompt.followups)) if i not in asked]) if prompt else 0
            if channel.followups != "paced":
                left = 0
            due = self.due(thread, taken, prompt, channel, at)
            found.append(
                PendingThread(
                    guild_id=guild_id,
                    channel_id=thread.channel_id,
                    thread_id=thread.thread_id,
                    prompt_id=thread.prompt_id,
                    answers=thread.answers,
                    steps_taken=len(taken),
                    followups_left=left,
                    due=due,
                )
            )
        return found
