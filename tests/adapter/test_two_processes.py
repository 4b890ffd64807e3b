"""Two processes of the bot on one database, both connected to one Discord that delivers every
event (interactions included) to both and accepts one acknowledgement per interaction, refusing
any other with 400, code 40060, as Discord does. Every interaction path is taken once: each act
(a post, a relay, a mod-log notice, a decision, a deletion) happens once, the member gets one
reply, and neither process logs an error. Where the database decides which process acts (the
anonymous relays, the suggestions' claims), the tests run on each backend (``database``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from bot.adapter.client import DiscussionBot
from tests.adapter import test_anonymous as anon
from tests.adapter.test_suggestions import prompts_of
from tests.discord_harness import FakeDiscord, Replies
from tests.store import view
from tests.suggestion_world import (
    ANA,
    MOD,
    announcements,
    buttons,
    message_id,
    suggest,
    suggestion_bot,
)
from tests.suggestion_world import MODLOG as SMODLOG
from tests.suggestion_world import C as SC
from tests.suggestion_world import guild as suggestion_guild


@contextlib.asynccontextmanager
async def two_processes(make: Callable[[], DiscussionBot], guild: Callable[[FakeDiscord], dict]):
    """Two bots from ``make`` (same settings, same database file) on one Discord; steps taken
    on the first FakeDiscord reach both bots."""
    first = make()
    fd = FakeDiscord(first, clock=first.clock)
    await fd.start()
    second = make()
    second.clock = first.clock
    other = FakeDiscord(second, clock=first.clock, join=fd)
    try:
        await other.start()
        await fd.connect(guild(fd))
        await other.connect(guild(other))
        yield fd
    finally:
        await other.stop()
        await fd.stop()


def acknowledgements(fd, replies: Replies) -> list[dict]:
    """What Discord accepted as the interaction's acknowledgement (one at most)."""
    token = next(r.path.split("/")[3] for r in replies.requests if r.path.endswith("/callback"))
    return fd.apps.interactions[token].callbacks


def answered_once(fd, replies: Replies, *, refused: int = 0) -> None:
    """One acknowledgement accepted; ``refused``: how many Discord refused (40060) because the
    other process had acknowledged first (0: the other process left the interaction alone)."""
    assert len(acknowledgements(fd, replies)) == 1
    callbacks = [r for r in replies.requests if r.path.endswith("/callback")]
    assert [r.response["code"] for r in callbacks if r.status == 400] == [40060] * refused


def mod_log(fd, channel: int) -> list[str]:
    return [
        r.json.get("content") or "" for r in fd.requests_to("POST", f"/channels/{channel}/messages")
    ]


# --- anonymous answers, topic commands, reveal, delete, forget -------------------------------


def anonymous_world(make_bot, tmp_path, database=None):
    return two_processes(
        lambda: anon.anonymous_bot(make_bot, tmp_path, database=database), anon.community
    )


async def test_topic_post_and_an_anonymous_answer_happen_once(tmp_path, make_bot, database):
    async with anonymous_world(make_bot, tmp_path, database) as fd:
        before = len(fd.requests_to("POST", f"/channels/{anon.C}/messages"))
        started = await fd.slash(
            "topic post", user_id=anon.MOD, channel_id=anon.C, prompt="family-1"
        )
        answered_once(fd, started)
        posts = fd.requests_to("POST", f"/channels/{anon.C}/messages")[before:]
        assert len(posts) == 1 and "Posted" in started.content
        posted = anon.Posted(fd, posts[0])

        pressed = await fd.click(posted.button(), message_id=posted.message_id, user_id=anon.ANA)
        answered_once(fd, pressed)
        form_id, field = anon.form(pressed)
        sent = await fd.submit(form_id, {field: "Only once."}, user_id=anon.ANA, channel_id=anon.C)
        # Both processes take the form (it is handled by its custom id, not from memory): the
        # one Discord refuses has done nothing yet, and stops.
        answered_once(fd, sent, refused=1)
        [relayed] = anon.relayed(fd, posted)
        assert "posted anonymously" in sent.content
        links = view.rows_at(database, "anonymous_answers")
        assert view.pick(links, "message_id", "member_id") == [
            (int(relayed.response["id"]), anon.ANA)
        ]

        deleted = await fd.click(
            anon.delete_button(sent), message_id=anon.confirmation_id(sent), user_id=anon.ANA
        )
        answered_once(fd, deleted)
        path = f"/channels/{posted.thread_id}/messages/{relayed.response['id']}"
        assert len(fd.requests_to("DELETE", path)) == 1 and "deleted" in deleted.content


