"""Polls: a prompt with ``poll`` is posted as a Discord poll with its thread; votes are light
participation (the member's reaction record on the prompt), taken back with the vote, erased by
forget; when the poll ends its result is summarised in the thread; review cards show it."""

from datetime import UTC, datetime, timedelta

import yaml

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.polls import PollResults
from bot.adapter.posting import Posting
from bot.adapter.publisher import with_poll_preview
from bot.adapter.topics import Topics
from bot.devserver import polls
from bot.prompts.loader import LibraryHolder
from bot.prompts.model import Poll, Prompt
from tests.discord_harness import FakeDiscord
from tests.posting_helpers import GUILD, channel, community, settings
from tests.store import view

A, ANA, BEN, MOD = 20, 30, 33, 31
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
QUESTION = "Which of these do you cook when you miss home?"


def poll_library(tmp_path) -> LibraryHolder:
    folder = tmp_path / "prompts"
    folder.mkdir()
    theme = {
        "id": "food",
        "title": "Food",
        "prompts": [
            {
                "id": "food-1",
                "question": QUESTION,
                "followups": [],
                "context": "A quote.",
                "poll": {
                    "answers": ["Rice", "Noodles", "Dumplings"],
                    "multiselect": True,
                    "hours": 48,
                },
            }
        ],
    }
    (folder / "food.yaml").write_text(yaml.safe_dump(theme, sort_keys=False))
    holder = LibraryHolder(folder)
    assert holder.reload() == []
    return holder


async def start(fd):
    await fd.connect(community(fd, A, ANA, BEN, moderators=(MOD,)))


async def rows(bot):
    await bot.services.writer.flush()
    rows = await view.rows(bot.services.stores, "participation")
    return view.pick(sorted(rows, key=lambda r: r["member_id"]), "member_id", "message_id", "kind")


async def posted(fd):
    done = await fd.slash("topic post", user_id=MOD, channel_id=A)
    assert done.content.startswith("Posted `food-1`"), done.content
    [post] = fd.requests_to("POST", f"/channels/{A}/messages")
    return post


