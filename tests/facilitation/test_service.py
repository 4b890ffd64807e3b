"""Facilitation on a real database, on each backend, shared by two services (two processes'
connections): each step claimed and sent once, a claim a crash left unsent resolved once, and
what moderators see as pending. Time is injected; nothing sleeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.facilitation.service import STALE_AFTER, FacilitationService
from bot.facilitation.types import StepUnavailable
from bot.participation.types import ANSWER, ParticipationRow
from bot.store import open_stores
from tests.posting_helpers import GUILD, channel, library_holder, settings

A, THREAD, ANA, BEN = 20, 777, 30, 31
POSTED = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
A1, B1 = "Follow-up A to grief-1", "Follow-up B to grief-1"


class Sender:
    """Plays Discord for the core: the thread's messages, by nonce (a repeated nonce returns the
    message already made, as Discord does)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str]] = []
        self.by_nonce: dict[str, int] = {}
        self.open = True
        self.fail_next: Exception | None = None
        self.welcomed: list[tuple[int, int, str]] = []
        self.calls = 0  # sends attempted (Discord's nonce would hide repeats for a few minutes)

    async def thread_open(self, thread_id):
        return self.open

    async def send_step(self, thread_id, text, nonce):
        self.calls += 1
        await asyncio.sleep(0)  # let another process's pass interleave
        if self.fail_next is not None:
            exc, self.fail_next = self.fail_next, None
            raise exc
        if nonce not in self.by_nonce:
            self.sent.append((thread_id, text, nonce))
            self.by_nonce[nonce] = 5000 + len(self.sent)
        return self.by_nonce[nonce]

    async def find_step(self, thread_id, text, since):
        return next((5001 + i for i, s in enumerate(self.sent) if s[1] == text), None)

    async def welcome(self, channel_id, message_id, emoji):
        self.welcomed.append((channel_id, message_id, emoji))


class World:
    def __init__(self, tmp_path, database, **channel_kw):
        channel_kw.setdefault("followups", "paced")
        self.database = database
        self.settings = settings(tmp_path, channel(A, **channel_kw))
        self.holder = library_holder(tmp_path, {"grief": 1})
        self.sender = Sender()
        self.now = POSTED
        self.stores_opened = []

    async def service(self) -> FacilitationService:
        stores = await open_stores(self.database)
        self.stores_opened.append(stores)
        store = stores.facilitation
        return FacilitationService(self.settings, store, self.holder, self.sender, lambda: self.now)

    async def post(self) -> int:
        posts = self.stores_opened[0].posting.posts
        post_id = await posts.claim_manual(GUILD, A, int(POSTED.timestamp()))
        await posts.mark_posted(post_id, "grief-1", "grief", 900, THREAD, int(POSTED.timestamp()))
        return post_id

    async def answered(self, *members: int) -> int:
        """A prompt posted at POSTED, answered by ``members`` five minutes later; the clock a
        minute after that. Returns the post's id."""
        post_id = await self.post()
        await self.answers(post_id, *members, at=POSTED + timedelta(minutes=5))
        self.now = POSTED + timedelta(minutes=6)
        return post_id

    async def answers(self, post_id: int, *members: int, at: datetime) -> list[ParticipationRow]:
        rows = [
            ParticipationRow(
                GUILD,
                post_id,
                "grief-1",
                "grief",
                m,
                10_000 + m * 100 + i,
                ANSWER,
                int(at.timestamp()),
                None,
            )
            for i, m in enumerate(members)
        ]
        await self.stores_opened[0].participation.record_many(rows)
        return rows

    async def close(self):
        for stores in self.stores_opened:
            await stores.close()


@pytest.fixture
async def make_world(tmp_path, database):
    """``make_world(**channel settings)``: a World on ``database``, closed after the test."""
    worlds: list[World] = []

    def make(**channel_kw) -> World:
        worlds.append(World(tmp_path, database, **channel_kw))
        return worlds[-1]

    yield make
    for world in worlds:
        await world.close()


