"""Paced follow-ups, the nudge and the welcome reaction, through discord.py's own parsing against
the model of Discord, a real SQLite file and real prompt files; time moves only by the injected
clock and the scheduler's own pass (``Posting.run_once``)."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.participation_cmds import ParticipationCommands
from bot.adapter.posting import Posting
from bot.config.settings import GuildConfig
from bot.prompts.loader import LibraryHolder
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import (
    GUILD,
    MODLOG,
    channel,
    community,
    library_holder,
    settings,
    write_theme,
)

A, ANA, BEN, CAT = 20, 30, 31, 32
SLOT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 in London
A1, B1 = "Follow-up A to grief-1", "Follow-up B to grief-1"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def paced_bot(make_bot, tmp_path, clock=None, holder=None, *, welcome=False, **channel_kw):
    channel_kw.setdefault("followups", "paced")
    config = settings(tmp_path, channel(A, **channel_kw))
    guild = replace(config.guilds[0], welcome_first_answer=welcome)
    config = replace(config, guilds=(guild,))
    holder = holder or library_holder(tmp_path, {"grief": 3})
    cogs = [Posting, AnswersCog, ParticipationCommands]
    return make_bot(config, holder, cogs=cogs, clock=clock or Clock(SLOT))


@contextlib.asynccontextmanager
async def paced_thread(make_bot, tmp_path, holder=None, **kw):
    """A running bot (``paced_bot``'s settings) on a fake Discord whose clock is at SLOT, and
    the thread of the prompt a moderator has posted: ``(fd, clock, thread_id)``."""
    clock = Clock(SLOT)
    async with FakeDiscord(paced_bot(make_bot, tmp_path, clock, holder, **kw), clock=clock) as fd:
        yield fd, clock, await posted_thread(fd)


async def posted_thread(fd) -> int:
    """Connect; the scheduler's first pass posts the 09:00 prompt. Its thread id."""
    await fd.connect(community(fd, A, ANA, BEN, CAT))
    await fd.settle(set())
    [thread] = fd.server.threads(A)
    return int(thread["id"])


def bot_lines(fd, thread_id: int) -> list[str]:
    """What the bot has said in the thread, in order."""
    bot_id = fd.bot_user["id"]
    return [
        m["content"] for m in fd.server.channel_messages(thread_id) if m["author"]["id"] == bot_id
    ]


async def answer(fd, thread_id: int, member: int) -> dict:
    """A member answers; the writer stores it (as its one-second timer would) and what the
    stored answers start is let finish."""
    sent = await fd.say(thread_id, member, "an answer", at=fd.clock())
    await fd.bot.services.writer.flush()
    await fd.bot.services.facilitation.idle()
    await fd.settle()
    return sent


async def scheduler_pass(fd, clock: Clock, when: datetime) -> None:
    clock.now = when
    await fd.bot.get_cog("Posting").run_once()
    await fd.settle()


def reactions(fd) -> list[tuple[int, str]]:
    """(message id, emoji) of every reaction the bot added."""
    found = []
    for r in fd.requests_to(
        "PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
    ):
        parts = r.path.split("/")
        found.append((int(parts[-4]), r.path))
    return found


async def test_paced_followups_come_after_answers_one_at_a_time(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, followup_after_answers=2) as (fd, clock, thread):
        assert bot_lines(fd, thread) == []  # the post alone: no questionnaire

        await answer(fd, thread, ANA)
        assert bot_lines(fd, thread) == []
        await answer(fd, thread, BEN)
        assert bot_lines(fd, thread) == [A1]  # promptly, not at the next scheduled pass

        await answer(fd, thread, CAT)
        await scheduler_pass(fd, clock, SLOT + timedelta(minutes=5))
        assert bot_lines(fd, thread) == [A1]
        await answer(fd, thread, ANA)
        assert bot_lines(fd, thread) == [A1, B1]
        sends = fd.requests_to("POST", f"/channels/{thread}/messages")
        assert all(s.json["allowed_mentions"] == {"parse": []} for s in sends)

        for member in (BEN, CAT, ANA):  # every follow-up asked: nothing more
            await answer(fd, thread, member)
        await scheduler_pass(fd, clock, SLOT + timedelta(days=2))
        assert bot_lines(fd, thread) == [A1, B1]


async def test_after_one_answer_and_hours_of_silence_the_next_followup_comes(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, followup_after_hours=6.0) as (fd, clock, thread):
        clock.now = SLOT + timedelta(hours=1)
        await answer(fd, thread, ANA)
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=6, minutes=59))
        assert bot_lines(fd, thread) == []
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=7))
        assert bot_lines(fd, thread) == [A1]
        # The same silence after it, but with no answer since: nothing.
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=20))
        assert bot_lines(fd, thread) == [A1]
        clock.now = SLOT + timedelta(hours=21)
        await answer(fd, thread, BEN)
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=27))
        assert bot_lines(fd, thread) == [A1, B1]


