"""The scheduler cog against discord.py's real REST and gateway code (offline harness): the exact
post request, its thread and follow-ups, mentions, failures per channel, and the loop's clock."""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import discord

from bot.adapter.posting import Posting, scheduler_ended
from bot.adapter.publisher import prompt_embed
from bot.posting.service import STALE_AFTER
from bot.prompts.model import Library, Prompt, Theme
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import GUILD, MODLOG, channel, library_holder, settings
from tests.store import view

A, B, MISSING, ROLE, MEMBER = 20, 21, 22, 50, 30
SLOT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 in London


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def posting_bot(make_bot, tmp_path, *channels, clock=None, holder=None):
    """The bot with only the scheduler, on the given channels (default: A, pinging ROLE)."""
    config = settings(tmp_path, *(channels or (channel(A, ping_role_id=ROLE),)))
    holder = holder or library_holder(tmp_path, {"grief": 2, "joy": 2})
    return make_bot(config, holder, cogs=[Posting], clock=clock or Clock(SLOT))


def community(fd, *channel_ids):
    return payloads.guild(
        GUILD,
        channels=[payloads.text_channel(c, GUILD, f"ch{c}") for c in (*channel_ids, MODLOG)],
        roles=[payloads.role(ROLE, "Discussion")],
        members=[fd.bot_member(), payloads.member(MEMBER)],
    )


async def start(fd, *channel_ids):
    """Connect; the scheduler task (started at setup) then runs its first pass."""
    await fd.connect(community(fd, *channel_ids))
    await fd.settle(set())


def wire(request) -> dict:
    return {k: v for k, v in request.json.items() if k not in ("nonce", "enforce_nonce")}


async def rows(bot, channel_id):
    fields = ("status", "prompt_id", "message_id", "thread_id", "error")
    rows = await view.rows(bot.services.stores, "posts")
    return [{f: r[f] for f in fields} for r in rows if r["channel_id"] == channel_id]


async def test_post_is_an_embed_pinging_only_the_role_then_a_thread_with_followups(
    tmp_path, make_bot
):
    bot = posting_bot(make_bot, tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd, A)
        [post] = fd.requests_to("POST", f"/channels/{A}/messages")
        assert wire(post) == {
            "content": f"<@&{ROLE}>",
            "embeds": [
                {
                    "title": "What does grief question 1 make you think of?",
                    "fields": [
                        {
                            "name": "Context",
                            "value": "“A quote about grief.” (from the essay e.txt)",
                            "inline": False,
                        }
                    ],
                    "footer": {"text": "Theme: Grief · From: e.txt · post 1"},
                    "type": "rich",
                    "flags": 0,
                }
            ],
            "allowed_mentions": {"parse": [], "roles": [ROLE]},
            "components": [],
            "tts": False,
        }
        message_id = int(post.response["id"])
        [thread] = fd.requests_to("POST", f"/channels/{A}/messages/{message_id}/threads")
        assert thread.json == {
            "name": "What does grief question 1 make you think of?",
            "auto_archive_duration": 1440,
            "rate_limit_per_user": None,
        }
        thread_id = int(thread.response["id"])
        followups = fd.requests_to("POST", f"/channels/{thread_id}/messages")
        assert [f.json["content"] for f in followups] == [
            "Follow-up A to grief-1",
            "Follow-up B to grief-1",
        ]
        assert all(f.json["allowed_mentions"] == {"parse": []} for f in followups)
        assert await rows(bot, A) == [
            {
                "status": "posted",
                "prompt_id": "grief-1",
                "message_id": message_id,
                "thread_id": thread_id,
                "error": None,
            }
        ]


def risky_library() -> SimpleNamespace:
    question = f"@everyone @here <@&{ROLE}> <@{MEMBER}> what do you think? " + "x" * 240
    prompt = Prompt("loud-1", "loud", question, ("@everyone look",), "<@&999> said so", "e.txt")
    return SimpleNamespace(library=Library((Theme("loud", "Loud", (prompt,)),)))