async def test_eight_forms_across_two_processes_post_only_the_hourly_limit(
    tmp_path, make_bot, database
):
    def make():
        return anon.anonymous_bot(make_bot, tmp_path, database=database, anonymous_per_hour=3)

    async with two_processes(make, anon.community) as fd:
        posted = await anon.post(fd)
        forms = []
        for _ in range(8):
            pressed = await fd.click(
                posted.button(), message_id=posted.message_id, user_id=anon.ANA
            )
            forms.append(anon.form(pressed))
        await fd.at_once(
            [
                fd.form(form_id, {field: f"Answer {n}"}, user_id=anon.ANA, channel_id=anon.C)
                for n, (form_id, field) in enumerate(forms)
            ]
        )
        assert len(anon.relayed(fd, posted)) == 3


async def test_skip_stop_reveal_and_member_stats_are_noted_once(tmp_path, make_bot):
    async with anonymous_world(make_bot, tmp_path) as fd:
        posted = await anon.post(fd)
        await anon.answer(fd, posted, anon.ANA)
        [relayed] = anon.relayed(fd, posted)

        skipped = await fd.slash("topic skip", user_id=anon.MOD, channel_id=anon.C)
        answered_once(fd, skipped)
        assert "1 upcoming post(s) will be skipped" in skipped.content
        schedule = await fd.slash("topic schedule", user_id=anon.MOD, channel_id=anon.C)
        assert "1 skip(s) pending" in schedule.content

        revealed = await fd.slash(
            "anonymous reveal",
            user_id=anon.REVEALER,
            channel_id=anon.C,
            message=relayed.response["id"],
            reason="Threats against a member",
        )
        answered_once(fd, revealed)
        assert len([t for t in mod_log(fd, anon.MODLOG) if "revealed the author" in t]) == 1

        member = await fd.slash(
            "stats member", user_id=anon.MOD, channel_id=anon.C, member=anon.BEN
        )
        answered_once(fd, member)
        stopped = await fd.slash("anonymous stop", user_id=anon.MOD, channel_id=anon.C)
        answered_once(fd, stopped)
        assert len([t for t in mod_log(fd, anon.MODLOG) if "stopped anonymous" in t]) == 1
        suggestions_of_ben = [t for t in mod_log(fd, anon.MODLOG) if str(anon.BEN) in t]
        assert len(suggestions_of_ben) <= 1  # a member's figures read: noted once, if at all

        choices = await fd.autocomplete(
            "topic post", "prompt", user_id=anon.MOD, channel_id=anon.C, prompt="fam"
        )
        assert {c["value"] for c in choices} == {"family-1", "family-2"}


async def test_forget_with_deletion_deletes_each_answer_once(tmp_path, make_bot, database):
    async with anonymous_world(make_bot, tmp_path, database) as fd:
        posted = await anon.post(fd)
        await anon.answer(fd, posted, anon.ANA)
        [relayed] = anon.relayed(fd, posted)
        asked = await fd.slash("participation forget", user_id=anon.ANA, channel_id=anon.C)
        answered_once(fd, asked)
        done = await anon.press(
            fd, asked, "Erase everything and delete my anonymous answers", anon.ANA
        )
        answered_once(fd, done)
        path = f"/channels/{posted.thread_id}/messages/{relayed.response['id']}"
        assert len(fd.requests_to("DELETE", path)) == 1 and "deleted 1 of them" in done.content


