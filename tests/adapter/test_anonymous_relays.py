"""An anonymous relay is acknowledged before anything is done, reserves the hourly limit before
it posts, and is found again after the bot stops between Discord taking the answer and the link
being written: the member gets the confirmation and the Delete button, reveal works, the answer
counts toward the limit, and sending it again posts nothing twice. discord.py's own parsing and
REST code against the offline harness; "the bot stops" is its relay task ending right there, and
the restart a new bot process on the same database and the same Discord. What the relays' store
decides (the limit, the link, the hour kept) runs on each backend (``database``)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import timedelta

import aiohttp
import pytest

from bot.adapter.anonymous.reconcile import NOT_POSTED
from bot.anonymity.relay import LOOK_AFTER, STALE_AFTER
from bot.devserver.state import ChannelRoutes
from tests.adapter.test_anonymous import (
    ANA,
    BEN,
    REVEALER,
    C,
    G,
    Posted,
    anonymous_bot,
    community,
    confirmation_id,
    delete_button,
    form,
    links,
    post,
    relayed,
    running,
    seen,
)
from tests.adapter.test_posting_identity import serve_after_pages_oldest_first
from tests.discord_harness import FakeDiscord
from tests.store import view

SEND = ("POST", "/channels/{channel_id}/messages")
CALLBACK = ("POST", "/interactions/{webhook_id}/{webhook_token}/callback")


async def relay_rows(bot) -> list[tuple]:
    relays = await view.rows(bot.services.stores, "anonymous_relays")
    return [(r["member_id"], r["state"], int(r["token"] is not None)) for r in relays]


async def relay_digests(bot, member_id: int) -> list[str]:
    relays = await view.rows(bot.services.stores, "anonymous_relays")
    return [r["digest"] for r in relays if r["member_id"] == member_id and r["digest"] is not None]


async def open_form(fd, posted, user_id: int) -> tuple[str, str]:
    pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=user_id)
    return form(pressed)


def stop_at_anonymous_sends(fd, *, after_discord_took_it: bool) -> None:
    """The bot's process stops while sending an anonymous answer: after Discord took it (the
    message is in the thread) or before. Nothing of the bot runs past that point."""
    sends = fd.transport.routes[SEND]

    def send(req, params):
        embeds = (req.json or {}).get("embeds") or []
        if not embeds or embeds[0].get("title") != "Anonymous member":
            return sends(req, params)
        if after_discord_took_it:
            sends(req, params)
        raise asyncio.CancelledError  # the process is gone

    fd.respond(*SEND, send)


@contextlib.asynccontextmanager
async def restarted(fd, make_bot, tmp_path, database=None, **guild_kw):
    """A new process of the bot on the same database and the same Discord (``fd`` stopped)."""
    await fd.stop()
    fd.respond(*SEND, ChannelRoutes(fd.server).routes()[SEND])  # Discord as usual again
    bot = anonymous_bot(make_bot, tmp_path, database=database, **guild_kw)
    bot.clock.now = fd.bot.clock.now
    again = FakeDiscord(bot, clock=bot.clock, join=fd)
    await again.start()
    try:
        threads = [c for c in fd.server.channels.values() if c.get("type") == 11]
        await again.connect(community(again, threads))
        yield bot, again
    finally:
        await again.stop()


async def started(make_bot, tmp_path, database=None, **guild_kw) -> tuple[FakeDiscord, Posted]:
    """The bot started and connected, and a prompt posted; left running for :func:`restarted`
    to stop, as a crash would."""
    bot = anonymous_bot(make_bot, tmp_path, database=database, **guild_kw)
    fd = FakeDiscord(bot, clock=bot.clock)
    await fd.start()
    await fd.connect(community(fd))
    return fd, await post(fd)


async def sent_before_a_crash(fd, posted, text: str) -> int:
    """Ana sends ``text`` anonymously; Discord posts it and the bot never hears back. The
    id of the message posted."""
    form_id, field = await open_form(fd, posted, ANA)
    stop_at_anonymous_sends(fd, after_discord_took_it=True)
    await fd.submit(form_id, {field: text}, user_id=ANA, channel_id=C)
    [first] = in_thread(fd, posted)
    return first


async def first_look(bot, fd) -> None:
    """The started bot's own first look at unfinished relays, run until it waits for the next."""
    reconciler = bot.get_cog("Anonymous").reconciler
    await fd.settle(asyncio.all_tasks() - {reconciler._task})