async def test_mentions_in_prompt_text_ping_no_one_only_the_configured_role(tmp_path, make_bot):
    holder = risky_library()
    bot = posting_bot(make_bot, tmp_path, channel(A, ping_role_id=ROLE), channel(B), holder=holder)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd, A, B)
        [with_role] = fd.requests_to("POST", f"/channels/{A}/messages")
        [without] = fd.requests_to("POST", f"/channels/{B}/messages")
        assert with_role.pings.roles == {ROLE} and not with_role.pings.everyone
        assert not with_role.pings.users
        assert without.json["allowed_mentions"] == {"parse": []} and without.pings.nobody
        assert "content" not in without.json or not without.json["content"]
        # Longer than an embed title may be: the question goes in the description.
        embed = without.json["embeds"][0]
        assert "title" not in embed and embed["description"].startswith("@everyone")
        [thread] = fd.requests_to("POST", f"/channels/{B}/messages/{{m}}/threads")
        assert len(thread.json["name"]) == 100 and thread.json["name"].endswith("…")
        for followup in fd.requests_to("POST", f"/channels/{thread.response['id']}/messages"):
            assert followup.pings.nobody


async def test_forbidden_channel_fails_with_mod_log_notice_while_other_posts(tmp_path, make_bot):
    bot = posting_bot(make_bot, tmp_path, channel(A), channel(B))
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        fd.fail_next("POST", f"/channels/{A}/messages", 403)
        await start(fd, A, B)
        assert len(fd.requests_to("POST", f"/channels/{B}/messages")) == 1
        [failed] = await rows(bot, A)
        assert failed["status"] == "failed" and "403" in failed["error"]
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert notice.json["content"].startswith(f"Could not post prompt `grief-1` in <#{A}>")
        assert "Missing Permissions" in notice.json["content"] and notice.pings.nobody
        assert (await rows(bot, B))[0]["status"] == "posted"


async def test_missing_channel_is_refused_with_a_clear_notice(tmp_path, make_bot):
    bot = posting_bot(make_bot, tmp_path, channel(MISSING))
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        [fetch] = fd.requests_to("GET", f"/channels/{MISSING}")
        assert fetch.status == 404
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert (
            f"channel {MISSING} does not exist or the bot cannot see it" in notice.json["content"]
        )


async def test_scheduled_pass_driven_by_the_clock_posts_once(tmp_path, make_bot):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        assert fd.requests_to("POST", f"/channels/{A}/messages") == []
        cog = bot.get_cog("Posting")
        assert cog.service.next_wake(clock()) == clock() + timedelta(seconds=60)
        clock.now = SLOT
        await cog.run_once()
        await cog.run_once()
        clock.now = SLOT + timedelta(minutes=5)
        await cog.run_once()
        assert len(fd.requests_to("POST", f"/channels/{A}/messages")) == 1
    assert cog._task is None  # unloading the cog stopped the scheduler


async def test_restart_after_discord_took_the_message_opens_the_thread_but_does_not_repost(
    tmp_path,
    make_bot,
):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        store = bot.get_cog("Posting").service.store.posts
        slot = int(SLOT.timestamp())
        post_id = await store.claim_slot(GUILD, A, slot, slot)
        await store.set_prompt(post_id, "grief-1", "grief")
        clock.now = SLOT + timedelta(seconds=2)
        prompt = bot.services.library.library.prompt("grief-1")
        sent = await bot.get_channel(A).send(embed=prompt_embed(prompt, "Grief", post_id))
        # ... and the process died before recording it. Restarted later, inside the window:
        clock.now = SLOT + timedelta(seconds=STALE_AFTER + 60)
        await bot.get_cog("Posting").run_once()
        await fd.settle()

        assert len(fd.requests_to("POST", f"/channels/{A}/messages")) == 1  # the one above
        [thread] = fd.requests_to("POST", f"/channels/{A}/messages/{sent.id}/threads")
        missed, row = await rows(bot, A)  # yesterday's slot (missed), then today's
        assert missed["status"] == "skipped"
        assert row["status"] == "posted" and row["message_id"] == sent.id
        assert row["thread_id"] == int(thread.response["id"])
        assert isinstance(bot.get_channel(row["thread_id"]), discord.Thread)