# --- suggestions and review ------------------------------------------------------------------


def suggestion_world(make_bot, tmp_path, database=None):
    return two_processes(
        lambda: suggestion_bot(make_bot, tmp_path, database=database), suggestion_guild
    )


def suggestion_rows(database) -> list[tuple]:
    stored = view.rows_at(database, "suggestions")
    return view.pick(stored, "id", "member_id", "status", "prompt_id")


async def test_a_suggestion_and_its_decision_are_made_once(tmp_path, make_bot, database):
    async with suggestion_world(make_bot, tmp_path, database) as fd:
        made = await suggest(fd, ANA, "What song reminds you of home?", theme="joy")
        answered_once(fd, made)
        assert len(suggestion_rows(database)) == 1 and len(announcements(fd)) == 1
        [card] = announcements(fd)
        accepted = await fd.click(
            buttons(card.json)["Accept"], message_id=int(card.response["id"]), user_id=MOD
        )
        answered_once(fd, accepted)
        assert [p["id"] for p in prompts_of(tmp_path, "joy")] == ["joy-1", "joy-2"]
        assert "Already decided" not in accepted.content

        mine = await fd.slash("suggest mine", user_id=ANA, channel_id=SC)
        answered_once(fd, mine)
        assert len(mod_log(fd, SMODLOG)) == 1  # the announcement only


async def test_a_draft_review_and_a_rejection_with_a_reason_are_made_once(
    tmp_path, make_bot, database
):
    async with suggestion_world(make_bot, tmp_path, database) as fd:
        await suggest(fd, ANA, "Where do you feel free?", theme="joy")
        shown = await fd.slash("topic review", user_id=MOD, channel_id=SC)
        answered_once(fd, shown)
        card = shown.messages[0]
        pressed = await fd.click(buttons(card)["Reject"], message_id=message_id(shown), user_id=MOD)
        answered_once(fd, pressed)
        modal = pressed.callback.json["data"]
        rejected = await fd.submit(
            modal["custom_id"],
            {"reason": "We had one like it."},
            user_id=MOD,
            channel_id=SC,
            message_id=message_id(shown),
        )
        answered_once(fd, rejected)
        assert [status for _, _, status, _ in suggestion_rows(database)] == ["rejected"]

        shown = await fd.slash("topic review", user_id=MOD, channel_id=SC)
        card = fd.server.messages[message_id(shown)]
        assert "grief-2" in card["content"]
        accepted = await fd.click(
            buttons(card)["Accept"], message_id=message_id(shown), user_id=MOD
        )
        answered_once(fd, accepted)
        grief = (tmp_path / "prompts" / "grief.yaml").read_text()
        assert grief.count("- id: grief-2") == 1 and "status: draft" not in grief


# --- scheduled acts --------------------------------------------------------------------------


async def test_the_weekly_digest_is_posted_once_by_two_processes(tmp_path, make_bot):
    from bot.adapter.stats import COGS as STATS_COGS
    from tests.participation_world import MODLOG as PMODLOG
    from tests.participation_world import guild as participation_guild
    from tests.participation_world import settings

    make = lambda: make_bot(settings(tmp_path), cogs=STATS_COGS)  # noqa: E731
    async with two_processes(make, participation_guild) as fd:
        other = fd.peers[1].bot.get_cog("ReportTasks")
        tasks = fd.bot.get_cog("ReportTasks")
        monday = tasks.next_digest[10]
        assert other.next_digest[10] == monday
        await asyncio.gather(tasks.run_due(monday), other.run_due(monday))
        [digest] = mod_log(fd, PMODLOG)
        assert digest.startswith("Discussion digest")
        next_monday = tasks.next_digest[10]
        await asyncio.gather(tasks.run_due(next_monday), other.run_due(next_monday))
        assert len(mod_log(fd, PMODLOG)) == 2  # the next week's, once too