def in_thread(fd, posted) -> list[int]:
    """Anonymous answers Discord holds in the prompt's thread, oldest first."""
    ids = fd.server.history.get(posted.thread_id, [])
    return [
        i
        for i in ids
        if any(e.get("title") == "Anonymous member" for e in fd.server.messages[i]["embeds"])
    ]


def original_edits(fd, replies) -> list[dict]:
    """Edits of the member's first (acknowledged) reply, made later through its token."""
    token = replies.callback.path.split("/")[3]
    reply_id = replies.callback.response["resource"]["message"]["id"]
    path = f"/webhooks/{fd.server.application_id}/{token}/messages/{reply_id}"
    return [r.json for r in fd.requests if r.method == "PATCH" and r.path == path]


# --- the hourly limit is reserved before the post --------------------------------------------


async def test_eight_forms_submitted_at_once_post_only_the_hourly_limit(
    tmp_path, make_bot, database
):
    async with running(tmp_path, make_bot, database, anonymous_per_hour=3) as (bot, fd):
        posted = await post(fd)
        forms = [await open_form(fd, posted, ANA) for _ in range(8)]
        submitted = await fd.at_once(
            [
                fd.form(form_id, {field: f"Answer {n}"}, user_id=ANA, channel_id=C)
                for n, (form_id, field) in enumerate(forms)
            ]
        )
        assert len(relayed(fd, posted)) == 3 and len(await links(bot)) == 3
        refused = [r for r in submitted if "3 anonymous answer(s) an hour" in r.content]
        assert len(refused) == 5 and all(seen(r) == 1 for r in submitted)
        assert sum("posted anonymously" in r.content for r in submitted) == 3
        assert [state for _, state, _ in await relay_rows(bot)] == ["done"] * 3


# --- acknowledged first ----------------------------------------------------------------------


async def test_a_form_another_process_acknowledged_is_neither_posted_nor_stored(tmp_path, make_bot):
    """Discord refuses a second acknowledgement (400, code 40060): the process it refuses has
    not posted anything yet, and does nothing."""
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        fd.fail_next(*CALLBACK, status=400, code=40060, message="already acknowledged")
        await fd.submit(form_id, {field: "Mine."}, user_id=ANA, channel_id=C)
        assert relayed(fd, posted) == [] and await links(bot) == []
        assert await relay_rows(bot) == []


async def test_a_form_whose_acknowledgement_was_cut_off_is_neither_posted_nor_stored(
    tmp_path, make_bot, caplog
):
    """The connection drops while the form is acknowledged (the bot stopping, a network
    fault): whether Discord took it is unknown, so this process acts as if another one did,
    says so in one warning line and posts nothing (never a traceback, never a second copy)."""
    async with running(tmp_path, make_bot) as (bot, fd):
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        fd.fail_next(*CALLBACK, exc=aiohttp.ServerDisconnectedError())
        await fd.submit(form_id, {field: "Mine."}, user_id=ANA, channel_id=C)
        assert relayed(fd, posted) == [] and await links(bot) == []
        assert await relay_rows(bot) == []
    warned = [r for r in caplog.records if "could not be acknowledged" in r.getMessage()]
    assert len(warned) == 1 and warned[0].exc_info is None


async def test_the_confirmation_links_to_the_configured_server_not_discord(tmp_path, make_bot):
    bot = anonymous_bot(make_bot, tmp_path)
    bot.settings = replace(bot.settings, api_base="http://127.0.0.1:8080/api/v10")
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(community(fd))
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        replies = await fd.submit(form_id, {field: "Here."}, user_id=ANA, channel_id=C)
        [sent] = relayed(fd, posted)
        link = f"http://127.0.0.1:8080/channels/{G}/{posted.thread_id}/{sent.response['id']}"
        assert link in replies.content and "discord.com" not in replies.content


# --- stopped between Discord taking the answer and the link ----------------------------------


