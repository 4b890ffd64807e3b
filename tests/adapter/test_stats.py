"""Moderator reports, CSV export, weekly digest and retention purge, through Discord payloads."""

import csv
import io
from datetime import timedelta

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.checks import gates, iter_leaf_commands
from bot.adapter.stats import COGS as STATS_COGS
from bot.adapter.tree import MODERATOR_ONLY
from bot.reports.types import EXPORT_COLUMNS
from tests.discord_harness import FakeDiscord
from tests.participation_world import (
    ANA,
    BEN,
    MOD,
    MODLOG,
    NOW,
    C,
    G,
    guild,
    rows,
    seed_history,
    settings,
)

COGS = [AnswersCog, *STATS_COGS]
README_COLUMNS = (
    "post_id,prompt_id,theme_id,channel_id,thread_id,member_id,kind,message_id,created_at,length,"
    "anonymous"
)


async def test_every_stats_command_carries_both_moderator_gates(tmp_path, make_bot):
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        names = {c.qualified_name: gates(c) for c in iter_leaf_commands(bot.tree, [G])}
        assert names == {
            "stats server": (True, True),
            "stats prompt": (True, True),
            "stats member": (True, True),
            "export": (True, True),
        }
        await fd.connect(guild(fd))
        for path, options in [
            ("stats server", {}),
            ("stats prompt", {"prompt": "p1"}),
            ("stats member", {"member": ANA}),
            ("export", {}),
        ]:
            refused = await fd.slash(path, user_id=ANA, channel_id=C, **options)
            assert refused.content == MODERATOR_ONLY and refused.ephemeral, path


async def test_stats_server_figures_on_a_known_data_set(tmp_path, make_bot):
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        replies = await fd.slash("stats server", user_id=MOD, channel_id=C)
        assert replies.ephemeral and replies.messages[0]["allowed_mentions"] == {"parse": []}
        lines = replies.content.splitlines()
        assert lines[0] == "Last 7 day(s): 2 active members (1 new, 1 returning)"
        assert lines[1] == "Answers: 5, reactions: 1, prompts posted: 4"
        assert lines[2].startswith("Most discussed prompts: p4 (2.0/post)")
        month = await fd.slash("stats server", user_id=MOD, channel_id=C, days=31)
        assert month.content.startswith("Last 31 day(s): 2 active members (2 new, 0 returning)")


async def test_reports_still_work_after_the_answers_cog_is_unloaded(tmp_path, make_bot):
    """Cogs share services the bot built, not each other: unloading the answers cog leaves
    /stats working, with what was queued before the unload written."""
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        await bot.remove_cog("Answers")
        replies = await fd.slash("stats server", user_id=MOD, channel_id=C)
        assert replies.content.splitlines()[1] == "Answers: 5, reactions: 1, prompts posted: 4"


async def test_stats_prompt_and_member(tmp_path, make_bot):
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        prompt = await fd.slash("stats prompt", user_id=MOD, channel_id=C, prompt="p4")
        assert "Answers: 2 (2.0 per post), reactions: 0, members: 1" in prompt.content
        unknown = await fd.slash("stats prompt", user_id=MOD, channel_id=C, prompt="nope")
        assert unknown.content == "Prompt nope was never posted in this server."
        member = await fd.slash("stats member", user_id=MOD, channel_id=C, member=ANA)
        assert "4 answers on 3 prompts, 0 reactions, 3 themes" in member.content
        assert "current streak 3, best 3" in member.content
        assert member.messages[0]["allowed_mentions"] == {"parse": []}
        assert all(m.get("allowed_mentions") == {"parse": []} for m in member.messages)


async def test_export_attaches_a_csv_with_the_documented_columns(tmp_path, make_bot):
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        replies = await fd.slash("export", user_id=MOD, channel_id=C)
        assert replies.ephemeral  # the deferred "thinking" reply is private
        [follow] = [r for r in replies.requests if r.files]
        [(name, data)] = follow.files
        assert name == f"participation-{G}-2026-01-06.csv"
        assert follow.json["content"] == "7 records." and follow.json["flags"] == 64
        text = data.decode("utf-8")
        assert text.splitlines()[0] == README_COLUMNS == ",".join(EXPORT_COLUMNS)
        table = list(csv.DictReader(io.StringIO(text)))
        assert len(table) == 7
        assert table[0]["member_id"] == str(BEN) and table[0]["length"] == "10"
        assert {r["kind"] for r in table} == {"answer", "reaction"}

        week = await fd.slash("export", user_id=MOD, channel_id=C, days=7)
        [(_, recent)] = next(r for r in week.requests if r.files).files
        assert len(recent.decode().splitlines()) == 1 + 6  # the 30-day-old answer left out


async def test_weekly_digest_goes_to_mod_log_at_the_slot_and_pings_nobody(tmp_path, make_bot):
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        tasks = bot.get_cog("ReportTasks")
        monday = tasks.next_digest[G]
        assert (monday.weekday(), monday.hour, monday.minute) == (0, 9, 0)
        assert monday > NOW

        await tasks.run_due(monday - timedelta(seconds=1))
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []
        await tasks.run_due(monday)
        [post] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert post.json["content"].startswith("Discussion digest 2026-01-05 to 2026-01-12")
        assert "Active members: 1 (0 new, 1 returning)" in post.json["content"]
        assert post.pings.nobody and post.json["allowed_mentions"] == {"parse": []}
        assert tasks.next_digest[G] == monday + timedelta(days=7)


async def test_purge_removes_rows_older_than_retention_daily(tmp_path, make_bot):
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path, retention_days=3), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))  # the first purge runs once the bot is ready
        kept = await rows(bot, "created_at")
        cutoff = NOW.timestamp() - 3 * 86400
        assert len(kept) == 4 and all(r[0] >= cutoff for r in kept)

        tasks = bot.get_cog("ReportTasks")
        await tasks.run_due(NOW + timedelta(hours=23))  # not due yet
        assert len(await rows(bot)) == 4
        await tasks.run_due(NOW + timedelta(days=1))
        assert [r[0] for r in await rows(bot)] == [BEN, ANA, ANA]  # posts 3 and 4


async def test_looking_up_a_member_or_exporting_is_noted_in_the_mod_log(tmp_path, make_bot):
    """Acts that read members' records are seen by the other moderators, and ping nobody."""
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        await fd.slash("stats server", user_id=MOD, channel_id=C)
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []  # no member named
        await fd.slash("stats member", user_id=MOD, channel_id=C, member=ANA)
        await fd.slash("export", user_id=MOD, channel_id=C, days=7)
        notes = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert [n.json["content"].split(" (<t:")[0] for n in notes] == [
            f"<@{MOD}> looked up the participation of <@{ANA}>",
            f"<@{MOD}> exported the participation records of the last 7 day(s)",
        ]
        assert all(n.pings.nobody for n in notes)
