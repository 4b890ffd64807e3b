"""Counts read as English ("1 answer", "2 answers"), and a prompt nobody answered is never
listed as most discussed."""

from datetime import UTC, datetime

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.participation_cmds import ParticipationCommands
from bot.adapter.stats import COGS as STATS_COGS
from bot.config.database import parse_database
from bot.reports.builders import server_report
from bot.store import open_stores
from tests.discord_harness import FakeDiscord
from tests.participation_world import ANA, MOD, POSTED_AT, C, G, guild, seed_post, settings

COGS = [AnswersCog, ParticipationCommands, *STATS_COGS]


async def test_one_answer_is_one_answer_in_me_and_in_stats_member(tmp_path, make_bot):
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd, [post]))
        await fd.say(post.thread_id, ANA)
        mine = await fd.slash("participation me", user_id=ANA, channel_id=C)
        assert mine.content.startswith("Prompts answered: 1 (1 answer)\nThemes touched: 1\n")
        member = await fd.slash("stats member", user_id=MOD, channel_id=C, member=ANA)
        assert "1 answer on 1 prompt, 0 reactions, 1 theme;" in member.content


async def test_prompts_nobody_answered_are_never_most_discussed(tmp_path):
    for n in range(3):
        await seed_post(tmp_path / "bot.sqlite3", f"p{n}", f"t{n}", POSTED_AT + n)
    stores = await open_stores(parse_database(tmp_path / "bot.sqlite3"))
    try:
        report = await server_report(stores.reports, G, 0, POSTED_AT + 10)
    finally:
        await stores.close()
    assert report.posts == 3
    assert report.most_discussed_prompts == () and report.most_discussed_themes == ()
    assert [r.key for r in report.least_discussed_prompts] == ["p0", "p1", "p2"]


async def test_stats_server_counts_what_was_recorded_in_the_current_second(tmp_path, make_bot):
    """Asked for in the second of the post and its answer, the report shows both."""
    post = await seed_post(tmp_path / "bot.sqlite3")
    at = datetime.fromtimestamp(POSTED_AT, UTC)
    bot = make_bot(settings(tmp_path), cogs=COGS, clock=lambda: at)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd, [post]))
        await fd.say(post.thread_id, ANA, at=at)
        report = await fd.slash("stats server", user_id=MOD, channel_id=C)
    assert "Answers: 1, reactions: 0, prompts posted: 1" in report.content
    assert "p1 (1.0/post)" in report.content