@pytest.mark.parametrize("order", ["newest first", "oldest first"])
async def test_an_answer_posted_just_before_a_crash_is_linked_after_the_restart(
    tmp_path, make_bot, order, database
):
    """Two members send the same words and the bot stops right after each post: after the
    restart each answer is linked to its own author, in either history order."""
    fd, posted = await started(make_bot, tmp_path, database, anonymous_per_hour=2)
    ana_form, ben_form = await open_form(fd, posted, ANA), await open_form(fd, posted, BEN)
    stop_at_anonymous_sends(fd, after_discord_took_it=True)
    ana = await fd.submit(ana_form[0], {ana_form[1]: "Same here."}, user_id=ANA, channel_id=C)
    await fd.submit(ben_form[0], {ben_form[1]: "Same here."}, user_id=BEN, channel_id=C)
    ana_message, ben_message = in_thread(fd, posted)
    assert await links(fd.bot) == [] and "posted" not in ana.content  # public, unlinked

    async with restarted(fd, make_bot, tmp_path, database, anonymous_per_hour=2) as (bot, fd):
        if order == "oldest first":
            serve_after_pages_oldest_first(fd)
        # The bot's first look after the start finds them, without waiting: no process is
        # sending them any more (this one never did).
        await first_look(bot, fd)
        assert await links(bot) == [(ana_message, ANA, 1), (ben_message, BEN, 1)]
        assert in_thread(fd, posted) == [ana_message, ben_message]  # nothing posted again
        assert [s for _, s, token in await relay_rows(bot)] == ["done", "done"]

        # The member's reply that was left "thinking" becomes the confirmation, with Delete.
        [told] = original_edits(fd, ana)
        assert "posted anonymously" in told["content"] and str(ana_message) in told["content"]
        [row] = told["components"]
        assert row["components"][0]["custom_id"] == f"anon:delete:{ana_message}"

        revealed = await fd.slash(
            "anonymous reveal",
            user_id=REVEALER,
            channel_id=C,
            message=str(ben_message),
            reason="Checking an abuse report",
        )
        assert f"<@{BEN}>" in revealed.content
        since = int(bot.clock.now.timestamp()) - 3600
        assert await bot.services.stores.relays.used(G, ANA, since) == 1  # counted toward the limit
        pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=ANA)
        form(pressed)  # one of two used: Ana may answer once more
        done = await fd.click(
            f"anon:delete:{ana_message}", message_id=confirmation_id(ana), user_id=ANA
        )
        assert "deleted" in done.content
        assert fd.requests_to("DELETE", f"/channels/{posted.thread_id}/messages/{ana_message}")


async def test_sending_the_same_answer_again_after_a_crash_posts_it_once(
    tmp_path, make_bot, database
):
    fd, posted = await started(make_bot, tmp_path, database)
    first = await sent_before_a_crash(fd, posted, "I never told anyone.")

    async with restarted(fd, make_bot, tmp_path, database) as (bot, fd):
        form_id, field = await open_form(fd, posted, ANA)
        again = await fd.submit(form_id, {field: "I never told anyone."}, user_id=ANA, channel_id=C)
        assert in_thread(fd, posted) == [first] and len(relayed(fd, posted)) == 1
        assert "posted anonymously" in again.content
        assert delete_button(again) == f"anon:delete:{first}"
        assert await links(bot) == [(first, ANA, 1)]
        other = await fd.submit(form_id, {field: "Something else."}, user_id=ANA, channel_id=C)
        assert "posted anonymously" in other.content and len(in_thread(fd, posted)) == 2


