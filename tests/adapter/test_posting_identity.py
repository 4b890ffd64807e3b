"""Each post carries its own identity (a nonce when sent, a marker in its embed), so crash
recovery takes only a claim's own message — with the same prompt posted several times and
whichever order the server returns history in — and completes its thread and follow-ups; and a
message Discord accepted is recorded however what follows fails. discord.py's real REST code
against the offline harness."""

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.adapter.client import DiscussionBot
from bot.adapter.posting import Posting
from bot.adapter.publisher import DiscordPublisher, prompt_embed
from bot.posting.service import STALE_AFTER
from tests.adapter.test_posting import SLOT, Clock, posting_bot, start
from tests.discord_harness import FakeDiscord
from tests.posting_helpers import GUILD, MODLOG, channel, library_holder, settings
from tests.store import view

A = 20
SEND_A = f"/channels/{A}/messages"
HISTORY = "/channels/{channel_id}/messages"
FOLLOWUPS = ["Follow-up A to grief-1", "Follow-up B to grief-1"]


def ts(when) -> int:
    return int(when.timestamp())


def serve_after_pages_oldest_first(fd) -> None:
    """A server that answers ``after=`` history oldest first (Discord: newest first), so
    discord.py yields the channel newest first."""
    pages = fd.transport.routes[("GET", HISTORY)]

    def oldest_first(req, params):
        status, body = pages(req, params)
        return (status, list(reversed(body))) if "after" in req.params else (status, body)

    fd.respond("GET", HISTORY, oldest_first)


async def post_row(bot, post_id: int) -> dict:
    fields = ("status", "prompt_id", "message_id", "thread_id")
    [row] = [r for r in await view.rows(bot.services.stores, "posts") if r["id"] == post_id]
    return {f: row[f] for f in fields}


def thread_texts(fd, thread_id: int) -> list[str]:
    """What Discord holds in the thread, oldest first (the fake's memory)."""
    ids = fd.server.history.get(thread_id, [])
    return [fd.server.messages[i]["content"] for i in ids]


async def interrupted_send(bot, clock, post_id: int, at):
    """What an attempt sent before the process died: the post's message, no outcome recorded."""
    clock.now = at
    prompt = bot.services.library.library.prompt("grief-1")
    return await bot.get_channel(A).send(embed=prompt_embed(prompt, "Grief", post_id))


@pytest.mark.parametrize("order", ["newest first", "oldest first"])
async def test_two_interrupted_posts_and_a_completed_one_of_one_prompt_each_get_their_own(
    tmp_path, order, make_bot
):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)  # records yesterday's slot as missed
        cog = bot.get_cog("Posting")
        store = cog.service.store.posts
        if order == "oldest first":
            serve_after_pages_oldest_first(fd)

        # A moderator's post of grief-1, interrupted after Discord took the message.
        manual = await store.claim_manual(GUILD, A, ts(SLOT + timedelta(seconds=1)))
        await store.set_prompt(manual, "grief-1", "grief")
        first = await interrupted_send(bot, clock, manual, SLOT + timedelta(seconds=2))
        # Today's slot, grief-1 again: message, thread and the first follow-up, then the crash.
        scheduled = await store.claim_slot(GUILD, A, ts(SLOT), ts(SLOT + timedelta(seconds=3)))
        await store.set_prompt(scheduled, "grief-1", "grief")
        second = await interrupted_send(bot, clock, scheduled, SLOT + timedelta(seconds=4))
        half_done = await second.create_thread(name="What does grief question 1 make you…")
        await half_done.send(FOLLOWUPS[0])
        # A third post of grief-1, completed and recorded: the newest message in the channel.
        clock.now = SLOT + timedelta(seconds=5)
        done = await bot.services.controls.post_now(GUILD, A, prompt_id="grief-1", now=clock.now)
        sends_before = len(fd.requests_to("POST", SEND_A))

        clock.now = SLOT + timedelta(seconds=STALE_AFTER + 60)
        await cog.run_once()
        await fd.settle()

        assert len(fd.requests_to("POST", SEND_A)) == sends_before  # nothing posted again
        rows = [await post_row(bot, p) for p in (manual, scheduled, done.post_id)]
        assert [r["status"] for r in rows] == ["posted"] * 3
        assert [r["message_id"] for r in rows] == [first.id, second.id, done.message_id]
        manual_row, scheduled_row, done_row = rows
        # The interrupted moderator post gets its thread with both follow-ups ...
        assert manual_row["thread_id"] is not None
        assert thread_texts(fd, manual_row["thread_id"]) == FOLLOWUPS
        # ... the half-done one keeps its thread and gets only the follow-up it lacked ...
        assert scheduled_row["thread_id"] == half_done.id
        assert thread_texts(fd, half_done.id) == FOLLOWUPS
        # ... and the completed one is left as it was.
        assert thread_texts(fd, done_row["thread_id"]) == FOLLOWUPS
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []


