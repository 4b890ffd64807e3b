"""Answers, reactions and deletions recorded from gateway payloads into a real SQLite file."""

import asyncio
import contextlib
from datetime import UTC, datetime

from discord.ext import commands

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.client import DiscussionBot
from bot.participation.types import PromptPost
from tests.discord_harness import FakeDiscord, events, payloads
from tests.participation_world import (
    ANA,
    BEN,
    NOW,
    OTHER,
    POSTED_AT,
    C,
    G,
    guild,
    rows,
    seed_post,
    settings,
)
from tests.store import view


async def start(fd: FakeDiscord, posts) -> AnswersCog:
    await fd.connect(guild(fd, posts))
    return fd.bot.get_cog("Answers")


@contextlib.asynccontextmanager
async def running(tmp_path, make_bot):
    """One posted prompt in the database and the bot connected with the answers cog."""
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        yield post, bot, fd, await start(fd, [post])


async def test_answer_in_thread_is_recorded_once_even_when_delivered_twice(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        sent = await fd.say(post.thread_id, ANA, "my answer")
        await fd.send("MESSAGE_CREATE", sent)  # Discord may deliver an event again
        await cog.writer.flush()

        assert await rows(bot) == [(ANA, int(sent["id"]), "answer", None)]
        first = (await rows(bot, "post_id", "prompt_id", "theme_id"))[0]
        assert first == (post.post_id, "p1", "t1")


async def test_answer_length_is_kept_when_discord_gives_the_content(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        sent = await fd.say(post.thread_id, ANA, "hello bot", mentions_bot=True)
        await cog.writer.flush()
        assert await rows(bot) == [(ANA, int(sent["id"]), "answer", 9)]
        stored = await view.rows(bot.services.stores, "participation")
        assert "hello bot" not in repr(stored)  # never the text


async def test_reply_to_the_prompt_message_is_recorded(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        reply = await fd.say(C, BEN, reply_to=post.message_id)
        await fd.say(C, ANA)  # in the prompt's channel but not a reply
        await cog.writer.flush()
        assert await rows(bot) == [(BEN, int(reply["id"]), "answer", None)]


async def test_unrelated_message_touches_no_database(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_post, bot, fd, cog):
        async with view.statements(bot.services.stores) as statements:
            other = await fd.say(OTHER, ANA, "off topic")
            await fd.say(OTHER, ANA, reply_to=int(other["id"]))
            await fd.delete(OTHER, int(other["id"]))

        assert statements == []
        assert cog.writer.pending == 0


async def test_bot_and_system_messages_are_ignored(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        await fd.say(post.thread_id, 99, "beep")  # another bot
        await bot.get_channel(post.thread_id).send("a follow-up question")  # the bot itself
        pinned = events.message(post.thread_id, payloads.user(ANA), guild_id=G)
        pinned["type"] = 6  # "pinned a message" system message
        await fd.send("MESSAGE_CREATE", pinned)
        await cog.writer.flush()
        assert await rows(bot) == []


async def test_deleted_message_removes_its_row_flushed_or_still_queued(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        stored = await fd.say(post.thread_id, ANA)
        await cog.writer.flush()
        queued = await fd.say(post.thread_id, BEN)
        kept = await fd.say(post.thread_id, BEN)
        assert cog.writer.pending == 2

        await fd.delete(post.thread_id, int(stored["id"]))
        await fd.delete(post.thread_id, int(queued["id"]))
        await cog.writer.flush()
        assert await rows(bot) == [(BEN, int(kept["id"]), "answer", None)]


async def test_bulk_delete_removes_every_row(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        a = await fd.say(post.thread_id, ANA)
        b = await fd.say(post.thread_id, BEN)
        await cog.writer.flush()
        ids = [a["id"], b["id"]]
        data = {"ids": ids, "channel_id": str(post.thread_id), "guild_id": str(G)}
        await fd.send("MESSAGE_DELETE_BULK", data)
        assert await rows(bot) == []


async def test_reaction_on_prompt_message_is_recorded_once_and_removed_when_taken_back(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        await fd.react(C, post.message_id, ANA, "👍")
        await fd.react(C, post.message_id, ANA, "🔥")
        await fd.react(C, post.message_id, 99, "🤖")  # a bot
        other = await fd.say(OTHER, BEN)
        await fd.react(OTHER, int(other["id"]), BEN)  # not a prompt message
        await cog.writer.flush()
        assert await rows(bot) == [(ANA, post.message_id, "reaction", None)]

        remove = events.reaction_remove(ANA, post.message_id, C, guild_id=G)
        await fd.send("MESSAGE_REACTION_REMOVE", remove)
        assert await rows(bot) == []


async def test_clearing_all_reactions_removes_every_reaction_record_queued_or_stored(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        answer = await fd.say(post.thread_id, BEN)
        await fd.react(C, post.message_id, ANA)
        await cog.writer.flush()
        await fd.react(C, post.message_id, BEN)  # still queued
        other = await fd.say(OTHER, BEN)
        await fd.react(OTHER, int(other["id"]), BEN)

        await fd.send(
            "MESSAGE_REACTION_REMOVE_ALL", events.reaction_remove_all(post.message_id, C, G)
        )
        await cog.writer.flush()
        assert await rows(bot) == [(BEN, int(answer["id"]), "answer", None)]


async def test_clearing_one_emoji_removes_every_reaction_record_on_the_prompt(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        await fd.react(C, post.message_id, ANA, "👍")
        await cog.writer.flush()
        await fd.react(C, post.message_id, BEN, "🔥")  # still queued

        cleared = events.reaction_remove_emoji(post.message_id, C, "👍", G)
        await fd.send("MESSAGE_REACTION_REMOVE_EMOJI", cleared)
        await cog.writer.flush()
        assert await rows(bot) == []


async def test_clearing_reactions_elsewhere_keeps_the_prompt_reactions(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        await fd.react(C, post.message_id, ANA)
        other = await fd.say(OTHER, BEN)
        await fd.send(
            "MESSAGE_REACTION_REMOVE_ALL", events.reaction_remove_all(int(other["id"]), OTHER, G)
        )
        await fd.send(
            "MESSAGE_REACTION_REMOVE_EMOJI",
            events.reaction_remove_emoji(int(other["id"]), OTHER, guild_id=G),
        )
        await cog.writer.flush()
        assert await rows(bot) == [(ANA, post.message_id, "reaction", None)]


async def test_opted_out_member_is_not_recorded(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        await cog.store.opt_out(G, ANA, 0)
        await fd.say(post.thread_id, ANA)
        await fd.react(C, post.message_id, ANA)
        answer = await fd.say(post.thread_id, BEN)
        await cog.writer.flush()
        assert await rows(bot) == [(BEN, int(answer["id"]), "answer", None)]


async def test_prompt_posted_event_and_thread_create_start_tracking_new_posts(tmp_path, make_bot):
    db_path = tmp_path / "bot.sqlite3"
    await seed_post(db_path, "p0", posted_at=0)  # too old to be watched
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [])
        assert len(cog.index) == 0
        dispatched = PromptPost(1, G, C, "p1", "t1", 500, 501, POSTED_AT)
        bot.dispatch("prompt_posted", dispatched)
        await fd.settle()
        assert cog.index.lookup_thread(501) == dispatched

        # A posting path that did not dispatch: the bot's thread on its posted prompt message.
        message = await bot.get_channel(C).send("What matters to you?")
        await view.plant(
            bot.services.stores, "posts", guild_id=G, channel_id=C, kind="manual",
            status="posted", prompt_id="p2", theme_id="t2", message_id=message.id,
            claimed_at=POSTED_AT, posted_at=POSTED_AT,
        )  # fmt: skip
        await message.create_thread(name="What matters?")
        await fd.settle()
        tracked = cog.index.lookup_thread(message.id)
        assert (tracked.prompt_id, tracked.message_id) == ("p2", message.id)
        answer = await fd.say(message.id, ANA)
        await cog.writer.flush()
        assert await rows(bot) == [(ANA, int(answer["id"]), "answer", None)]


async def test_a_post_announced_late_has_its_thread_read_and_a_fresh_one_does_not(
    tmp_path, make_bot
):
    """A claim completed after a crash is announced long after its message was sent: answers
    already in its thread are recorded. A post announced as it is sent costs no history read."""
    post = await seed_post(tmp_path / "bot.sqlite3")  # its message was sent a day before NOW
    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [])
        early = events.message(post.thread_id, payloads.user(BEN), guild_id=G)
        fd.set_history(post.thread_id, [early])
        before = asyncio.all_tasks()
        bot.dispatch("prompt_posted", post.post_id)
        await fd.settle(before)
        await cog.writer.flush()
        assert await rows(bot) == [(BEN, int(early["id"]), "answer", None)]

        fresh_id = payloads.snowflake(NOW)
        fresh = PromptPost(post.post_id + 1, G, C, "p2", "t1", fresh_id, fresh_id, POSTED_AT)
        before = asyncio.all_tasks()
        bot.dispatch("prompt_posted", fresh)
        await fd.settle(before)
        assert fd.requests_to("GET", f"/channels/{fresh_id}/messages") == []
        assert cog.index.lookup_thread(fresh_id) == fresh


async def test_backfill_after_restart_reads_history_after_last_recorded_answer(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, _bot, fd, cog):
        await fd.say(post.thread_id, ANA)
        last = await fd.say(post.thread_id, BEN)
        await cog.writer.flush()

    # While the bot is down, two more answers arrive in the thread.
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        missed = [events.message(post.thread_id, payloads.user(u), guild_id=G) for u in (ANA, BEN)]
        fd.set_history(post.thread_id, [last, *missed])
        cog = await start(fd, [post])
        await cog.backfill_task
        await cog.backfill()  # a second pass adds nothing

        [first, second] = fd.requests_to("GET", f"/channels/{post.thread_id}/messages")
        assert first.params["after"] == int(last["id"])
        assert second.params["after"] == int(missed[1]["id"])
        got = await rows(bot, "message_id", kind="answer")
        assert sorted(r[0] for r in got)[-2:] == sorted(int(m["id"]) for m in missed)
        assert len(got) == 4


async def test_backfill_with_nothing_recorded_reads_after_the_prompt_message(tmp_path, make_bot):
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        early = events.message(post.thread_id, payloads.user(ANA), guild_id=G)
        fd.set_history(post.thread_id, [early])
        cog = await start(fd, [post])
        await cog.backfill_task
        [get] = fd.requests_to("GET", f"/channels/{post.thread_id}/messages")
        assert get.params["after"] == post.message_id
        assert await rows(bot) == [(ANA, int(early["id"]), "answer", None)]


async def test_prompt_posted_with_a_post_id_reads_the_post_from_the_database(tmp_path, make_bot):
    post = await seed_post(tmp_path / "bot.sqlite3", posted_at=POSTED_AT)
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [])
        cog.index.remove(post.post_id)
        before = asyncio.all_tasks()
        bot.dispatch("prompt_posted", post.post_id)
        await fd.settle(before)
        assert cog.index.lookup_thread(post.thread_id) == post


async def test_a_prompt_the_scheduler_posts_collects_answers_at_once(tmp_path):
    from bot.adapter.posting import Posting
    from tests.posting_helpers import GUILD, channel, library_holder
    from tests.posting_helpers import settings as posting_settings

    slot = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    config = posting_settings(tmp_path, channel(C))
    holder = library_holder(tmp_path, {"grief": 2})
    bot = DiscussionBot(config, holder, clock=lambda: slot, cogs=[Posting, AnswersCog])
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        world = payloads.guild(
            GUILD,
            channels=[payloads.text_channel(C, GUILD)],
            members=[fd.bot_member(), payloads.member(ANA)],
        )
        await fd.connect(world)
        await fd.settle(set())
        posts = await view.rows(bot.services.stores, "posts")
        [(thread_id,)] = view.pick([p for p in posts if p["status"] == "posted"], "thread_id")
        answer = await fd.say(thread_id, ANA)
        await bot.get_cog("Answers").writer.flush()
        assert await rows(bot) == [(ANA, int(answer["id"]), "answer", None)]


async def test_queued_answers_are_written_when_the_bot_closes(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (post, _bot, fd, cog):
        await fd.say(post.thread_id, ANA)
        assert cog.writer.pending == 1
    recorded = view.rows_at(tmp_path / "bot.sqlite3", "participation")
    assert view.pick(recorded, "member_id", "kind") == [(ANA, "answer")]


async def test_restart_does_not_bring_back_answers_that_forget_or_retention_erased(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (post, _bot, fd, cog):
        await cog.store.opt_out(G, BEN, 0)
        old = await fd.say(post.thread_id, BEN)  # opted out: seen, never recorded
        await cog.store.opt_in(G, BEN)
        first = await fd.say(post.thread_id, ANA)
        await cog.writer.flush()
        assert await cog.writer.forget(G, ANA) == 1
        later = await fd.say(post.thread_id, ANA)  # forgotten, not opted out: recorded again
        await cog.writer.flush()
        await cog.store.purge_older_than(10**12)  # retention erases everything

    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        fd.set_history(post.thread_id, [old, first, later])
        cog = await start(fd, [post])
        await cog.backfill_task
        [get] = fd.requests_to("GET", f"/channels/{post.thread_id}/messages")
        assert get.params["after"] == int(later["id"])
        assert await rows(bot) == []


async def test_forgotten_member_is_recorded_again_and_opted_out_one_moves_the_cursor(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        await fd.say(post.thread_id, ANA)
        await cog.writer.forget(G, ANA)
        again = await fd.say(post.thread_id, ANA)
        await cog.store.opt_out(G, BEN, 0)
        unseen = await fd.say(post.thread_id, BEN)
        await cog.writer.flush()
        assert await rows(bot) == [(ANA, int(again["id"]), "answer", None)]
        assert await cog.store.cursors() == {post.post_id: int(unseen["id"])}


class _BackfillOnRequest(AnswersCog, name="Answers"):
    """Backfill starts only when the test calls it: live answers can be flushed first."""

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        pass


async def test_backfill_reads_after_what_was_seen_before_start_not_after_live_answers(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (post, _bot, fd, cog):
        last = await fd.say(post.thread_id, ANA)
        await cog.writer.flush()

    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        missed = events.message(post.thread_id, payloads.user(BEN), guild_id=G)
        fd.set_history(post.thread_id, [last, missed])
        cog = await start(fd, [post])
        live = await fd.say(post.thread_id, ANA)  # arrives after the restart, before backfill
        await cog.writer.flush()
        await cog.backfill()

        [get] = fd.requests_to("GET", f"/channels/{post.thread_id}/messages")
        assert get.params["after"] == int(last["id"])
        got = await rows(bot, "message_id")
        assert sorted(r[0] for r in got) == sorted(int(m["id"]) for m in (last, missed, live))


async def test_live_answers_before_the_backfill_do_not_move_the_stored_cursor(tmp_path, make_bot):
    """A crash after a live answer is written but before the backfill has read the thread must
    not make the next start skip what was posted while the bot was down."""
    async with running(tmp_path, make_bot) as (post, _bot, fd, cog):
        last = await fd.say(post.thread_id, ANA)
        await cog.writer.flush()

    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        missed = events.message(post.thread_id, payloads.user(BEN), guild_id=G)
        cog = await start(fd, [post])
        live = await fd.say(post.thread_id, ANA)
        await cog.writer.flush()
        assert await cog.store.cursors() == {post.post_id: int(last["id"])}  # still before

        fd.set_history(post.thread_id, [last, missed, live])
        await cog.backfill()
        assert await cog.store.cursors() == {post.post_id: int(live["id"])}  # read through
        after = await fd.say(post.thread_id, BEN)
        await cog.writer.flush()
        assert await cog.store.cursors() == {post.post_id: int(after["id"])}  # live again


async def test_an_answer_is_queued_as_the_gateway_parses_it_without_starting_a_task(
    tmp_path, make_bot
):
    async with running(tmp_path, make_bot) as (post, bot, fd, cog):
        before = asyncio.all_tasks()
        answer = events.message(post.thread_id, payloads.user(ANA), guild_id=G)
        bot._connection.parse_message_create(answer)  # what the gateway does with MESSAGE_CREATE
        assert cog.writer.pending == 1
        assert asyncio.all_tasks() - before == set()
        await fd.delete(post.thread_id, int(answer["id"]))  # a deletion still sees it queued
        await cog.writer.flush()
        assert await rows(bot) == []


async def test_unloading_stops_backfill_flush_and_report_tasks_before_the_last_write(
    tmp_path, make_bot
):
    from bot.adapter.report_tasks import ReportTasks

    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog, ReportTasks])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [post])
        reports = bot.get_cog("ReportTasks")
        await fd.say(post.thread_id, ANA)
        await bot.remove_cog("ReportTasks")
        assert reports._task.done()
        await bot.remove_cog("Answers")
        assert cog.backfill_task.done()
        assert cog.writer.pending == 0
        assert await rows(bot, "member_id") == [(ANA,)]
    assert not cog.writer.running  # the bot stops the shared writer when it closes


async def test_a_thread_that_cannot_be_read_is_skipped_then_read_again(tmp_path, make_bot):
    """A dropped connection while reading one thread's history neither stops the others from
    being read nor lets live answers move that thread's cursor; it is read again later."""
    db_path = tmp_path / "bot.sqlite3"
    broken, fine = await seed_post(db_path, "p1"), await seed_post(db_path, "p2")
    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        missed = [
            events.message(p.thread_id, payloads.user(BEN), guild_id=G) for p in (broken, fine)
        ]
        fd.set_history(broken.thread_id, missed[:1])
        fd.set_history(fine.thread_id, missed[1:])
        cog = await start(fd, [broken, fine])
        cog.retry_delay = 0
        live = await fd.say(broken.thread_id, ANA)
        fd.fail_next("GET", f"/channels/{broken.thread_id}/messages", exc=OSError("reset"))
        fd.fail_next("GET", f"/channels/{broken.thread_id}/messages", exc=OSError("reset"))
        await cog.backfill()  # both tries fail for the broken thread
        await cog.writer.flush()
        assert await cog.store.cursors() == {fine.post_id: int(missed[1]["id"])}
        assert await rows(bot, "message_id") == [
            (int(live["id"]),),
            (int(missed[1]["id"]),),
        ]

        fd.fail_next("GET", f"/channels/{broken.thread_id}/messages", exc=OSError("reset"))
        await cog.backfill()  # the retry reads it
        got = await rows(bot, "message_id")
        assert sorted(got) == sorted((int(m["id"]),) for m in (live, *missed))


async def test_a_failed_backfill_does_not_stop_queued_answers_being_written(tmp_path, make_bot):
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [post])

        async def broken() -> None:
            raise view.disk_error("disk I/O error")

        cog.backfill_task = asyncio.create_task(broken(), name="answers-backfill")
        await asyncio.wait([cog.backfill_task])
        await fd.say(post.thread_id, ANA)
        assert cog.writer.pending == 1
        await bot.remove_cog("Answers")
        assert cog.writer.pending == 0
        fd.take_errors()
    recorded = view.rows_at(tmp_path / "bot.sqlite3", "participation")
    assert view.pick(recorded, "member_id") == [(ANA,)]


async def test_a_live_answer_while_a_late_post_is_unread_keeps_the_missed_ones_for_next_start(
    tmp_path,
    make_bot,
):
    """A late-announced post whose history read breaks off after a live answer arrived: the
    stored cursor stays before the answers not read yet, so the next start still finds them;
    shutting down meanwhile stops the pending read cleanly."""
    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [])
        # The claim made before a crash is completed now, a day after its message was sent.
        message_id = payloads.snowflake(payloads.BASE_TIME)
        posts = bot.services.stores.posting.posts
        post_id = await posts.claim_manual(G, C, POSTED_AT)
        await posts.mark_posted(post_id, "p1", "t1", message_id, message_id, POSTED_AT)
        post = PromptPost(post_id, G, C, "p1", "t1", message_id, message_id, POSTED_AT)
        early = events.message(post.thread_id, payloads.user(BEN), guild_id=G)
        live = events.message(post.thread_id, payloads.user(ANA), guild_id=G)

        def history_breaks_after_a_live_answer(request, params):
            bot._connection.parse_message_create(live)
            raise OSError("connection reset")

        fd.respond("GET", "/channels/{channel_id}/messages", history_breaks_after_a_live_answer)
        before = asyncio.all_tasks()
        bot.dispatch("prompt_posted", post.post_id)
        await fd.settle(before)  # the read is waiting to be tried again
        await cog.writer.flush()
        assert await rows(bot) == [(ANA, int(live["id"]), "answer", None)]
        assert await cog.store.cursors() == {}
        [late] = cog.late_backfills
    assert late.cancelled()

    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        fd.set_history(post.thread_id, [early, live])
        cog = await start(fd, [post])
        await cog.backfill_task
        got = await rows(bot, "message_id")
        assert sorted(got) == sorted((int(m["id"]),) for m in (early, live))


async def test_an_answer_before_the_post_is_recorded_is_recorded_when_it_is(tmp_path, make_bot):
    """The thread exists (and members see it) while the follow-ups are sent and before the post
    is recorded and announced: an answer in that moment counts like any other, once."""
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        cog = await start(fd, [])
        prompt = await bot.get_channel(C).send("A question?")
        thread = await prompt.create_thread(name="A question?")
        early = await fd.say(thread.id, ANA, "an answer straight away")
        post_id = await bot.services.stores.posting.posts.claim_manual(G, C, POSTED_AT)
        await bot.services.stores.posting.posts.mark_posted(
            post_id, "p1", "t1", prompt.id, thread.id, bot.services.now_seconds()
        )
        before = asyncio.all_tasks()
        bot.dispatch("prompt_posted", post_id)
        await fd.settle(before)
        later = await fd.say(thread.id, BEN, "and one after")
        await cog.writer.flush()
        assert await rows(bot) == [
            (ANA, int(early["id"]), "answer", None),
            (BEN, int(later["id"]), "answer", None),
        ]


def discord_keeps_reactions(fd: FakeDiscord, post: PromptPost, users: dict[str, list[int]]):
    """The prompt message as Discord holds it: its ``reactions`` counts, and who reacted."""
    message = fd.server.messages[post.message_id]
    message["reactions"] = [
        {"count": len(ids), "count_details": {"burst": 0, "normal": len(ids)}, "me": False,
         "me_burst": False, "emoji": {"id": None, "name": emoji}, "burst_colors": []}
        for emoji, ids in users.items()
    ]  # fmt: skip
    fd.server.reactors[post.message_id] = {
        emoji: [payloads.user(i, f"user{i}", bot=i == 99) for i in ids]
        for emoji, ids in users.items()
    }


async def test_reactions_still_on_discord_are_read_back_but_never_undo_an_erasure(
    tmp_path, make_bot
):
    """After a restart the prompt message's reactions are read from Discord: a member with no
    record gets one (once, whatever the number of emoji); a bot, an opted-out member and a
    member who used forget since the start get none."""
    carl, dana = 4001, 4002
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [post])  # connected; the reading of reactions is still to come
        await fd.say(post.thread_id, BEN)  # an answer: forget marks no post as unreadable
        await cog.writer.flush()
        assert await cog.writer.forget(G, BEN) == 1
        await cog.store.opt_out(G, dana, 0)
        discord_keeps_reactions(fd, post, {"👍": [ANA, BEN, 99, dana], "🎉": [ANA, carl]})

        assert await cog.reactions.recover([post]) == 2

        assert sorted(await rows(bot)) == [
            (ANA, post.message_id, "reaction", None),
            (carl, post.message_id, "reaction", None),
        ]
        listed = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}"
        assert len(fd.requests_to("GET", listed)) == 2  # each emoji's users, once


async def test_a_restart_does_not_read_back_reactions_on_posts_where_forget_erased_one(
    tmp_path, make_bot
):
    """Ben reacted on two prompts (one record written, one still queued) and used forget: his
    reactions are still on Discord, but after a restart neither prompt is read back, so
    nothing about him returns (and the marks that say so hold no member id)."""
    db_path = tmp_path / "bot.sqlite3"
    stored, queued = await seed_post(db_path, "p1"), await seed_post(db_path, "p2")
    bot = make_bot(settings(tmp_path), cogs=[AnswersCog])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [stored, queued])
        await cog.backfill_task
        await fd.react(C, stored.message_id, BEN)
        await cog.writer.flush()
        await fd.react(C, queued.message_id, BEN)
        assert await cog.writer.forget(G, BEN) == 2

    bot = make_bot(settings(tmp_path), cogs=[_BackfillOnRequest])
    async with FakeDiscord(bot) as fd:
        cog = await start(fd, [stored, queued])
        for post in (stored, queued):
            discord_keeps_reactions(fd, post, {"👍": [BEN]})
        await cog.backfill()
        assert await rows(bot) == []
        listed = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}"
        assert fd.requests_to("GET", listed) == []
        assert await cog.store.reactions_not_recovered() == {stored.post_id, queued.post_id}
