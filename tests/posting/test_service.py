"""The scheduler core on a real database, SQLite and PostgreSQL in turn: exactly-once slots,
crash recovery, catch-up, moderator controls, failures and notices. Time is injected; nothing
sleeps."""

import asyncio
import logging
import weakref
from datetime import UTC, datetime, timedelta

import pytest

from bot.posting.service import (
    POSTING_LANES,
    STALE_AFTER,
    PostingError,
    PostingService,
    PostRefused,
    PostUnavailable,
)
from bot.store import open_stores
from tests.posting_helpers import (
    GUILD,
    RecordingPublisher,
    channel,
    library_holder,
    settings,
    write_theme,
)
from tests.store import view

# The stores each service was built on, read through the store view.
STORES_OF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

A, B = 20, 21
SLOT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)


class World:
    def __init__(self, tmp_path, database, *channels, themes=None):
        self.tmp_path = tmp_path
        self.database = database
        self.settings = settings(tmp_path, *(channels or (channel(A),)))
        self.holder = library_holder(tmp_path, themes or {"grief": 3, "joy": 3})
        self.publisher = RecordingPublisher()
        self.sleeps: list[float] = []
        self.elapsed = 0.0  # the injected monotonic clock: only the injected pauses move it
        self.stores_opened = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds

    def monotonic(self) -> float:
        return self.elapsed

    async def service(self) -> PostingService:
        stores = await open_stores(self.database)
        self.stores_opened.append(stores)
        service = PostingService(
            self.settings,
            stores.posting,
            self.holder,
            self.publisher,
            sleep=self.sleep,
            monotonic=self.monotonic,
        )
        STORES_OF[service] = stores
        return service

    async def close(self):
        for stores in self.stores_opened:
            await stores.close()


@pytest.fixture
async def world(tmp_path, database):
    w = World(tmp_path, database)
    yield w
    await w.close()


async def posts(service, channel_id=A):
    rows = await view.rows(STORES_OF[service], "posts")
    mine = [r for r in rows if r["channel_id"] == channel_id]
    return view.pick(mine, "status", "prompt_id", "message_id")


async def test_two_services_on_one_database_post_a_slot_once(world):
    first, second = await world.service(), await world.service()
    outcomes = await asyncio.gather(first.tick(SLOT), second.tick(SLOT), first.tick(SLOT))
    assert len(world.publisher.published) == 1
    assert sorted(o.status for batch in outcomes for o in batch) == ["posted"]
    assert [s for s, _, _ in await posts(first)] == ["posted"]


async def test_crash_between_claim_and_post_posts_exactly_once_after_restart(world):
    crashed = await world.service()
    post_id = await crashed.store.posts.claim_slot(
        GUILD, A, int(SLOT.timestamp()), int(SLOT.timestamp())
    )
    await crashed.store.posts.set_prompt(post_id, "joy-2", "joy")  # then the process died

    restarted = await world.service()
    later = SLOT + timedelta(seconds=STALE_AFTER + 60)
    [outcome] = await restarted.tick(later)
    assert (outcome.status, outcome.post_id, outcome.prompt_id) == ("posted", post_id, "joy-2")
    assert await restarted.tick(later + timedelta(minutes=1)) == []
    assert world.publisher.published == [(A, "joy-2", post_id)]


async def test_crash_after_discord_took_the_message_is_not_posted_again(world):
    crashed = await world.service()
    post_id = await crashed.store.posts.claim_slot(
        GUILD, A, int(SLOT.timestamp()), int(SLOT.timestamp())
    )
    await crashed.store.posts.set_prompt(post_id, "joy-2", "joy")
    world.publisher.messages.append(
        (A, "joy-2", 555, post_id)
    )  # Discord accepted it, then the crash

    restarted = await world.service()
    [outcome] = await restarted.tick(SLOT + timedelta(seconds=STALE_AFTER + 60))
    assert outcome.status == "posted" and outcome.message_id == 555
    assert world.publisher.published == []
    assert await posts(restarted) == [("posted", "joy-2", 555)]