async def test_sending_the_same_answer_after_it_was_linked_answers_with_the_same_post(
    tmp_path, make_bot, database
):
    """The restarted bot links the answer at its first look; the member, who saw nothing, sends
    the same words again: they get the confirmation of the answer already posted, and nothing
    is posted twice or counted twice. Other words, or the same words once the answer is
    deleted, are posted as usual."""
    fd, posted = await started(make_bot, tmp_path, database, anonymous_per_hour=2)
    first = await sent_before_a_crash(fd, posted, "I never told anyone.")

    async with restarted(fd, make_bot, tmp_path, database, anonymous_per_hour=2) as (bot, fd):
        await first_look(bot, fd)
        assert await links(bot) == [(first, ANA, 1)]
        bot.clock.now += timedelta(minutes=20)
        form_id, field = await open_form(fd, posted, ANA)
        again = await fd.submit(form_id, {field: "I never told anyone."}, user_id=ANA, channel_id=C)
        assert in_thread(fd, posted) == [first] and len(relayed(fd, posted)) == 1
        assert "posted anonymously" in again.content and str(first) in again.content
        assert delete_button(again) == f"anon:delete:{first}"
        since = int(bot.clock.now.timestamp()) - 3600
        assert await bot.services.stores.relays.used(G, ANA, since) == 1

        # Someone else's same words are their own answer.
        form_id, field = await open_form(fd, posted, BEN)
        ben = await fd.submit(form_id, {field: "I never told anyone."}, user_id=BEN, channel_id=C)
        assert "posted anonymously" in ben.content and len(in_thread(fd, posted)) == 2

        done = await fd.click(
            f"anon:delete:{first}", message_id=confirmation_id(again), user_id=ANA
        )
        assert "deleted" in done.content
        assert await relay_digests(bot, ANA) == []  # nothing left to compare the words with
        form_id, field = await open_form(fd, posted, ANA)
        new = await fd.submit(form_id, {field: "I never told anyone."}, user_id=ANA, channel_id=C)
        assert "posted anonymously" in new.content and len(relayed(fd, posted)) == 3
        assert first not in in_thread(fd, posted) and len(in_thread(fd, posted)) == 2


async def test_a_linked_answer_is_matched_for_an_hour_only(tmp_path, make_bot, database):
    async with running(tmp_path, make_bot, database, anonymous_per_hour=3) as (bot, fd):
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        await fd.submit(form_id, {field: "Twice, an hour apart."}, user_id=ANA, channel_id=C)
        bot.clock.now += timedelta(minutes=61)
        await bot.get_cog("Anonymous").reconciler.run_once()
        assert await relay_digests(bot, ANA) == []
        form_id, field = await open_form(fd, posted, ANA)
        later = await fd.submit(
            form_id, {field: "Twice, an hour apart."}, user_id=ANA, channel_id=C
        )
        assert "posted anonymously" in later.content and len(in_thread(fd, posted)) == 2


async def test_an_answer_discord_never_took_is_sent_once_on_retry_or_dropped(
    tmp_path, make_bot, database
):
    fd, posted = await started(make_bot, tmp_path, database, anonymous_per_hour=1)
    ana_form, ben_form = await open_form(fd, posted, ANA), await open_form(fd, posted, BEN)
    stop_at_anonymous_sends(fd, after_discord_took_it=False)
    await fd.submit(ana_form[0], {ana_form[1]: "Lost words."}, user_id=ANA, channel_id=C)
    ben = await fd.submit(ben_form[0], {ben_form[1]: "Also lost."}, user_id=BEN, channel_id=C)
    assert in_thread(fd, posted) == []

    async with restarted(fd, make_bot, tmp_path, database, anonymous_per_hour=1) as (bot, fd):
        # Ana sends the same words again at once: the pending relay is used, posted once.
        form_id, field = await open_form(fd, posted, ANA)
        again = await fd.submit(form_id, {field: "Lost words."}, user_id=ANA, channel_id=C)
        assert "posted anonymously" in again.content and len(in_thread(fd, posted)) == 1
        # Ben does not: later his relay is dropped, he is told, and his hour is not used up.
        bot.clock.now += timedelta(seconds=STALE_AFTER + 1)
        assert await bot.get_cog("Anonymous").reconciler.run_once() == 1
        await fd.settle()
        assert [e["content"] for e in original_edits(fd, ben)] == [NOT_POSTED]
        assert [m for _, m, _ in await links(bot)] == [ANA]
        assert [(m, s) for m, s, _ in await relay_rows(bot)] == [(ANA, "done")]
        form_id, field = await open_form(fd, posted, BEN)
        ok = await fd.submit(form_id, {field: "Also lost."}, user_id=BEN, channel_id=C)
        assert "posted anonymously" in ok.content