async def test_a_thread_with_no_answer_gets_one_nudge_and_never_a_followup(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, followup_after_answers=2) as (fd, clock, thread):
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=23, minutes=59))
        assert bot_lines(fd, thread) == []
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=24))
        nudge = f"No answers here yet. An easy way in: {A1}"
        assert bot_lines(fd, thread) == [nudge]
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=72))
        assert bot_lines(fd, thread) == [nudge]  # never a second one
        [sent] = fd.requests_to("POST", f"/channels/{thread}/messages")
        assert sent.json["allowed_mentions"] == {"parse": []} and "<@" not in nudge
        # The nudge counts as a follow-up: the next one (not the one it asked) after 2 answers.
        await answer(fd, thread, ANA)
        await answer(fd, thread, BEN)
        assert bot_lines(fd, thread) == [nudge, B1]


async def test_a_sensitive_prompt_is_nudged_with_a_gentle_line(tmp_path, make_bot):
    folder = tmp_path / "prompts"
    write_theme(folder, "grief", 1)
    text = (folder / "grief.yaml").read_text()
    (folder / "grief.yaml").write_text(
        text.replace("enabled: true", "enabled: true\n  sensitive: true")
    )
    holder = LibraryHolder(folder)
    assert holder.reload() == []
    async with paced_thread(make_bot, tmp_path, holder) as (fd, clock, thread):
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=25))
        [line] = bot_lines(fd, thread)
        assert line.startswith("There is no rush with this one") and A1 not in line


async def test_nudge_after_hours_null_turns_the_nudge_off(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, nudge_after_hours=None) as (fd, clock, thread):
        await scheduler_pass(fd, clock, SLOT + timedelta(days=3))
        assert bot_lines(fd, thread) == []


async def test_a_followup_due_in_quiet_hours_waits_for_the_morning(tmp_path, make_bot):
    async with paced_thread(
        make_bot, tmp_path, followup_after_hours=6.0, quiet_hours=(23 * 60, 8 * 60)
    ) as (fd, clock, thread):
        clock.now = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)  # 17:30 in London
        await answer(fd, thread, ANA)
        # Due at 23:30 London time, inside 23:00-08:00.
        await scheduler_pass(fd, clock, datetime(2026, 6, 1, 22, 30, tzinfo=UTC))
        await scheduler_pass(fd, clock, datetime(2026, 6, 2, 6, 59, tzinfo=UTC))
        assert bot_lines(fd, thread) == []
        await scheduler_pass(fd, clock, datetime(2026, 6, 2, 7, 0, tzinfo=UTC))  # 08:00 there
        assert bot_lines(fd, thread) == [A1]


async def test_nothing_is_sent_in_an_archived_or_locked_thread(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, followup_after_answers=1) as (fd, clock, thread):
        data = fd.server.channels[thread]
        data["thread_metadata"]["locked"] = True
        await fd.send("THREAD_UPDATE", data)
        await answer(fd, thread, ANA)
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=1))
        assert bot_lines(fd, thread) == []
        data["thread_metadata"].update(locked=False, archived=True)
        await fd.send("THREAD_UPDATE", data)
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=2))
        assert bot_lines(fd, thread) == []
        data["thread_metadata"]["archived"] = False  # reopened: the follow-up due is sent
        await fd.send("THREAD_UPDATE", data)
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=3))
        assert bot_lines(fd, thread) == [A1]