async def test_missed_slot_inside_catch_up_window_is_posted_once(world):
    service = await world.service()
    late = SLOT + timedelta(minutes=40)
    [outcome] = await service.tick(late)
    assert outcome.status == "posted" and outcome.slot == SLOT
    assert await service.tick(late + timedelta(minutes=1)) == []
    assert len(world.publisher.published) == 1


async def test_missed_slot_outside_catch_up_window_is_skipped_and_logged(world, caplog):
    service = await world.service()
    await service.tick(SLOT)  # yesterday's slot was posted; then the bot was down 3 days
    with caplog.at_level(logging.WARNING):
        [outcome] = await service.tick(SLOT + timedelta(days=3, hours=2))
    assert (outcome.status, outcome.reason) == ("skipped", "missed")
    assert len(world.publisher.published) == 1
    assert "2 slot(s) from 2026-06-02T08:00:00+00:00 to 2026-06-03T08:00:00+00:00" in caplog.text


async def test_a_fresh_database_warns_of_no_missed_slot_from_before_the_first_run(world, caplog):
    """The first start of a channel finds its latest slot in the past: nothing was missed, so
    moderators reading warnings see none, and that slot is not posted late."""
    service = await world.service()
    with caplog.at_level(logging.INFO, logger="bot.posting"):
        [outcome] = await service.tick(SLOT + timedelta(hours=5))
    assert (outcome.status, outcome.reason) == ("skipped", "missed")
    assert world.publisher.published == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "first run" in caplog.text


async def test_a_year_down_with_a_slot_every_minute_is_counted_up_to_a_cap(
    tmp_path, database, caplog
):
    world = World(tmp_path, database, channel(A, "* * * * *", catch_up=timedelta(minutes=5)))
    try:
        service = await world.service()
        await service.tick(SLOT)
        later = SLOT + timedelta(days=365)
        with caplog.at_level(logging.WARNING):
            [outcome] = await service.tick(later)
        assert (outcome.status, outcome.slot) == ("posted", later)
        first, last = SLOT + timedelta(minutes=1), later - timedelta(minutes=1)
        expected = f"more than 10,000 slot(s) from {first.isoformat()} to {last.isoformat()}"
        assert expected in caplog.text
    finally:
        await world.close()


async def test_pause_skips_slots_until_resumed(world):
    service = await world.service()
    await service.controls.pause(GUILD, A, SLOT)
    [paused] = await service.tick(SLOT)
    assert (paused.status, paused.reason) == ("skipped", "paused")
    await service.controls.resume(GUILD, A, SLOT)
    [posted] = await service.tick(SLOT + timedelta(days=1))
    assert posted.status == "posted"
    assert len(world.publisher.published) == 1


async def test_skip_takes_the_next_slot_without_using_a_prompt(world):
    service = await world.service()
    first_choice = (await service.controls.upcoming(GUILD, A, SLOT - timedelta(hours=1), 1))[
        0
    ].prompt
    assert await service.controls.skip(GUILD, A, SLOT) == 1
    [skipped] = await service.tick(SLOT)
    [posted] = await service.tick(SLOT + timedelta(days=1))
    assert (skipped.status, skipped.reason) == ("skipped", "skip requested")
    assert posted.prompt_id == first_choice.id  # the skip consumed no prompt


async def test_low_pool_notice_goes_to_mod_log_once_per_cycle(tmp_path, database):
    world = World(tmp_path, database, themes={"grief": 4})
    service = await world.service()
    for day in range(3):
        await service.tick(SLOT + timedelta(days=day))
    await world.close()
    low = [n for n in world.publisher.notices if "unused prompt" in n]
    assert low == [
        f"<#{A}> has 2 unused prompt(s) left in this cycle; after that prompts start"
        " repeating. Add prompts or widen the channel's themes."
    ]


async def test_low_pool_notice_is_sent_once_per_cycle_across_restarts_and_processes(
    tmp_path, database
):
    world = World(tmp_path, database, themes={"grief": 4})
    try:
        for day in range(6):  # a restart every day, two processes running each time
            first, second = await world.service(), await world.service()
            await asyncio.gather(*(s.tick(SLOT + timedelta(days=day)) for s in (first, second)))
        assert len(world.publisher.published) == 6
        low = [n for n in world.publisher.notices if "unused prompt" in n]
        assert [n.split(";")[0] for n in low] == [
            f"<#{A}> has 2 unused prompt(s) left in this cycle",  # day 2 of the first cycle
            f"<#{A}> has 2 unused prompt(s) left in this cycle",  # day 2 of the second
        ]
    finally:
        await world.close()