async def test_a_message_of_the_same_prompt_without_the_claims_marker_is_not_taken(
    tmp_path, make_bot
):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        store = bot.get_cog("Posting").service.store.posts
        claim = await store.claim_slot(GUILD, A, ts(SLOT), ts(SLOT))
        await store.set_prompt(claim, "grief-1", "grief")
        other = await interrupted_send(bot, clock, claim + 100, SLOT + timedelta(seconds=2))

        clock.now = SLOT + timedelta(seconds=STALE_AFTER + 60)
        await bot.get_cog("Posting").run_once()
        await fd.settle()

        sends = fd.requests_to("POST", SEND_A)
        assert len(sends) == 2  # the retry inside the window: the message above is not its own
        row = await post_row(bot, claim)
        assert row["status"] == "posted" and row["message_id"] == int(sends[-1].response["id"])
        assert row["message_id"] != other.id
        assert sends[-1].json["nonce"] == f"post-{claim}" and sends[-1].json["enforce_nonce"]


async def test_a_send_repeated_within_discords_window_returns_the_same_message(tmp_path, make_bot):
    """The post's nonce: a lost answer followed by a resend leaves one message in the channel."""
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        publisher = DiscordPublisher(bot, bot.settings, bot.library_holder)
        config = bot.settings.guilds[0]
        prompt = bot.services.library.library.prompt("grief-1")
        clock.now = SLOT
        first = await publisher.publish(config, channel(A), prompt, 42)
        again = await publisher.publish(config, channel(A), prompt, 42)
        assert again.message_id == first.message_id
        stored = [m for m in fd.server.messages.values() if int(m["channel_id"]) == A]
        assert len(stored) == 1
        assert again.thread_id == first.thread_id
        assert thread_texts(fd, first.thread_id) == FOLLOWUPS


async def test_a_malformed_thread_answer_after_discord_took_the_message_still_records_it(
    tmp_path,
    make_bot,
):
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        threads = "/channels/{channel_id}/messages/{message_id}/threads"
        fd.respond("POST", threads, lambda req, params: (201, {"name": "no id, no type"}))
        clock.now = SLOT
        await bot.get_cog("Posting").run_once()

        [sent] = fd.requests_to("POST", SEND_A)
        row = await post_row(bot, 2)
        assert row["status"] == "posted" and row["message_id"] == int(sent.response["id"])
        assert row["thread_id"] is None
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert notice.json["content"].startswith("Posted `grief-1` but no thread: unexpected error")
        [logged] = fd.take_errors()
        assert "KeyError" in logged


async def test_a_thread_discord_says_exists_is_fetched_and_given_its_follow_ups(tmp_path, make_bot):
    """The interrupted attempt opened the thread, but neither the history nor the bot's cache
    shows it: Discord refuses a second thread (160004), so the existing one is fetched."""
    clock = Clock(SLOT - timedelta(hours=1))
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        store = bot.get_cog("Posting").service.store.posts
        claim = await store.claim_slot(GUILD, A, ts(SLOT), ts(SLOT))
        await store.set_prompt(claim, "grief-1", "grief")
        sent = await interrupted_send(bot, clock, claim, SLOT + timedelta(seconds=2))
        fd.server.echo = False  # no THREAD_CREATE reaches the bot
        opened = await sent.create_thread(name="What does grief question 1 make you…")
        fd.server.echo = True
        fd.server.messages[sent.id].pop("thread")
        threads = "/channels/{channel_id}/messages/{message_id}/threads"
        fd.fail_next("POST", threads, 400, code=160004, message="A thread has already been created")

        clock.now = SLOT + timedelta(seconds=STALE_AFTER + 60)
        await bot.get_cog("Posting").run_once()
        await fd.settle()

        row = await post_row(bot, claim)
        assert row["status"] == "posted" and row["message_id"] == sent.id
        assert row["thread_id"] == opened.id
        assert thread_texts(fd, opened.id) == FOLLOWUPS
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []


async def test_a_recovered_thread_gets_its_first_message_with_its_own_answer_button(tmp_path):
    clock = Clock(SLOT - timedelta(hours=1))
    config = settings(tmp_path, channel(A))
    config = replace(config, guilds=(replace(config.guilds[0], anonymous_answers="all"),))
    holder = library_holder(tmp_path, {"grief": 2, "joy": 2})
    bot = DiscussionBot(config, holder, clock=clock, cogs=[Posting])
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd, A)
        store = bot.get_cog("Posting").service.store.posts
        claim = await store.claim_slot(GUILD, A, ts(SLOT), ts(SLOT))
        await store.set_prompt(claim, "grief-1", "grief")
        sent = await interrupted_send(bot, clock, claim, SLOT + timedelta(seconds=2))
        opened = await sent.create_thread(name="What does grief question 1 make you…")

        clock.now = SLOT + timedelta(seconds=STALE_AFTER + 60)
        await bot.get_cog("Posting").run_once()
        await fd.settle()

        assert (await post_row(bot, claim))["thread_id"] == opened.id
        first, *followups = [fd.server.messages[i] for i in fd.server.history[opened.id]]
        assert "Answer anonymously" in first["content"]
        [button] = first["components"][0]["components"]
        assert button["custom_id"] == f"anon:answer:{claim}"
        assert [m["content"] for m in followups] == FOLLOWUPS
