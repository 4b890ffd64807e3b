"""Forum (and media) channels: each prompt a forum post titled with its question, the embed its
first message, the theme's tag applied; answers in the post recorded like thread answers and
read back after a restart; a post found again instead of posted twice."""

import logging
from datetime import UTC, datetime, timedelta

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.posting import Posting
from bot.adapter.publisher import post_title
from bot.adapter.self_check import SelfCheck
from bot.adapter.topics import Topics
from bot.prompts.model import Prompt
from tests.discord_harness import BOT_USER_ID, FakeDiscord, events, payloads
from tests.posting_helpers import GUILD, MODLOG, channel, library_holder, settings
from tests.store import view

F, ANA, BEN, MOD, MOD_ROLE = 25, 30, 33, 31, 40
JOY_TAG, GRIEF_TAG = 7001, 7002
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
TAGS = (("joy", "Joyful"), ("grief", "Heavy"))


def world(tmp_path, **kw):
    conf = settings(tmp_path, channel(F, forum_tags=TAGS, followups="at_once", **kw))
    return conf, library_holder(tmp_path, {"joy": 2})


def guild(fd, threads=(), *, media=False, tags=True):
    available = [payloads.forum_tag(JOY_TAG, "joyful"), payloads.forum_tag(GRIEF_TAG, "Sad")]
    forum = payloads.forum_channel(
        F, GUILD, "questions", tags=available if tags else [], media=media
    )
    return payloads.guild(
        GUILD,
        channels=[forum, payloads.text_channel(MODLOG, GUILD, "mod-log")],
        roles=[payloads.role(MOD_ROLE, "Moderators")],
        members=[
            fd.bot_member(),
            payloads.member(ANA, name="ana"),
            payloads.member(BEN, name="ben"),
            payloads.member(MOD, [MOD_ROLE]),
        ],
        threads=list(threads),
    )


async def answers(bot):
    await bot.services.writer.flush()
    rows = await view.rows(bot.services.stores, "participation")
    return view.pick(sorted(rows, key=lambda r: r["message_id"]), "member_id", "message_id", "kind")


async def test_a_prompt_becomes_a_tagged_forum_post_whose_answers_are_recorded(tmp_path, make_bot):
    cogs = [Posting, Topics, AnswersCog]
    bot = make_bot(*world(tmp_path), cogs=cogs, clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd))
        done = await fd.slash("topic post", user_id=MOD, channel_id=F)
        assert done.content.startswith("Posted `joy-1`")
        [create] = fd.requests_to("POST", f"/channels/{F}/threads")
        assert create.params == {"use_nested_fields": 1}
        message = create.json.pop("message")
        assert create.json == {
            "name": "What does joy question 1 make you think of?",
            "auto_archive_duration": 1440,
            "rate_limit_per_user": None,
            "type": 11,
            "applied_tags": [str(JOY_TAG)],
        }
        post_id = int(create.response["id"])
        record = await bot.services.stores.posting.posts.post_by_message(post_id)
        assert message == {
            "embeds": [
                {
                    "footer": {"text": f"Theme: Joy · From: e.txt · post {record.id}"},
                    "fields": [
                        {
                            "inline": False,
                            "name": "Context",
                            "value": "“A quote about joy.” (from the essay e.txt)",
                        }
                    ],
                    "flags": 0,
                    "type": "rich",
                    "title": "What does joy question 1 make you think of?",
                }
            ],
            "tts": False,
            "allowed_mentions": {"parse": []},
        }
        assert int(create.response["message"]["id"]) == post_id
        # The follow-ups go inside the post, nothing into the forum itself.
        inside = fd.requests_to("POST", f"/channels/{post_id}/messages")
        assert [r.json["content"] for r in inside] == [
            "Follow-up A to joy-1",
            "Follow-up B to joy-1",
        ]
        assert (record.message_id, record.thread_id) == (post_id, post_id)

        ana = await fd.say(post_id, ANA, "", at=NOW + timedelta(minutes=1))
        await fd.react(post_id, post_id, BEN)
        assert sorted(await answers(bot)) == [
            (ANA, int(ana["id"]), "answer"),
            (BEN, post_id, "reaction"),
        ]

    # While the bot is down Ben answers in the post; after the restart it is read back.
    bot = make_bot(*world(tmp_path), cogs=[AnswersCog], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        thread = payloads.thread(post_id, GUILD, F, "post", owner_id=BOT_USER_ID)
        first = events.message(post_id, payloads.user(BOT_USER_ID, bot=True), "", guild_id=GUILD)
        first["id"] = str(post_id)
        later = NOW + timedelta(minutes=2)
        missed = events.message(post_id, payloads.user(BEN), guild_id=GUILD, at=later)
        fd.set_history(post_id, [first, ana, missed])
        fd.server.add_reaction(fd.server.messages[post_id], payloads.user(ANA), "🌱")
        await fd.connect(guild(fd, [thread]))
        await bot.get_cog("Answers").backfill_task
        got = await answers(bot)
        assert (BEN, int(missed["id"]), "answer") in got
        assert (ANA, post_id, "reaction") in got  # reacted while the bot was down
        assert [r for r in got if r[2] == "answer"] == [
            (ANA, int(ana["id"]), "answer"),
            (BEN, int(missed["id"]), "answer"),
        ]


async def test_a_forum_post_is_found_again_not_posted_twice(tmp_path, make_bot):
    bot = make_bot(*world(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd, media=True))
        await fd.slash("topic post", user_id=MOD, channel_id=F)
        [create] = fd.requests_to("POST", f"/channels/{F}/threads")
        post_id = int(create.response["id"])
        publisher = bot.services.posting.publisher
        conf = bot.settings.guilds[0].channels[0]
        prompt = bot.services.library.library.prompt("joy-1")
        since = int(NOW.timestamp()) - 60
        number = (await bot.services.stores.posting.posts.post_by_message(post_id)).id
        found = await publisher.find_published(conf, prompt, since, number)
        assert (found.message_id, found.thread_id) == (post_id, post_id)
        assert await publisher.find_published(conf, prompt, since, number + 1) is None
        assert len(fd.requests_to("POST", f"/channels/{F}/threads")) == 1
        # its follow-ups were all there: none sent again
        assert len(fd.requests_to("POST", f"/channels/{post_id}/messages")) == 2


async def test_a_missing_tag_is_reported_at_start_and_the_post_goes_untagged(
    tmp_path, make_bot, caplog
):
    caplog.set_level(logging.WARNING)
    bot = make_bot(*world(tmp_path), cogs=[Posting, Topics, SelfCheck], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd, tags=False))
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert notice.json["content"].splitlines()[1:] == [
            f"<#{F}> (prompts): no forum tag named 'Joyful' (for theme joy); its posts go"
            " untagged; no forum tag named 'Heavy' (for theme grief); its posts go untagged"
        ]
        await fd.slash("topic post", user_id=MOD, channel_id=F)
        [create] = fd.requests_to("POST", f"/channels/{F}/threads")
        assert create.json["applied_tags"] == []