async def test_transient_error_is_retried_with_backoff_then_posted(world):
    world.publisher.errors[A] = [PostUnavailable("503"), PostUnavailable("network down")]
    service = await world.service()
    [outcome] = await service.tick(SLOT)
    assert outcome.status == "posted"
    assert world.sleeps == [5.0, 10.0]
    assert world.publisher.lookups == 2  # looked for an earlier success before each retry
    assert len(world.publisher.published) == 1


async def test_transient_errors_past_the_window_fail_with_a_notice(tmp_path, database):
    world = World(tmp_path, database, channel(A, catch_up=timedelta(seconds=30)))
    world.publisher.errors[A] = [PostUnavailable("503")] * 10
    service = await world.service()
    [outcome] = await service.tick(SLOT)
    await world.close()
    assert outcome.status == "failed" and world.sleeps == [5.0, 10.0]
    assert world.publisher.notices[0].startswith(f"Could not post prompt `grief-1` in <#{A}>")


async def test_refused_channel_fails_with_notice_while_other_channel_posts(tmp_path, database):
    world = World(tmp_path, database, channel(A), channel(B))
    world.publisher.errors[A] = [PostRefused("missing permissions (403)")]
    service = await world.service()
    outcomes = {o.channel_id: o for o in await service.tick(SLOT)}
    assert outcomes[A].status == "failed" and outcomes[B].status == "posted"
    assert [s for s, _, _ in await posts(service, A)] == ["failed"]
    assert world.sleeps == []  # permanent: not retried
    assert world.publisher.notices == [
        f"Could not post prompt `grief-1` in <#{A}>: missing permissions (403)"
    ]
    await world.close()


async def test_unexpected_error_in_one_channel_does_not_stop_the_others(tmp_path, database, caplog):
    world = World(tmp_path, database, channel(A), channel(B))
    world.publisher.errors[A] = [RuntimeError("bug")]
    service = await world.service()
    with caplog.at_level(logging.ERROR):
        outcomes = {o.channel_id: o.status for o in await service.tick(SLOT)}
    await world.close()
    assert outcomes == {A: "error", B: "posted"}
    assert "posting pass failed" in caplog.text


async def test_next_wake_is_the_earliest_slot_capped_at_a_minute(tmp_path, database):
    world = World(tmp_path, database, channel(A, "0 9 * * *"), channel(B, "30 8 * * *"))
    service = await world.service()
    assert service.next_wake(SLOT - timedelta(seconds=20)) == SLOT
    two_hours_before = SLOT - timedelta(hours=2)
    assert service.next_wake(two_hours_before) == two_hours_before + timedelta(minutes=1)
    b_slot = SLOT - timedelta(minutes=30)  # 08:30 London
    assert service.next_wake(b_slot - timedelta(seconds=30)) == b_slot
    await world.close()


async def test_broken_prompt_edit_keeps_library_and_reports_once(world):
    service = await world.service()
    broken = world.tmp_path / "prompts" / "joy.yaml"
    broken.write_text("id: joy\ntitle: Joy\nprompts:\n  - id: joy-1\n    question: [oops\n")
    await service.tick(SLOT)
    await service.tick(SLOT + timedelta(minutes=1))
    assert world.holder.library.prompt("joy-1") is not None  # last good library in use
    [notice] = world.publisher.notices
    assert "joy.yaml:" in notice and "last good prompts stay in use" in notice
    write_theme(world.tmp_path / "prompts", "joy", 5)
    await service.tick(SLOT + timedelta(minutes=2))
    assert world.holder.library.prompt("joy-5") is not None