async def test_at_once_channels_keep_posting_every_followup_with_the_post(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, followups="at_once", followup_after_answers=1) as (
        fd,
        clock,
        thread,
    ):
        assert bot_lines(fd, thread) == [A1, B1]
        await answer(fd, thread, ANA)
        await scheduler_pass(fd, clock, SLOT + timedelta(days=1))
        assert bot_lines(fd, thread) == [A1, B1]


async def test_each_step_is_sent_once_across_a_restart(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, followup_after_answers=1) as (fd, clock, thread):
        await answer(fd, thread, ANA)
        assert bot_lines(fd, thread) == [A1]
        server = fd.server
    again = paced_bot(make_bot, tmp_path, clock, followup_after_answers=1)
    async with FakeDiscord(again, clock=clock) as fd2:
        fd2.server.channels.update(server.channels)
        fd2.server.messages.update(server.messages)
        fd2.server.history.update(server.history)
        await fd2.connect(community(fd2, A, ANA, BEN, CAT))
        await scheduler_pass(fd2, clock, SLOT + timedelta(hours=7))
        await scheduler_pass(fd2, clock, SLOT + timedelta(hours=8))
        assert fd2.requests_to("POST", f"/channels/{thread}/messages") == []


async def test_first_answers_get_the_welcome_reaction_and_later_ones_do_not(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, welcome=True) as (fd, _clock, thread):
        first_ana = await answer(fd, thread, ANA)
        first_ben = await answer(fd, thread, BEN)
        await answer(fd, thread, ANA)
        put = fd.requests_to(
            "PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        )
        assert [r.path for r in put] == [
            f"/channels/{thread}/messages/{first_ana['id']}/reactions/%F0%9F%8C%B1/@me",
            f"/channels/{thread}/messages/{first_ben['id']}/reactions/%F0%9F%8C%B1/@me",
        ]
        assert fd.server.messages[int(first_ana["id"])]["reactions"][0]["me"] is True
        assert not fd.requests_to("POST", "/users/@me/channels")  # never a DM
        # No public message about anyone: only the follow-up the third answer brought.
        assert bot_lines(fd, thread) == [A1]


async def test_no_welcome_for_opted_out_members_and_again_after_forget(tmp_path, make_bot):
    async with paced_thread(make_bot, tmp_path, welcome=True) as (fd, _clock, thread):
        put = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        await fd.slash("participation opt-out", user_id=CAT, channel_id=A)
        await answer(fd, thread, CAT)
        assert fd.requests_to("PUT", put) == []

        await answer(fd, thread, ANA)
        assert len(fd.requests_to("PUT", put)) == 1
        await fd.bot.services.writer.forget(GUILD, ANA)
        again = await answer(fd, thread, ANA)
        assert len(fd.requests_to("PUT", put)) == 2
        assert fd.requests_to("PUT", put)[-1].path.split("/")[4] == again["id"]


async def test_welcome_is_off_by_default(tmp_path, make_bot):
    clock = Clock(SLOT)
    bot = paced_bot(make_bot, tmp_path, clock)
    assert GuildConfig(guild_id=1).welcome_first_answer is False
    async with FakeDiscord(bot, clock=clock) as fd:
        thread = await posted_thread(fd)
        await answer(fd, thread, ANA)
        assert (
            fd.requests_to(
                "PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
            )
            == []
        )


async def test_moderators_see_what_each_open_thread_waits_for(tmp_path, make_bot):
    from bot.adapter.topics import Topics

    clock = Clock(SLOT)
    config = settings(tmp_path, channel(A, followups="paced", followup_after_answers=2))
    mod = 33
    holder = library_holder(tmp_path, {"grief": 3})
    bot = make_bot(config, holder, cogs=[Posting, AnswersCog, Topics], clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await fd.connect(community(fd, A, ANA, moderators=(mod,)))
        await fd.settle(set())
        [thread] = [int(t["id"]) for t in fd.server.threads(A)]
        nudge_at = int((SLOT + timedelta(hours=24)).timestamp())
        quiet = await fd.slash("topic pending", user_id=mod, channel_id=A)
        assert quiet.ephemeral
        assert quiet.content == (
            f"<#{thread}> `grief-1` · 0 answer(s), 2 follow-up(s) left: nudge at <t:{nudge_at}:f>"
        )
        clock.now = SLOT + timedelta(hours=1)
        await answer(fd, thread, ANA)
        moving = await fd.slash("topic pending", user_id=mod, channel_id=A)
        silence = int((SLOT + timedelta(hours=7)).timestamp())
        assert moving.content == (
            f"<#{thread}> `grief-1` · 1 answer(s), 2 follow-up(s) left: next follow-up after 1"
            f" more answer(s), or at <t:{silence}:f> if quiet"
        )
        refused = await fd.slash("topic pending", user_id=ANA, channel_id=A)
        assert "grief-1" not in (refused.content or "")


async def test_stats_server_compares_paced_and_at_once_channels_and_nudges(tmp_path, make_bot):
    from bot.adapter.stats import COGS as STATS_COGS

    paced_a, at_once_b, nudged_c, nudged_d, mod_role, mod = 20, 21, 22, 23, 40, 33
    clock = Clock(SLOT)
    config = settings(
        tmp_path,
        channel(paced_a, followups="paced"),
        channel(at_once_b, followups="at_once"),
        channel(nudged_c, followups="paced", nudge_after_hours=12.0),
        channel(nudged_d, followups="paced", nudge_after_hours=12.0),
    )
    holder = library_holder(tmp_path, {"grief": 4, "joy": 4})
    bot = make_bot(config, holder, cogs=[Posting, AnswersCog, *STATS_COGS], clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        channels = (paced_a, at_once_b, nudged_c, nudged_d, MODLOG)
        await fd.connect(
            payloads.guild(
                GUILD,
                channels=[payloads.text_channel(c, GUILD, f"ch{c}") for c in channels],
                roles=[payloads.role(mod_role, "Moderators")],
                members=[
                    fd.bot_member(),
                    *(payloads.member(m) for m in (ANA, BEN, CAT)),
                    payloads.member(mod, [mod_role]),
                ],
            )
        )
        await fd.settle(set())
        thread = {c: int(fd.server.threads(c)[0]["id"]) for c in channels[:4]}
        for member in (ANA, BEN, CAT):
            await answer(fd, thread[paced_a], member)
        await answer(fd, thread[at_once_b], ANA)
        await scheduler_pass(fd, clock, SLOT + timedelta(hours=12))
        assert len(bot_lines(fd, thread[nudged_c])) == 1  # nudged
        clock.now = SLOT + timedelta(hours=13)
        await answer(fd, thread[nudged_c], BEN)

        replies = await fd.slash("stats server", user_id=mod, channel_id=paced_a)
        lines = replies.content.splitlines()
        assert "Answers per post: 1.3 in paced channels (3 post(s)), 1.0 in at-once channels" in (
            "\n".join(lines)
        )
        assert lines[-1] == "Nudged threads: 2, 1 (50%) got a first answer after the nudge"


async def test_a_prompt_a_moderator_posts_as_sensitive_is_nudged_gently(tmp_path, make_bot):
    from bot.adapter.topics import Topics

    clock = Clock(SLOT - timedelta(hours=2))  # before the 09:00 slot
    config = settings(tmp_path, channel(A, followups="paced"))
    mod = 33
    holder = library_holder(tmp_path, {"grief": 3})
    bot = make_bot(config, holder, cogs=[Posting, AnswersCog, Topics], clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await fd.connect(community(fd, A, moderators=(mod,)))
        await fd.settle(set())
        done = await fd.slash("topic post", user_id=mod, channel_id=A, sensitive=True)
        assert done.content.startswith("Posted `grief-1`")
        [thread] = [int(t["id"]) for t in fd.server.threads(A)]
        await scheduler_pass(fd, clock, SLOT - timedelta(hours=2) + timedelta(hours=24))
        nudges = [line for line in bot_lines(fd, thread) if "rush" in line or A1 in line]
        assert nudges == [
            "There is no rush with this one. If and when it feels right, a line or two is"
            " plenty, and reading along is welcome too."
        ]
