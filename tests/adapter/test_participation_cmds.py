"""Members' /participation commands on a known data set in a real SQLite file."""

import contextlib

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.participation_cmds import NOT_YOURS, ParticipationCommands
from tests.discord_harness import FakeDiscord
from tests.participation_world import (
    ANA,
    BEN,
    G,
    guild,
    rows,
    seed_history,
    seed_post,
    settings,
)

COGS = [AnswersCog, ParticipationCommands]


@contextlib.asynccontextmanager
async def running(tmp_path, make_bot):
    """The known participation history in the database and the bot connected."""
    await seed_history(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd))
        yield bot, fd


def message_id(replies) -> int:
    return int(replies.callback.response["resource"]["message"]["id"])


async def press(fd, replies, label: str, user_id: int):
    """Click the button labelled ``label`` on the bot's reply, as ``user_id``."""
    buttons = replies.callback.json["data"]["components"][0]["components"]
    button = next(b for b in buttons if b["label"] == label)
    return await fd.click(button["custom_id"], message_id=message_id(replies), user_id=user_id)


async def test_me_shows_prompts_themes_and_streaks_ephemerally(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        replies = await fd.slash("participation me", user_id=ANA, channel_id=20)

        assert replies.ephemeral
        assert replies.content == (
            "Prompts answered: 3 (4 answers)\nThemes touched: 3\nCurrent streak: 3, best streak: 3"
        )
        nobody = await fd.slash("participation me", user_id=32, channel_id=20)
        assert "No participation is recorded" in nobody.content


async def test_me_includes_an_answer_still_waiting_to_be_written(tmp_path, make_bot):
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd, [post]))
        await fd.say(post.thread_id, ANA)
        replies = await fd.slash("participation me", user_id=ANA, channel_id=20)
        assert replies.content.startswith("Prompts answered: 1 (1 answer)")


async def test_opt_out_stops_recording_and_keeping_data_is_a_choice(tmp_path, make_bot):
    post = await seed_post(tmp_path / "bot.sqlite3")
    bot = make_bot(settings(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await fd.connect(guild(fd, [post]))
        kept = await fd.say(post.thread_id, ANA)
        replies = await fd.slash("participation opt-out", user_id=ANA, channel_id=20)
        assert replies.ephemeral and "erase" in replies.content
        clicked = await press(fd, replies, "Keep them", ANA)
        assert "existing records are kept" in clicked.content

        await fd.say(post.thread_id, ANA)  # not recorded
        await fd.react(20, post.message_id, ANA)  # not recorded
        await bot.get_cog("Answers").writer.flush()
        assert await rows(bot) == [(ANA, int(kept["id"]), "answer", None)]

        await fd.slash("participation opt-in", user_id=ANA, channel_id=20)
        again = await fd.say(post.thread_id, ANA)
        await bot.get_cog("Answers").writer.flush()
        assert [r[1] for r in await rows(bot)] == [int(kept["id"]), int(again["id"])]


async def test_opt_out_and_erase(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies = await fd.slash("participation opt-out", user_id=ANA, channel_id=20)
        clicked = await press(fd, replies, "Erase my records", ANA)
        assert "Erased 4 participation record(s)" in clicked.content
        assert not [r for r in await rows(bot) if r[0] == ANA]


async def test_forget_asks_then_erases_everything_about_the_member(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies = await fd.slash("participation forget", user_id=BEN, channel_id=20)
        assert replies.ephemeral and "cannot be undone" in replies.content
        assert len([r for r in await rows(bot) if r[0] == BEN]) == 3  # nothing erased yet

        clicked = await press(fd, replies, "Erase everything", BEN)

        assert clicked.content == "Erased 3 participation record(s) about you in this server."
        assert clicked.messages[-1]["components"] == []  # the reply edited: its buttons gone
        assert [r[0] for r in await rows(bot)] == [ANA] * 4
        me = await fd.slash("participation me", user_id=BEN, channel_id=20)
        assert "No participation is recorded" in me.content


async def test_another_members_click_is_refused_and_erases_nothing(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies = await fd.slash("participation forget", user_id=BEN, channel_id=20)
        clicked = await press(fd, replies, "Erase everything", ANA)

        assert clicked.content == NOT_YOURS and clicked.ephemeral
        assert len(await rows(bot)) == 7


async def test_cancel_leaves_data_untouched(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies = await fd.slash("participation forget", user_id=BEN, channel_id=20)
        clicked = await press(fd, replies, "Cancel", BEN)
        assert clicked.content == "Nothing was erased."
        assert clicked.callback.json["data"]["components"] == []
        assert len(await rows(bot)) == 7


async def unanswered(fd, member_id: int):
    """The confirmation ``member_id`` left open times out, as discord.py times a view out;
    returns the edit of the bot's reply."""
    view = fd.bot.get_cog("ParticipationCommands").questions[(G, member_id)]
    view.stop()
    await view.on_timeout()
    [edit] = fd.requests_to("PATCH", "/webhooks/{id}/{token}/messages/@original")
    return edit.json


async def test_an_unanswered_forget_erases_nothing_and_removes_the_buttons(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies = await fd.slash("participation forget", user_id=BEN, channel_id=20)

        edit = await unanswered(fd, BEN)

        assert edit["content"] == "No answer; nothing was erased."
        assert edit["components"] == []
        assert len(await rows(bot)) == 7
        late = await press(fd, replies, "Erase everything", BEN)
        assert late.callback is None and len(await rows(bot)) == 7


async def test_an_unanswered_opt_out_keeps_the_records_and_removes_the_buttons(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (bot, fd):
        await fd.slash("participation opt-out", user_id=ANA, channel_id=20)

        edit = await unanswered(fd, ANA)

        assert edit["content"] == "You are opted out. No answer, so your existing records are kept."
        assert edit["components"] == []
        assert len(await rows(bot)) == 7


def test_member_commands_are_not_moderator_gated():
    from bot.adapter.checks import gates

    for command in ParticipationCommands.participation.commands:
        assert gates(command) == (False, False)