async def test_post_now_with_theme_and_prompt_filters_and_clear_errors(world):
    service = await world.service()
    by_theme = await service.controls.post_now(GUILD, A, theme_id="joy", now=SLOT)
    by_prompt = await service.controls.post_now(
        GUILD, A, prompt_id=" grief-3 ", now=SLOT
    )  # pasted id
    assert (by_theme.prompt_id, by_prompt.prompt_id) == ("joy-1", "grief-3")
    for kwargs, text in [
        ({"theme_id": "nope"}, "no theme `nope`"),
        ({"prompt_id": "nope"}, "no prompt `nope`"),
        ({"theme_id": "joy", "prompt_id": "grief-1"}, "belongs to theme `grief`"),
    ]:
        with pytest.raises(PostingError, match=text):
            await service.controls.post_now(GUILD, A, now=SLOT, **kwargs)
    with pytest.raises(PostingError, match="not a discussion channel"):
        await service.controls.post_now(GUILD, 999, now=SLOT)
    # Posted by hand, they count for the rotation: the schedule moves on to the others.
    [scheduled] = await service.tick(SLOT)
    assert scheduled.prompt_id not in ("joy-1", "grief-3")


async def test_disabled_prompt_is_refused(tmp_path, database):
    world = World(tmp_path, database)
    write_theme(tmp_path / "prompts", "joy", 3, disabled=(2,))
    world.holder.reload()
    service = await world.service()
    with pytest.raises(PostingError, match="disabled"):
        await service.controls.post_now(GUILD, A, prompt_id="joy-2", now=SLOT)
    await world.close()


async def test_upcoming_and_schedule_summary(world):
    service = await world.service()
    await service.controls.skip(GUILD, A, SLOT)
    plan = await service.controls.upcoming(GUILD, A, SLOT - timedelta(hours=1), 3)
    assert [p.slot for p in plan] == [SLOT + timedelta(days=d) for d in range(3)]
    assert plan[0].skipped and [p.prompt.id for p in plan[1:]] == ["grief-1", "joy-1"]
    [summary] = await service.controls.schedule_summary(SLOT, count=2)
    assert summary.pending_skips == 1 and not summary.paused
    assert summary.next_slots == [SLOT + timedelta(days=1), SLOT + timedelta(days=2)]