async def test_a_reply_refused_as_already_acknowledged_is_no_error_and_not_retried(
    tmp_path, make_bot
):
    """Discord's 40060 means another process answered: nothing to log as a failure, and no
    second reply to try (the harness fails a test on any logged error)."""
    async with anon.running(tmp_path, make_bot) as (_bot, fd):
        callback = ("POST", "/interactions/{webhook_id}/{webhook_token}/callback")
        fd.fail_next(*callback, status=400, code=40060, message="already acknowledged")
        refused = await fd.slash("topic next", user_id=anon.MOD, channel_id=anon.C)
        assert [r.status for r in refused.requests] == [400]


async def test_every_other_command_is_answered_once(tmp_path, make_bot):
    async with anonymous_world(make_bot, tmp_path) as fd:
        await anon.post(fd)
        steps = [
            ("topic next", anon.MOD, {}),
            ("topic pause", anon.MOD, {}),
            ("topic resume", anon.MOD, {}),
            ("topic reload", anon.MOD, {}),
            ("topic schedule", anon.MOD, {}),
            ("export", anon.MOD, {}),
            ("stats server", anon.MOD, {}),
            ("stats prompt", anon.MOD, {"prompt": "family-1"}),
            ("anonymous stop", anon.MOD, {}),
            ("anonymous resume", anon.MOD, {}),
            ("participation me", anon.ANA, {}),
            ("participation opt-in", anon.ANA, {}),
        ]
        for path, user, options in steps:
            replies = await fd.slash(path, user_id=user, channel_id=anon.C, **options)
            answered_once(fd, replies)
            assert replies.content, path
        notes = mod_log(fd, anon.MODLOG)
        assert len([t for t in notes if "stopped anonymous" in t]) == 1
        assert len([t for t in notes if "resumed anonymous" in t]) == 1

        asked = await fd.slash("participation opt-out", user_id=anon.ANA, channel_id=anon.C)
        answered_once(fd, asked)
        erased = await anon.press(fd, asked, "Erase my records", anon.ANA)
        answered_once(fd, erased)


async def test_edit_turn_off_and_withdraw_are_made_once(tmp_path, make_bot, database):
    async with suggestion_world(make_bot, tmp_path, database) as fd:
        await suggest(fd, ANA, "What is a place you love?", theme="joy")
        await suggest(fd, ANA, "What do you cook on Sundays?", theme="joy")
        mine = await fd.slash("suggest mine", user_id=ANA, channel_id=SC)
        withdrawn = await fd.click(
            buttons(mine.messages[0])["Withdraw 2"], message_id=message_id(mine), user_id=ANA
        )
        answered_once(fd, withdrawn)
        assert [status for _, _, status, _ in suggestion_rows(database)] == ["pending", "withdrawn"]

        shown = await fd.slash("topic review", user_id=MOD, channel_id=SC)
        opened = await fd.click(
            buttons(shown.messages[0])["Edit"], message_id=message_id(shown), user_id=MOD
        )
        answered_once(fd, opened)
        edited = await fd.submit(
            opened.callback.json["data"]["custom_id"],
            {"question": "What place do you love most?", "followups": "", "theme": "joy"},
            user_id=MOD,
            channel_id=SC,
            message_id=message_id(shown),
        )
        answered_once(fd, edited)
        card = fd.server.messages[message_id(shown)]
        assert card["embeds"][0]["title"] == "What place do you love most?"
        off = await fd.click(buttons(card)["Turn off"], message_id=message_id(shown), user_id=MOD)
        answered_once(fd, off)
        made = [p for p in prompts_of(tmp_path, "joy") if p["id"] != "joy-1"]
        assert [(p["question"], p["enabled"]) for p in made] == [
            ("What place do you love most?", False)
        ]