async def test_two_processes_send_each_followup_once(make_world):
    world = make_world(followup_after_answers=2)
    one, two = await world.service(), await world.service()
    await world.answered(ANA, BEN)
    await asyncio.gather(one.tick(world.now), two.tick(world.now), one.tick(world.now))
    assert [text for _, text, _ in world.sender.sent] == [A1]
    assert world.sender.calls == 1  # one process sent; the others saw the claim


async def test_a_claim_left_unsent_by_a_crash_is_sent_once_later(make_world):
    world = make_world(followup_after_answers=1)
    one = await world.service()
    await world.answered(ANA)
    world.sender.fail_next = StepUnavailable("Discord server error (503)")
    await one.tick(world.now)
    assert world.sender.sent == []
    await one.tick(world.now + timedelta(seconds=STALE_AFTER - 1))  # not yet: still claimed
    assert world.sender.sent == []
    two = await world.service()  # after a restart
    await two.tick(world.now + timedelta(seconds=STALE_AFTER + 1))
    await two.tick(world.now + timedelta(seconds=STALE_AFTER + 120))
    assert [text for _, text, _ in world.sender.sent] == [A1]


async def test_a_claim_whose_message_discord_has_is_recorded_not_sent_again(make_world):
    world = make_world(followup_after_answers=1)
    one = await world.service()
    post_id = await world.answered(ANA)
    store = world.stores_opened[0].facilitation
    assert await store.claim(post_id, 0, "followup", 0, 1, int(world.now.timestamp()))
    world.sender.sent.append((THREAD, A1, "post-1-s0"))  # sent, then the process died
    await one.tick(world.now + timedelta(seconds=STALE_AFTER + 1))
    assert [text for _, text, _ in world.sender.sent] == [A1]
    [step] = (await store.steps([post_id]))[post_id]
    assert (step.status, step.message_id) == ("sent", 5001)


async def test_pending_lists_what_each_open_thread_waits_for(make_world):
    world = make_world(followup_after_answers=2)
    one = await world.service()
    post_id = await world.post()
    [thread] = await one.pending(GUILD, POSTED + timedelta(hours=1))
    assert thread.due.kind == "nudge"
    assert thread.due.at == int((POSTED + timedelta(hours=24)).timestamp())
    await world.answers(post_id, ANA, at=POSTED + timedelta(hours=2))
    [thread] = await one.pending(GUILD, POSTED + timedelta(hours=3))
    assert (thread.answers, thread.due.kind, thread.due.answers_needed) == (1, "followup", 1)
    assert thread.due.at == int((POSTED + timedelta(hours=8)).timestamp())  # or 6 h quiet
    assert thread.followups_left == 2


async def test_welcome_only_for_the_members_earliest_recorded_answer(make_world):
    world = make_world()
    guild = world.settings.guilds[0]
    from dataclasses import replace

    world.settings = replace(world.settings, guilds=(replace(guild, welcome_first_answer=True),))
    one = await world.service()
    post_id = await world.post()
    rows = await world.answers(post_id, ANA, ANA, at=POSTED + timedelta(minutes=5))
    for row in rows:
        one.answer_seen(GUILD, row.message_id, THREAD)
    one.answers_written(rows)
    await one.idle()
    assert world.sender.welcomed == [(THREAD, rows[0].message_id, "🌱")]


async def test_an_interrupted_claim_waits_while_its_thread_is_archived_or_locked(make_world):
    world = make_world(followup_after_answers=1)
    one = await world.service()
    await world.answered(ANA)
    world.sender.fail_next = StepUnavailable("cannot reach Discord")
    await one.tick(world.now)
    world.sender.open = False
    await one.tick(world.now + timedelta(seconds=STALE_AFTER + 1))
    assert world.sender.sent == []
    world.sender.open = True
    await one.tick(world.now + timedelta(seconds=STALE_AFTER + 60))
    assert [text for _, text, _ in world.sender.sent] == [A1]