async def test_a_poll_prompt_is_posted_as_a_discord_poll_with_its_thread(tmp_path, make_bot):
    conf = settings(tmp_path, channel(A))
    bot = make_bot(conf, poll_library(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        post = await posted(fd)
        assert post.json["poll"] == {
            "allow_multiselect": True,
            "question": {"text": QUESTION},
            "duration": 48.0,
            "layout_type": 1,
            "answers": [
                {"poll_media": {"text": "Rice"}},
                {"poll_media": {"text": "Noodles"}},
                {"poll_media": {"text": "Dumplings"}},
            ],
        }
        assert post.json["embeds"][0]["title"] == QUESTION
        message_id = int(post.response["id"])
        assert post.response["poll"]["answers"][2] == {
            "answer_id": 3,
            "poll_media": {"text": "Dumplings"},
        }
        [thread] = fd.requests_to("POST", f"/channels/{A}/messages/{message_id}/threads")
        assert thread.json["name"] == QUESTION


async def test_votes_are_recorded_taken_back_and_forgotten(tmp_path, make_bot):
    conf = settings(tmp_path, channel(A))
    cogs = [Posting, Topics, AnswersCog]
    bot = make_bot(conf, poll_library(tmp_path), cogs=cogs, clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        message_id = int((await posted(fd)).response["id"])
        await fd.vote(message_id, ANA, 1)
        await fd.vote(message_id, ANA, 3)  # a second answer: still one record
        await fd.vote(message_id, BEN, 2)
        assert await rows(bot) == [(ANA, message_id, "reaction"), (BEN, message_id, "reaction")]
        await fd.vote(message_id, BEN, 2, remove=True)
        assert await rows(bot) == [(ANA, message_id, "reaction")]
        assert await bot.services.writer.forget(GUILD, ANA) == 1
        assert await rows(bot) == []
        # An opted-out member's vote is not recorded.
        await bot.services.stores.participation.opt_out(GUILD, BEN, int(NOW.timestamp()))
        await fd.vote(message_id, BEN, 1)
        assert await rows(bot) == []


async def test_the_result_is_summarised_in_the_thread_once_when_the_poll_ends(tmp_path, make_bot):
    conf = settings(tmp_path, channel(A))
    cogs = [Posting, Topics, PollResults]
    bot = make_bot(conf, poll_library(tmp_path), cogs=cogs, clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        message_id = int((await posted(fd)).response["id"])
        for member, answer in ((ANA, 1), (BEN, 1), (MOD, 3)):
            await fd.vote(message_id, member, answer)
        await fd.end_poll(message_id, NOW + timedelta(hours=48))
        await fd.end_poll(message_id, NOW + timedelta(hours=48))  # delivered twice
        [summary] = fd.requests_to("POST", f"/channels/{message_id}/messages")
        assert summary.json["content"] == (
            "The poll has ended: 3 votes.\n"
            "• Rice: 2 (67%) ← most votes\n"
            "• Noodles: 0 (0%)\n"
            "• Dumplings: 1 (33%)"
        )
        assert summary.json["allowed_mentions"] == {"parse": []}


def test_review_cards_show_the_poll_as_it_would_post():
    import discord

    prompt = Prompt("p", "t", QUESTION, (), "", "", poll=Poll(("Rice", "Noodles"), False, 1))
    embed = with_poll_preview(discord.Embed(title=QUESTION), prompt)
    [field] = embed.fields
    assert field.name == "Poll · one answer · open 1 hour"
    assert field.value == "▫️ Rice\n▫️ Noodles"


async def test_topic_review_shows_a_draft_poll_as_it_would_post(tmp_path, make_bot):
    holder = poll_library(tmp_path)
    path = tmp_path / "prompts" / "food.yaml"
    theme = yaml.safe_load(path.read_text())
    theme["prompts"][0].update(enabled=False, status="draft")
    path.write_text(yaml.safe_dump(theme, sort_keys=False))
    assert holder.reload() == []
    conf = settings(tmp_path, channel(A))
    bot = make_bot(conf, holder, cogs=[Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        review = await fd.slash("topic review", user_id=MOD, channel_id=A)
        [card] = [m for m in review.messages if m.get("embeds")]
        [embed] = card["embeds"]
        assert embed["title"] == QUESTION
        assert embed["fields"][-1] == {
            "name": "Poll · several answers · open 48 hours",
            "value": "▫️ Rice\n▫️ Noodles\n▫️ Dumplings",
            "inline": False,
        }
        assert "poll" not in card  # shown, never a live poll on a card


async def test_a_poll_that_ended_while_the_bot_was_down_is_summarised_at_start_once(
    tmp_path, make_bot
):
    from bot.devserver import polls

    conf = settings(tmp_path, channel(A))
    bot = make_bot(conf, poll_library(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        message_id = int((await posted(fd)).response["id"])
        for member, answer in ((ANA, 2), (BEN, 2)):
            await fd.vote(message_id, member, answer)
        message = polls.finalise(fd.server.messages[message_id], NOW + timedelta(hours=48))
        thread = fd.server.channels[message_id]

    later = NOW + timedelta(hours=50)
    summaries: list[dict] = []  # what the thread holds after the first start
    for run in (1, 2):  # the second start finds the summary in the thread
        bot = make_bot(conf, poll_library_again(tmp_path), cogs=[PollResults], clock=lambda: later)
        async with FakeDiscord(bot, clock=bot.clock) as fd:
            fd.set_history(A, [message])
            fd.set_history(message_id, summaries)
            await fd.connect(community(fd, A, threads=[thread]))
            sent = fd.requests_to("POST", f"/channels/{message_id}/messages")
            if run == 1:
                [summary] = sent
                assert summary.json["content"] == (
                    "The poll has ended: 2 votes.\n"
                    "• Rice: 0 (0%)\n"
                    "• Noodles: 2 (100%) ← most votes\n"
                    "• Dumplings: 0 (0%)"
                )
                summaries.append(summary.response)
            else:
                assert sent == []


def poll_library_again(tmp_path) -> LibraryHolder:
    holder = LibraryHolder(tmp_path / "prompts")
    assert holder.reload() == []
    return holder


async def test_votes_cast_while_the_bot_was_down_are_read_back_at_start(tmp_path, make_bot):
    conf = settings(tmp_path, channel(A))
    bot = make_bot(conf, poll_library(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        message_id = int((await posted(fd)).response["id"])
        thread = fd.server.channels[message_id]
        message = fd.server.messages[message_id]

    later = NOW + timedelta(hours=1)
    bot = make_bot(conf, poll_library_again(tmp_path), cogs=[AnswersCog], clock=lambda: later)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        fd.set_history(A, [message])
        await start_with(fd, [thread])
        for member, answer in ((ANA, 1), (BEN, 3), (BEN, 2)):  # while the bot was down
            polls.count_vote(message, answer, member, fd.server.votes, add=True)
        await bot.get_cog("Answers").backfill()
        assert await rows(bot) == [(ANA, message_id, "reaction"), (BEN, message_id, "reaction")]
        voters = fd.requests_to("GET", f"/channels/{A}/polls/{message_id}/answers/{{id}}")
        assert sorted(r.path.rsplit("/", 1)[1] for r in voters) == ["1", "2", "3"]


async def start_with(fd, threads):
    await fd.connect(community(fd, A, ANA, BEN, threads=threads))
