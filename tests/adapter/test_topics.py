"""/topic moderator commands through discord.py's real interaction handling (offline harness)."""

from datetime import UTC, datetime, timedelta

from bot.adapter.checks import gates, half_gated, iter_leaf_commands
from bot.adapter.client import DiscussionBot
from bot.adapter.posting import Posting
from bot.adapter.topics import Topics
from bot.adapter.tree import MODERATOR_ONLY
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import GUILD, MODLOG, channel, library_holder, settings, write_theme
from tests.store import view

A, ELSEWHERE, MEMBER, MOD, MOD_ROLE = 20, 23, 30, 31, 40
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 08:00 London; the 09:00 slot is an hour away
SUBCOMMANDS = {
    "post", "next", "skip", "pause", "resume", "reload", "schedule", "review", "pending",
    "check",
}  # fmt: skip


def files(tmp_path):
    """Settings with one scheduled channel, and two themes of two prompts each."""
    return settings(tmp_path, channel(A)), library_holder(tmp_path, {"grief": 2, "joy": 2})


async def start(fd):
    channels = [payloads.text_channel(c, GUILD, f"ch{c}") for c in (A, ELSEWHERE, MODLOG)]
    await fd.connect(
        payloads.guild(
            GUILD,
            channels=channels,
            roles=[payloads.role(MOD_ROLE, "Moderators")],
            members=[fd.bot_member(), payloads.member(MEMBER), payloads.member(MOD, [MOD_ROLE])],
        )
    )
    await fd.settle(set())


def question(theme: str) -> str:
    return f"What does {theme} question 1 make you think of?"


def posts_in(fd, channel_id):
    return fd.requests_to("POST", f"/channels/{channel_id}/messages")


async def test_member_is_refused_and_moderator_posts(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        refused = await fd.slash("topic post", user_id=MEMBER, channel_id=A)
        assert refused.content == MODERATOR_ONLY and refused.ephemeral
        assert posts_in(fd, A) == []

        done = await fd.slash("topic post", user_id=MOD, channel_id=A, theme="joy")
        assert done.ephemeral and done.content.startswith(f"Posted `joy-1` in <#{A}>")
        [post] = posts_in(fd, A)
        assert post.json["embeds"][0]["footer"]["text"] == "Theme: Joy · From: e.txt · post 2"


async def test_post_explains_unknown_ids_and_unconfigured_channels(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        unknown = await fd.slash("topic post", user_id=MOD, channel_id=A, prompt="nope-9")
        elsewhere = await fd.slash("topic post", user_id=MOD, channel_id=ELSEWHERE)
        assert unknown.content == "There is no prompt `nope-9`."
        assert (
            elsewhere.content == f"<#{ELSEWHERE}> is not a discussion channel in the bot's config."
        )
        assert posts_in(fd, A) == [] and posts_in(fd, ELSEWHERE) == []


async def test_post_autocompletes_themes_and_prompts_of_the_chosen_theme(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        themes = await fd.autocomplete("topic post", "theme", user_id=MOD, channel_id=A, theme="jo")
        prompts = await fd.autocomplete(
            "topic post", "prompt", user_id=MOD, channel_id=A, theme="grief", prompt=""
        )
        assert [c["value"] for c in themes] == ["joy"]
        assert [c["value"] for c in prompts] == ["grief-1", "grief-2"]


async def test_every_topic_subcommand_carries_both_gates(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock):
        topic = [c for c in iter_leaf_commands(bot.tree, [GUILD]) if c.root_parent]
        assert {c.name for c in topic} == SUBCOMMANDS
        assert all(gates(c) == (True, True) for c in topic)
        assert half_gated(bot.tree, [GUILD]) == []


async def test_next_lists_upcoming_prompts_with_pending_skip(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        skipped = await fd.slash("topic skip", user_id=MOD, channel_id=A)
        upcoming = await fd.slash("topic next", user_id=MOD, channel_id=A, count=3)
        assert skipped.content == f"<#{A}>: 1 upcoming post(s) will be skipped."
        first = int((NOW + timedelta(hours=1)).timestamp())
        assert upcoming.content.splitlines() == [
            f"Next in <#{A}>:",
            f"<t:{first}:f> · skipped (a moderator asked)",
            f"<t:{first + 86400}:f> · `grief/grief-1` {question('grief')}",
            f"<t:{first + 2 * 86400}:f> · `joy/joy-1` {question('joy')}",
        ]
        assert upcoming.ephemeral


async def test_pause_resume_and_schedule(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        paused = await fd.slash("topic pause", user_id=MOD, channel_id=ELSEWHERE, channel=A)
        schedule = await fd.slash("topic schedule", user_id=MOD, channel_id=A)
        assert paused.content == f"<#{A}> paused: no scheduled posts until resumed."
        assert schedule.content == f"<#{A}> `0 9 * * *` (Europe/London): paused"
        assert await bot.get_cog("Posting").service.store.channels.is_paused(A)
        resumed = await fd.slash("topic resume", user_id=MOD, channel_id=A)
        assert resumed.content == f"<#{A}> resumed."
        schedule = await fd.slash("topic schedule", user_id=MOD, channel_id=A)
        assert f"<t:{int((NOW + timedelta(hours=1)).timestamp())}:f>" in schedule.content


async def test_reload_reports_file_and_line_and_keeps_the_old_prompts(tmp_path, make_bot):
    bot = make_bot(*files(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        broken = tmp_path / "prompts" / "joy.yaml"
        broken.write_text("id: joy\ntitle: Joy\nprompts:\n  - id: joy-1\n    question: hi\n")
        replies = await fd.slash("topic reload", user_id=MOD, channel_id=A)
        assert replies.ephemeral
        assert replies.content.startswith("Prompt files have problems; still using the last good")
        assert "prompts/joy.yaml:4: prompt is missing 'followups'" in replies.content
        assert str(tmp_path) not in replies.content  # no host folders shown in Discord
        assert bot.services.library.library.prompt("joy-2") is not None  # the old library stays

        write_theme(tmp_path / "prompts", "joy", 3)
        fixed = await fd.slash("topic reload", user_id=MOD, channel_id=A)
        assert fixed.content == "Loaded 2 themes and 5 prompts (5 enabled)."


async def test_answers_in_the_thread_of_a_moderators_post_are_recorded(tmp_path):
    from bot.adapter.answers.cog import AnswersCog

    holder = library_holder(tmp_path, {"joy": 2})
    config = settings(tmp_path, channel(A))
    bot = DiscussionBot(config, holder, clock=lambda: NOW, cogs=[Posting, Topics, AnswersCog])
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        await fd.slash("topic post", user_id=MOD, channel_id=A, theme="joy")
        [thread] = fd.requests_to("POST", f"/channels/{A}/messages/{{id}}/threads")
        thread_id = int(thread.response["id"])
        await fd.say(thread_id, MEMBER, "my answer")
        await bot.get_cog("Answers").writer.flush()
        rows = await view.rows(bot.services.stores, "participation")
        assert view.pick(rows, "member_id", "kind") == [(MEMBER, "answer")]