async def test_forget_erases_the_hourly_times_and_unfinished_relays(tmp_path, make_bot, database):
    """The times of a member's relays would match their answers' times: erasing the member's
    links erases them too, and a relay not yet linked is never linked afterwards."""
    async with running(tmp_path, make_bot, database) as (bot, fd):
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        await fd.submit(form_id, {field: "First."}, user_id=ANA, channel_id=C)
        assert len(await relay_rows(bot)) == 1
        await bot.services.stores.anonymous.forget(G, ANA)
        assert await relay_rows(bot) == []


async def test_the_times_kept_for_the_limit_go_when_their_hour_is_over(
    tmp_path, make_bot, database
):
    async with running(tmp_path, make_bot, database) as (bot, fd):
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        await fd.submit(form_id, {field: "First."}, user_id=ANA, channel_id=C)
        reconciler = bot.get_cog("Anonymous").reconciler
        bot.clock.now += timedelta(minutes=59)
        await reconciler.run_once()
        assert len(await relay_rows(bot)) == 1
        bot.clock.now += timedelta(minutes=2)
        await reconciler.run_once()
        assert await relay_rows(bot) == [] and len(await links(bot)) == 1


async def test_an_answer_this_process_is_still_posting_is_left_alone(tmp_path, make_bot, database):
    """The reconciler looks after Discord took the answer but before this process linked it,
    long past every wait (a slow database): it leaves the relay to the process posting it,
    which links it and confirms it once."""
    async with running(tmp_path, make_bot, database) as (bot, fd):
        posted = await post(fd)
        reconciler = bot.get_cog("Anonymous").reconciler
        relays, looked, looks = bot.services.stores.relays, [], []
        write_link = relays.link

        async def link(*args, **kwargs):
            if not looked:  # the moment between the post and its link
                looked.append(True)
                bot.clock.now += timedelta(seconds=STALE_AFTER + 1)
                looks.append(await reconciler.run_once())
            return await write_link(*args, **kwargs)

        relays.link = link
        form_id, field = await open_form(fd, posted, ANA)
        sent = await fd.submit(form_id, {field: "Slowly."}, user_id=ANA, channel_id=C)
        assert looks == [0]
        [message] = in_thread(fd, posted)
        assert "posted anonymously" in sent.content and original_edits(fd, sent) == []
        assert await links(bot) == [(message, ANA, 1)]
        assert [(m, s) for m, s, _ in await relay_rows(bot)] == [(ANA, "done")]


async def test_an_unanswered_post_is_settled_later_and_the_member_told(
    tmp_path, make_bot, database
):
    """Discord answering 500 to every retry: the member is told it is unconfirmed, nothing is
    linked yet; later the thread shows no such answer, so the relay is dropped (the hour is not
    used up) and the member told to send it again."""
    async with running(tmp_path, make_bot, database, anonymous_per_hour=1) as (bot, fd):
        posted = await post(fd)
        form_id, field = await open_form(fd, posted, ANA)
        fd.fail_next("POST", f"/channels/{posted.thread_id}/messages", 500, times=5)
        sent = await fd.submit(form_id, {field: "Are you there?"}, user_id=ANA, channel_id=C)
        assert "did not confirm" in sent.content and await links(bot) == []
        assert [(m, s) for m, s, _ in await relay_rows(bot)] == [(ANA, "pending")]

        # Looked for soon, but not given up while Discord might still take it.
        bot.clock.now += timedelta(seconds=LOOK_AFTER + 1)
        assert await bot.get_cog("Anonymous").reconciler.run_once() == 0
        assert [(m, s) for m, s, _ in await relay_rows(bot)] == [(ANA, "pending")]
        bot.clock.now += timedelta(seconds=STALE_AFTER)
        assert await bot.get_cog("Anonymous").reconciler.run_once() == 1
        await fd.settle()
        assert [e["content"] for e in original_edits(fd, sent)] == [NOT_POSTED]
        assert await relay_rows(bot) == []
        again = await fd.submit(form_id, {field: "Are you there?"}, user_id=ANA, channel_id=C)
        assert "posted anonymously" in again.content and len(in_thread(fd, posted)) == 1