def test_a_post_title_is_the_question_cut_at_a_word():
    words = "Which small everyday habit from the place you grew up do you still keep today"
    question = words + ", even now that you live somewhere else entirely?"
    prompt = Prompt("p", "t", question, (), "", "")
    title = post_title(prompt)
    assert len(title) <= 100 and title.endswith("…")
    assert question.startswith(title[:-1]) and question[len(title) - 1] == " "
    assert post_title(Prompt("p", "t", "Short?", (), "", "")) == "Short?"


async def test_pin_in_a_forum_pins_the_newest_post_and_unpins_the_previous(tmp_path, make_bot):
    from bot.adapter.pins import Pins

    conf, holder = world(tmp_path, pin=True)
    bot = make_bot(conf, holder, cogs=[Posting, Topics, Pins], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd))
        await fd.slash("topic post", user_id=MOD, channel_id=F)
        await fd.slash("topic post", user_id=MOD, channel_id=F)
        first, second = (
            int(r.response["id"]) for r in fd.requests_to("POST", f"/channels/{F}/threads")
        )
        edits = [(r.path, r.json) for r in fd.requests if r.method == "PATCH"]
        assert edits == [
            (f"/channels/{first}", {"flags": 2}),
            (f"/channels/{first}", {"flags": 0}),
            (f"/channels/{second}", {"flags": 2}),
        ]
        assert bot.get_channel(second).flags.pinned and not bot.get_channel(first).flags.pinned


async def test_the_check_names_what_a_forum_needs(tmp_path, make_bot):
    conf, holder = world(tmp_path, pin=True)
    bot = make_bot(conf, holder, cogs=[Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        data = guild(fd)
        no_posts = payloads.overwrite(GUILD, deny=1 << 11)  # Send Messages: Create Posts here
        data["channels"][0]["permission_overwrites"] = [no_posts]
        await fd.connect(data)
        answer = await fd.slash("topic check", user_id=MOD, channel_id=MODLOG)
        # Without Send Messages Discord also withholds Embed Links (discord.py computes it so).
        assert answer.content.splitlines()[1] == (
            f"<#{F}> (prompts): missing Embed Links, Create Posts, Manage Threads; no forum tag"
            " named 'Heavy' (for theme grief); its posts go untagged"
        )


async def test_a_moderator_names_the_forum_from_another_channel(tmp_path, make_bot):
    bot = make_bot(*world(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await fd.connect(guild(fd))
        done = await fd.slash("topic post", user_id=MOD, channel_id=MODLOG, channel=F)
        assert done.content.startswith(f"Posted `joy-1` in <#{F}>")
        assert fd.requests_to("POST", f"/channels/{F}/threads")
        upcoming = await fd.slash("topic next", user_id=MOD, channel_id=MODLOG, channel=F)
        assert f"<#{F}>" in upcoming.content
