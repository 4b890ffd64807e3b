"""Discord failing while the scheduler posts (recorded HTTP layer): rate limits, server errors
beyond discord.py's own retries, refusals of the message or only of its thread, and the network
dropping — the post lands once or is reported, and the loop keeps going."""

from datetime import timedelta

import aiohttp

from tests.adapter.test_posting import SLOT, Clock, posting_bot, start
from tests.discord_harness import FakeDiscord
from tests.posting_helpers import MODLOG, channel
from tests.store import view

A, B = 20, 21
SEND_A = f"/channels/{A}/messages"
THREAD_A = f"/channels/{A}/messages/{{m}}/threads"


async def ready(fd, bot, *channel_ids):
    """Connected an hour before the slot (nothing due), with the service's sleep recorded."""
    await start(fd, *channel_ids)
    cog = bot.get_cog("Posting")
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)

    cog.service.pacing.sleep = recorded_sleep
    return cog, waits


async def rows(bot, channel_id: int) -> list[dict]:
    """The channel's posts from today's slot on (the first pass records yesterday's as missed)."""
    fields = ("status", "prompt_id", "message_id", "thread_id", "error")
    rows = await view.rows(bot.services.stores, "posts")
    today = [r for r in rows if r["channel_id"] == channel_id and r["slot"] >= SLOT.timestamp()]
    return [{f: r[f] for f in fields} for r in sorted(today, key=lambda r: r["slot"])]


def early() -> Clock:
    return Clock(SLOT - timedelta(hours=1))


def statuses(fd, method: str, path: str) -> list[int]:
    return [r.status for r in fd.requests_to(method, path)]


def stored_bot_messages(fd, channel_id: int) -> list[dict]:
    """What Discord holds in the channel (the fake's memory, not what the bot believes)."""
    return [
        m
        for m in fd.server.messages.values()
        if int(m["channel_id"]) == channel_id and m["author"]["id"] == fd.bot_user["id"]
    ]


async def test_rate_limited_post_lands_once_after_discord_py_waits(tmp_path, make_bot):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, 429, retry_after=2.5)
        clock.now = SLOT
        await cog.run_once()

        assert statuses(fd, "POST", SEND_A) == [429, 200]
        assert fd.rate_limit_sleeps == [2.5]  # discord.py's own wait, not the scheduler's
        assert waits == []
        assert len(stored_bot_messages(fd, A)) == 1
        [row] = await rows(bot, A)
        assert row["status"] == "posted" and row["thread_id"] is not None
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []


async def test_a_long_rate_limit_is_retried_by_the_scheduler_not_slept_through(tmp_path, make_bot):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, 429, retry_after=600)  # ten minutes: too long to block
        clock.now = SLOT
        await cog.run_once()

        assert statuses(fd, "POST", SEND_A) == [429, 200]
        assert fd.rate_limit_sleeps == []  # discord.py did not sleep ten minutes
        assert waits == [5.0]  # the scheduler's own retry inside the slot's window
        assert len(stored_bot_messages(fd, A)) == 1
        [row] = await rows(bot, A)
        assert row["status"] == "posted"


async def test_rate_limits_beyond_discord_py_retries_are_retried_not_reported_refused(
    tmp_path, make_bot
):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, 429, retry_after=0.5, times=5)  # discord.py tries 5 times
        clock.now = SLOT
        await cog.run_once()

        assert statuses(fd, "POST", SEND_A) == [429] * 5 + [200]
        assert waits == [5.0]  # an outage to wait out, not Discord refusing the post
        assert len(stored_bot_messages(fd, A)) == 1
        [row] = await rows(bot, A)
        assert row["status"] == "posted" and row["error"] is None
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []


async def test_server_errors_beyond_discord_py_retries_post_once_inside_the_window(
    tmp_path, make_bot
):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, 500, times=6)  # discord.py gives up after 5 attempts
        clock.now = SLOT
        await cog.run_once()

        assert statuses(fd, "POST", SEND_A) == [500] * 6 + [200]
        assert waits == [5.0]  # one scheduler retry, after looking whether Discord took it
        assert len(fd.requests_to("GET", SEND_A)) == 1
        assert len(stored_bot_messages(fd, A)) == 1
        [row] = await rows(bot, A)
        assert row["status"] == "posted" and row["error"] is None
        posted = [
            r for r in await view.rows(bot.services.stores, "posts") if r["status"] == "posted"
        ]
        slot, posted_at = view.pick(posted, "slot", "posted_at")[0]
        assert slot <= posted_at <= slot + 3600  # inside the one-hour catch-up window
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []


async def test_outage_past_the_window_fails_the_slot_and_the_next_slot_posts(tmp_path, make_bot):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, 500, times=10_000)
        clock.now = SLOT
        await cog.run_once()

        assert waits == [5.0, 10.0, 20.0, 40.0, 80.0, 120.0]  # growing pauses, then give up
        assert set(statuses(fd, "POST", SEND_A)) == {500}
        assert stored_bot_messages(fd, A) == []
        [failed] = await rows(bot, A)
        assert failed["status"] == "failed" and "Discord server error (500)" in failed["error"]
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert notice.json["content"] == (
            f"Could not post prompt `{failed['prompt_id']}` in <#{A}>: Discord server error (500)"
        )
        assert notice.pings.nobody

        fd.transport.failures.clear()  # Discord is back by the next day
        clock.now = SLOT + timedelta(days=1)
        await cog.run_once()
        assert not cog._task.done()  # the scheduler task is still alive
        assert len(stored_bot_messages(fd, A)) == 1
        assert [r["status"] for r in await rows(bot, A)] == ["failed", "posted"]
        assert len(fd.requests_to("POST", f"/channels/{MODLOG}/messages")) == 1


async def test_thread_refused_keeps_the_post_without_thread_and_tells_moderators(
    tmp_path, make_bot
):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", THREAD_A, 403)
        clock.now = SLOT
        await cog.run_once()
        await cog.run_once()  # a second pass does not try again

        [post] = fd.requests_to("POST", SEND_A)
        assert post.status == 200 and statuses(fd, "POST", THREAD_A) == [403]
        assert waits == []
        [row] = await rows(bot, A)
        assert row["status"] == "posted" and row["message_id"] == int(post.response["id"])
        assert row["thread_id"] is None
        # No thread, so no follow-ups anywhere but the one post.
        assert [
            r.path for r in fd.requests if r.method == "POST" and r.path.endswith("/messages")
        ] == [
            SEND_A,
            f"/channels/{MODLOG}/messages",
        ]
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert notice.json["content"] == (
            "Posted `grief-1` but no thread: missing permissions in "
            f"<#{A}> (403: Missing Permissions)"
        )
        assert notice.pings.nobody


async def test_refusal_is_not_retried_while_another_channel_retries_an_outage(tmp_path, make_bot):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), channel(B), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A, B)
        fd.fail_next("POST", SEND_A, 403)
        fd.fail_next("POST", f"/channels/{B}/messages", 503)
        clock.now = SLOT
        await cog.run_once()

        assert statuses(fd, "POST", SEND_A) == [403]  # a refusal is final
        assert statuses(fd, "POST", f"/channels/{B}/messages") == [503, 200]
        assert waits == [5.0]  # only the outage in B waited
        assert [r["status"] for r in await rows(bot, A)] == ["failed"]
        assert [r["status"] for r in await rows(bot, B)] == ["posted"]
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert f"<#{A}>" in notice.json["content"] and "403" in notice.json["content"]


async def test_network_error_is_retried_and_posts_once(tmp_path, make_bot):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, exc=aiohttp.ClientConnectionError("connection reset"))
        clock.now = SLOT
        await cog.run_once()

        assert len(fd.requests_to("POST", SEND_A)) == 2 and waits == [5.0]
        assert len(fd.requests_to("GET", SEND_A)) == 1  # looked before sending again
        assert len(stored_bot_messages(fd, A)) == 1
        assert [r["status"] for r in await rows(bot, A)] == ["posted"]


async def test_answer_lost_after_discord_stored_the_post_is_not_posted_again(tmp_path, make_bot):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        send = fd.transport.routes[("POST", "/channels/{channel_id}/messages")]
        lost = []

        def stored_then_timeout(req, params):
            answer = send(req, params)
            if not lost and int(params["channel_id"]) == A:
                lost.append(answer[1]["id"])
                raise TimeoutError  # Discord kept the message; its answer never arrived
            return answer

        fd.respond("POST", "/channels/{channel_id}/messages", stored_then_timeout)
        clock.now = SLOT
        await cog.run_once()

        assert len(fd.requests_to("POST", SEND_A)) == 1 and waits == [5.0]
        [message] = stored_bot_messages(fd, A)
        [row] = await rows(bot, A)
        assert row["status"] == "posted" and row["message_id"] == int(lost[0])
        [thread] = fd.requests_to("POST", THREAD_A)  # the thread is completed on the found post
        assert thread.ids[1] == int(message["id"]) and row["thread_id"] is not None


async def test_thread_outage_after_the_post_was_sent_keeps_the_post_and_tells_moderators(
    tmp_path, make_bot
):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, waits = await ready(fd, bot, A)
        fd.fail_next("POST", THREAD_A, 503, times=10_000)
        clock.now = SLOT
        await cog.run_once()

        [post] = fd.requests_to("POST", SEND_A)
        assert post.status == 200 and waits == []
        assert len(stored_bot_messages(fd, A)) == 1
        [row] = await rows(bot, A)
        assert row["status"] == "posted" and row["message_id"] == int(post.response["id"])
        assert row["thread_id"] is None and row["error"] is None
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert notice.json["content"] == (
            "Posted `grief-1` but no thread: Discord server error (503)"
        )
        assert notice.pings.nobody