async def test_server_error_is_retried_after_checking_discord_did_not_take_it(tmp_path, make_bot):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        cog = bot.get_cog("Posting")
        waits: list[float] = []

        async def no_sleep(seconds: float) -> None:
            waits.append(seconds)

        cog.service.pacing.sleep = no_sleep
        fd.fail_next("POST", f"/channels/{A}/messages", 503)  # discord.py does not retry 503
        clock.now = SLOT
        await cog.run_once()

        sends = fd.requests_to("POST", f"/channels/{A}/messages")
        assert [r.status for r in sends] == [503, 200] and waits == [5.0]
        [lookup] = fd.requests_to("GET", f"/channels/{A}/messages")  # looked before retrying
        assert "after" in lookup.params
        assert (await rows(bot, A))[-1]["status"] == "posted"


async def test_each_post_is_announced_as_soon_as_it_is_recorded(tmp_path, make_bot):
    """Answers to channel A's post are recorded while channel B still waits to retry."""
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), channel(B), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A, B)
        cog = bot.get_cog("Posting")
        announced: list[int] = []
        a_seen = asyncio.Event()

        async def on_prompt_posted(post_id: int) -> None:
            announced.append(post_id)
            if (await cog.service.store.posts.post(post_id)).channel_id == A:
                a_seen.set()

        bot.add_listener(on_prompt_posted)
        seen_while_b_waits: list[bool] = []

        async def backoff(seconds: float) -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(a_seen.wait(), 2)
            seen_while_b_waits.append(a_seen.is_set())

        cog.service.pacing.sleep = backoff
        fd.fail_next("POST", f"/channels/{B}/messages", 503)
        clock.now = SLOT
        await cog.run_once()
        await fd.settle()

        assert seen_while_b_waits == [True]
        assert [r["status"] for r in await rows(bot, B)][-1] == "posted"
        assert len(announced) == 2  # each post announced once, B's after its retry


async def test_a_channel_backing_off_does_not_hold_up_the_next_channels_slot(tmp_path, make_bot):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), channel(B, "5 9 * * *"), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A, B)
        cog = bot.get_cog("Posting")
        a_waiting, a_may_retry = asyncio.Event(), asyncio.Event()

        async def outage_lasts(seconds: float) -> None:  # only A backs off in this test
            a_waiting.set()
            await a_may_retry.wait()

        cog.service.pacing.sleep = outage_lasts
        fd.fail_next("POST", f"/channels/{A}/messages", 503)
        clock.now = SLOT
        first = cog.start_pass()
        await asyncio.wait_for(a_waiting.wait(), 5)
        clock.now = SLOT + timedelta(minutes=5)  # B's slot comes while A still waits
        await asyncio.wait_for(cog.start_pass(), 5)
        assert [r["status"] for r in await rows(bot, B)][-1] == "posted"
        assert [r["status"] for r in await rows(bot, A)][-1] == "claimed"

        a_may_retry.set()
        await asyncio.wait_for(first, 5)
        await fd.settle()
        assert [r["status"] for r in await rows(bot, A)][-1] == "posted"
        assert len(fd.requests_to("POST", f"/channels/{A}/messages")) == 2


async def test_a_failing_clock_does_not_stop_the_scheduler_and_a_dead_one_is_logged(
    tmp_path, caplog, make_bot
):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        cog = bot.get_cog("Posting")
        cog.service.next_wake = lambda now: 1 / 0  # a bug while computing the next wake-up
        cog._task.cancel()  # restart the loop so it runs its body again
        cog._task = asyncio.create_task(cog._run())
        await fd.settle()
        assert not cog._task.done()
        assert any("scheduler wake-up failed" in e for e in fd.take_errors())

        async def broken() -> None:
            raise RuntimeError("scheduler bug")

        dead = asyncio.create_task(broken())
        dead.add_done_callback(scheduler_ended)
        with caplog.at_level(logging.CRITICAL, logger="bot.adapter.posting"):
            await asyncio.gather(dead, return_exceptions=True)
            await asyncio.sleep(0)
        assert "posting scheduler stopped" in caplog.text and "scheduler bug" in caplog.text
        fd.take_errors()