@pytest.mark.parametrize(
    ("zone", "cron", "first", "repeat"),
    [
        # Spring forward: 02:30 does not exist in New York on 8 March; posted at 03:00 EDT.
        ("America/New_York", "30 2 * * *", datetime(2026, 3, 8, 7, 0, tzinfo=UTC), None),
        # Fall back: 01:30 happens twice in New York on 1 November; posted at the first only.
        (
            "America/New_York",
            "30 1 * * *",
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
        ),
        # London: 01:30 is skipped on 29 March (posted 02:00 BST), repeated on 25 October.
        ("Europe/London", "30 1 * * *", datetime(2026, 3, 29, 1, 0, tzinfo=UTC), None),
        (
            "Europe/London",
            "30 1 * * *",
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
    ],
)
async def test_daylight_saving_days_post_exactly_once(
    tmp_path, database, zone, cron, first, repeat
):
    world = World(tmp_path, database, channel(A, cron, timezone=zone))
    service = await world.service()
    assert service.next_wake(first - timedelta(seconds=30)) == first
    [outcome] = await service.tick(first)
    assert (outcome.status, outcome.slot) == ("posted", first)
    if repeat is not None:
        assert await service.tick(repeat) == []
        assert await service.tick(repeat + timedelta(minutes=30)) == []
    assert len(world.publisher.published) == 1
    await world.close()


async def interrupted(service, prompt_id="joy-2", theme_id="joy") -> int:
    slot = int(SLOT.timestamp())
    post_id = await service.store.posts.claim_slot(GUILD, A, slot, slot)
    await service.store.posts.set_prompt(post_id, prompt_id, theme_id)
    return post_id  # ... and then the process died


async def test_claim_found_on_discord_after_the_window_is_posted_and_announced(world):
    crashed = await world.service()
    post_id = await interrupted(crashed)
    world.publisher.messages.append((A, "joy-2", 777, post_id))  # Discord took it before the crash
    restarted = await world.service()
    announced = []
    restarted.delivery.on_posted = announced.append
    outcomes = await restarted.tick(SLOT + timedelta(hours=3))
    assert [(o.status, o.post_id, o.message_id) for o in outcomes] == [("posted", post_id, 777)]
    assert [o.post_id for o in announced] == [post_id]
    assert world.publisher.published == [] and world.publisher.notices == []
    assert await posts(restarted) == [("posted", "joy-2", 777)]


async def test_claim_lost_after_the_window_fails_with_a_notice_to_moderators(world):
    crashed = await world.service()
    post_id = await interrupted(crashed)
    restarted = await world.service()
    [outcome] = await restarted.tick(SLOT + timedelta(hours=3))
    assert (outcome.status, outcome.post_id) == ("failed", post_id)
    assert world.publisher.published == []
    assert await posts(restarted) == [("failed", "joy-2", None)]
    [notice] = world.publisher.notices
    assert notice.startswith(f"Could not post prompt `joy-2` in <#{A}>: interrupted")


async def test_interrupted_claim_in_a_paused_channel_is_not_posted_on_recovery(world):
    crashed = await world.service()
    post_id = await interrupted(crashed)
    await crashed.controls.pause(GUILD, A, SLOT)
    restarted = await world.service()
    [outcome] = await restarted.tick(SLOT + timedelta(seconds=STALE_AFTER + 60))
    assert (outcome.status, outcome.post_id, outcome.reason) == ("skipped", post_id, "paused")
    assert world.publisher.published == []
    assert await posts(restarted) == [("skipped", "joy-2", None)]


class HangingPublisher(RecordingPublisher):
    """Discord accepts the first send but its answer never comes back."""

    def __init__(self) -> None:
        super().__init__()
        self.hung = False

    async def publish(self, guild, channel, prompt, post_id):
        published = await super().publish(guild, channel, prompt, post_id)
        if not self.hung:
            self.hung = True
            await asyncio.Event().wait()
        return published


async def test_an_attempt_that_never_answers_counts_as_an_outage_and_is_not_posted_twice(
    tmp_path, database
):
    world = World(tmp_path, database)
    world.publisher = HangingPublisher()
    service = await world.service()
    service.pacing.attempt_timeout = 0.05
    [outcome] = await asyncio.wait_for(service.tick(SLOT), 5)
    await world.close()
    assert outcome.status == "posted" and world.sleeps == [5.0]
    assert len(world.publisher.messages) == 1 and world.publisher.lookups == 1


class SlowDiscord(RecordingPublisher):
    """Discord down until ``back`` seconds into the test; the first look for a message takes
    ``slow_look`` seconds. Each publish attempt that starts once its claim is old enough to be
    taken as interrupted lets ``other`` (a second process) run a pass at that moment."""

    def __init__(self, world, slow_look: float, back: float) -> None:
        super().__init__()
        self.world, self.slow_look, self.back = world, slow_look, back
        self.other = None

    def at(self) -> datetime:
        return SLOT + timedelta(seconds=self.world.elapsed)

    async def find_published(self, channel, prompt, since, post_id):
        if self.slow_look:
            slow, self.slow_look = self.slow_look, 0
            await self.world.sleep(slow)
        return await super().find_published(channel, prompt, since, post_id)

    async def publish(self, guild, channel, prompt, post_id):
        other = self.other
        if other is not None:
            row = await other.store.posts.post(post_id)
            if self.at().timestamp() >= row.claimed_at + STALE_AFTER:
                self.other = None  # once is enough to show it
                await other.tick(self.at())
        if self.world.elapsed < self.back:
            raise PostUnavailable("503")
        return await super().publish(guild, channel, prompt, post_id)


async def test_a_pass_slowed_before_posting_never_posts_a_slot_another_pass_took_over(world):
    crashed = await world.service()
    yesterday = int((SLOT - timedelta(days=1)).timestamp())
    old = await crashed.store.posts.claim_slot(GUILD, A, yesterday, yesterday)
    await crashed.store.posts.set_prompt(old, "joy-3", "joy")  # interrupted yesterday, long ago
    world.publisher = discord = SlowDiscord(world, slow_look=350, back=620)
    first, second = await world.service(), await world.service()
    discord.other = second
    announced = []
    first.delivery.on_posted = second.delivery.on_posted = announced.append

    outcomes = await first.tick(SLOT)  # its look for yesterday's message takes 350 s

    assert len(discord.messages) == 1  # one message for today's slot, whoever sent it
    assert await posts(first) == [
        ("failed", "joy-3", None),
        ("posted", discord.published[0][1], discord.messages[0][2]),
    ]
    assert [o.message_id for o in announced] == [discord.messages[0][2]]
    assert "posted" in [o.status for o in outcomes]


class SilentLookups(RecordingPublisher):
    """Discord never answers the first look for an earlier message."""

    def __init__(self) -> None:
        super().__init__()
        self.silent = 1

    async def find_published(self, channel, prompt, since, post_id):
        if self.silent:
            self.silent -= 1
            await asyncio.Event().wait()
        return await super().find_published(channel, prompt, since, post_id)


async def test_a_look_for_an_interrupted_post_that_never_answers_posts_nothing(world):
    crashed = await world.service()
    post_id = await interrupted(crashed)
    world.publisher = SilentLookups()
    restarted = await world.service()
    restarted.pacing.attempt_timeout = 0.05
    later = SLOT + timedelta(seconds=STALE_AFTER + 60)
    assert await asyncio.wait_for(restarted.tick(later), 5) == []
    assert world.publisher.published == [] and world.publisher.notices == []
    assert await posts(restarted) == [("claimed", "joy-2", None)]  # left for a later pass
    [outcome] = await restarted.tick(later + timedelta(minutes=1))
    assert (outcome.status, outcome.post_id) == ("posted", post_id)
    assert world.publisher.published == [(A, "joy-2", post_id)]


class TakenOverMidAttempt(RecordingPublisher):
    """While Discord takes the post, another process takes the claim over as interrupted."""

    def __init__(self, other_store) -> None:
        super().__init__()
        self.other_store = other_store

    async def publish(self, guild, channel, prompt, post_id):
        row = await self.other_store.posts.post(post_id)
        assert await self.other_store.claims.take_retry(post_id, row.claimed_at, row.claimed_at + 1)
        return await super().publish(guild, channel, prompt, post_id)


async def test_a_pass_that_lost_its_claim_records_and_announces_nothing(world):
    other = await world.service()
    world.publisher = TakenOverMidAttempt(other.store)
    service = await world.service()
    announced = []
    service.delivery.on_posted = announced.append
    [outcome] = await service.tick(SLOT)
    assert outcome.status == "taken over" and announced == []
    [row] = await posts(service)
    assert row[0] == "claimed" and row[2] is None  # the new holder records what happens


async def test_a_claim_left_unresolved_counts_as_used_so_no_question_shows_twice_in_a_cycle(
    tmp_path, database
):
    world = World(tmp_path, database, channel(A, "* * * * *"))
    crashed = await world.service()
    first = (await crashed.controls.upcoming(GUILD, A, SLOT - timedelta(minutes=1), 1))[0].prompt
    post_id = await interrupted(crashed, first.id, first.theme_id)
    world.publisher.messages.append((A, first.id, 999, post_id))  # sent; then the crash

    restarted = await world.service()
    for minute in range(1, 12):  # the claim is taken as interrupted after STALE_AFTER
        await restarted.tick(SLOT + timedelta(minutes=minute))
    shown = [first.id] + [prompt for _, prompt, _ in world.publisher.published]
    assert len(shown) == 12 and shown[0] not in shown[1:6]
    assert len(set(shown[:6])) == 6  # one whole cycle of the six prompts, none twice
    assert (await posts(restarted))[0] == ("posted", first.id, 999)
    await world.close()


class BusyDiscord(RecordingPublisher):
    """Each post takes ``seconds`` of the injected clock (a rate-limited burst), and yields to
    the event loop meanwhile so that other channels' posts can run alongside."""

    def __init__(self, world: World, seconds: float) -> None:
        super().__init__()
        self.world, self.seconds = world, seconds
        self.in_flight = self.most_in_flight = 0

    async def publish(self, guild, channel, prompt, post_id):
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(3):
                await asyncio.sleep(0)
            self.world.elapsed += self.seconds
            return await super().publish(guild, channel, prompt, post_id)
        finally:
            self.in_flight -= 1


async def test_a_burst_longer_than_a_claim_may_wait_posts_every_channel_a_few_at_a_time(
    tmp_path, database
):
    """Every channel due in the same minute, each post slowed by Discord's rate limits: the
    pass posts a bounded number of channels at once and claims each slot when its turn comes,
    so no claim waits so long that it is left for recovery."""
    channels = [channel(100 + n) for n in range(3 * POSTING_LANES)]
    world = World(tmp_path, database, *channels, themes={"joy": 5})
    # 3 s a post: 450 s in all, yet never 300 s between a claim and its attempt in a lane
    world.publisher = busy = BusyDiscord(world, seconds=3.0)
    service = await world.service()
    outcomes = await service.tick(SLOT)
    rows = await view.rows(STORES_OF[service], "posts")
    await world.close()
    assert sorted({o.status for o in outcomes}) == ["posted"]
    assert sorted(cid for cid, _, _ in busy.published) == [c.channel_id for c in channels]
    assert 1 < busy.most_in_flight <= POSTING_LANES
    # 450 s in all, but no claim waited more than its lane's share of that for its message
    waits = [r["posted_at"] - r["claimed_at"] for r in rows]
    assert max(r["posted_at"] for r in rows) - SLOT.timestamp() >= 400
    assert max(waits) <= STALE_AFTER // 2


class HeldDiscord(RecordingPublisher):
    """Every post waits until the test releases Discord."""

    def __init__(self) -> None:
        super().__init__()
        self.released = asyncio.Event()
        self.waiting = 0

    async def publish(self, guild, channel, prompt, post_id):
        self.waiting += 1
        await self.released.wait()
        return await super().publish(guild, channel, prompt, post_id)


async def test_a_pass_during_a_long_burst_leaves_its_channels_to_the_pass_already_on_them(
    tmp_path, database
):
    """The scheduler starts a pass at least every minute; while a burst still holds every lane
    (and more channels wait for one), the next pass returns at once instead of queuing every
    channel a second time behind the first."""
    channels = [channel(100 + n) for n in range(POSTING_LANES + 5)]
    world = World(tmp_path, database, *channels, themes={"joy": 5})
    world.publisher = held = HeldDiscord()
    service = await world.service()
    first = asyncio.create_task(service.tick(SLOT))
    while held.waiting < POSTING_LANES:
        await asyncio.sleep(0.01)
    later = await asyncio.wait_for(service.tick(SLOT + timedelta(minutes=1)), 5)
    held.released.set()
    outcomes = await asyncio.wait_for(first, 30)
    await world.close()
    assert later == []
    assert sorted(o.status for o in outcomes) == ["posted"] * len(channels)
    assert sorted(cid for cid, _, _ in held.published) == [c.channel_id for c in channels]


async def test_a_channels_next_slot_is_posted_though_its_previous_pass_is_still_running(
    tmp_path, database
):
    """A pass still posting a channel's slot (Discord slow, a rate limit) leaves that channel
    alone only for the same slot: when the next tick finds a newer slot due there, it is
    claimed and posted too, not dropped because a pass was already on the channel."""
    often = channel(100, cron="*/2 * * * *")
    world = World(tmp_path, database, often, themes={"joy": 5})
    world.publisher = held = HeldDiscord()
    service = await world.service()
    first = asyncio.create_task(service.tick(SLOT))
    while held.waiting < 1:
        await asyncio.sleep(0.01)
    later = asyncio.create_task(service.tick(SLOT + timedelta(minutes=2)))
    while held.waiting < 2 and not later.done():
        await asyncio.sleep(0.01)
    held.released.set()
    await asyncio.wait_for(first, 30)
    await asyncio.wait_for(later, 30)
    rows = await view.rows(STORES_OF[service], "posts")
    await world.close()
    assert len(held.published) == 2  # each slot once
    assert [r["status"] for r in rows] == ["posted", "posted"]
    assert sorted(r["slot"] for r in rows) == [
        int(SLOT.timestamp()),
        int((SLOT + timedelta(minutes=2)).timestamp()),
    ]
