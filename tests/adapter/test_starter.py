"""/starter: a public conversation starter in the guild's starter channels, with an "Another
one" button only the asker may press; the channel's cooldown and the member's daily limit
answered privately; the scheduled rotation untouched."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import yaml

from bot.adapter.posting import Posting
from bot.adapter.starter import AGAIN_LABEL, NOT_YOURS, Starters
from bot.adapter.topics import Topics
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import GUILD, MODLOG, channel, library_holder, settings

A, S, ELSEWHERE, ASKER, OTHER, MOD, MOD_ROLE = 20, 21, 22, 30, 32, 31, 40
START = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
COGS = [Posting, Topics, Starters]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def world(tmp_path, **guild_kw):
    conf = settings(tmp_path, channel(A))
    guild = replace(conf.guilds[0], starter_channels=(S, A), **guild_kw)
    holder = library_holder(tmp_path, {"grief": 2, "joy": 2})
    heavy = yaml.safe_load((tmp_path / "prompts" / "grief.yaml").read_text())
    heavy["prompts"][0]["sensitive"] = True  # never dealt out as a starter
    (tmp_path / "prompts" / "grief.yaml").write_text(yaml.safe_dump(heavy, sort_keys=False))
    assert holder.reload() == []
    return replace(conf, guilds=(guild,)), holder


async def start(fd):
    channels = [payloads.text_channel(c, GUILD, f"ch{c}") for c in (A, S, ELSEWHERE, MODLOG)]
    await fd.connect(
        payloads.guild(
            GUILD,
            channels=channels,
            roles=[payloads.role(MOD_ROLE, "Moderators")],
            members=[
                fd.bot_member(),
                payloads.member(ASKER),
                payloads.member(OTHER),
                payloads.member(MOD, [MOD_ROLE]),
            ],
        )
    )


def q(prompt_id: str) -> str:
    theme, n = prompt_id.rsplit("-", 1)
    return f"What does {theme} question {n} make you think of?"


def shown(fd, channel_id):
    """The question on the latest public message in the channel, and its buttons."""
    message = fd.server.channel_messages(channel_id)[-1]
    buttons = [c for row in message.get("components", []) for c in row["components"]]
    return message, message["embeds"][0]["title"], buttons


async def test_starter_is_public_with_another_one_only_for_the_asker(tmp_path, make_bot):
    clock = Clock()
    bot = make_bot(*world(tmp_path), cogs=COGS, clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd)
        answer = await fd.slash("starter", user_id=ASKER, channel_id=S)
        assert answer.callback_type == 4 and not answer.ephemeral
        message, title, [button] = shown(fd, S)
        assert title == q("grief-2")  # grief-1 is sensitive: never a starter
        assert button["label"] == AGAIN_LABEL
        assert button["custom_id"] == f"starter:again:{ASKER}:1"
        assert answer.callback.json["data"]["allowed_mentions"] == {"parse": []}
        assert message["embeds"][0]["footer"]["text"] == "Theme: Grief · From: e.txt · a /starter"

        refused = await fd.click(button["custom_id"], message_id=int(message["id"]), user_id=OTHER)
        assert refused.ephemeral and refused.content == NOT_YOURS
        assert shown(fd, S)[1] == q("grief-2")  # unchanged

        again = await fd.click(button["custom_id"], message_id=int(message["id"]), user_id=ASKER)
        assert again.callback_type == 7  # the message edited in place
        edited, title, [button] = shown(fd, S)
        assert edited["id"] == message["id"] and title == q("joy-1")
        assert button["custom_id"] == f"starter:again:{ASKER}:2"
        assert len(fd.server.channel_messages(S)) == 1


async def test_a_second_starter_in_the_cooldown_is_refused_privately(tmp_path, make_bot):
    clock = Clock()
    bot = make_bot(*world(tmp_path), cogs=COGS, clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd)
        await fd.slash("starter", user_id=ASKER, channel_id=S)
        clock.now = START + timedelta(minutes=3)
        refused = await fd.slash("starter", user_id=OTHER, channel_id=S)
        asked = int(START.timestamp())
        assert refused.ephemeral
        assert refused.content == (
            f"A conversation starter was posted here <t:{asked}:R>; the next one can be asked"
            f" for <t:{asked + 600}:R> (one every 10 minutes in this channel)."
        )
        assert len(fd.server.channel_messages(S)) == 1
        # Another channel has its own cooldown; after ten minutes this one is free again.
        assert not (await fd.slash("starter", user_id=OTHER, channel_id=A)).ephemeral
        clock.now = START + timedelta(minutes=10, seconds=1)
        again = await fd.slash("starter", user_id=OTHER, channel_id=S)
        assert not again.ephemeral
        assert shown(fd, S)[1] == q("joy-1")  # not the one started here already


async def test_not_here_names_where_it_works(tmp_path, make_bot):
    bot = make_bot(*world(tmp_path), cogs=COGS)
    async with FakeDiscord(bot) as fd:
        await start(fd)
        refused = await fd.slash("starter", user_id=ASKER, channel_id=ELSEWHERE)
        assert refused.ephemeral
        assert refused.content == f"Not here: /starter works in <#{S}>, <#{A}>."
        assert fd.server.channel_messages(ELSEWHERE) == []


async def test_daily_limit_per_member(tmp_path, make_bot):
    clock = Clock()
    conf, holder = world(tmp_path, starter_cooldown=timedelta(0), starter_daily_limit=2)
    bot = make_bot(conf, holder, cogs=COGS, clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd)
        for minutes in (0, 1):
            clock.now = START + timedelta(minutes=minutes)
            assert not (await fd.slash("starter", user_id=ASKER, channel_id=S)).ephemeral
        clock.now = START + timedelta(minutes=2)
        refused = await fd.slash("starter", user_id=ASKER, channel_id=S)
        assert refused.ephemeral
        assert refused.content == (
            "You have asked for 2 starters in the last 24 hours, the most allowed; you can ask"
            f" again <t:{int(START.timestamp()) + 86400}:R>."
        )
        assert not (await fd.slash("starter", user_id=OTHER, channel_id=S)).ephemeral
        clock.now = START + timedelta(days=1, seconds=1)
        assert not (await fd.slash("starter", user_id=ASKER, channel_id=S)).ephemeral


async def test_starters_leave_the_scheduled_rotation_alone(tmp_path, make_bot):
    clock = Clock()
    bot = make_bot(*world(tmp_path), cogs=COGS, clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd)
        await fd.slash("starter", user_id=ASKER, channel_id=A)
        assert shown(fd, A)[1] == q("grief-2")
        posted = await fd.slash("topic post", user_id=MOD, channel_id=A)
        # The rotation's next prompt whether or not a starter showed it: grief-1, then grief-2.
        assert posted.content.startswith("Posted `grief-1`")
        posted = await fd.slash("topic post", user_id=MOD, channel_id=A)
        assert posted.content.startswith("Posted `joy-1`")
        posted = await fd.slash("topic post", user_id=MOD, channel_id=A)
        assert posted.content.startswith("Posted `grief-2`")
        store = bot.services.stores.posting.posts
        history = await store.history(A)
        assert [h.prompt_id for h in history] == ["grief-1", "joy-1", "grief-2"]
        counted = await bot.services.starters.store.count(GUILD, 0, int(clock.now.timestamp()))
        assert counted == 1


async def test_starters_are_their_own_kind_in_the_server_report(tmp_path, make_bot):
    from bot.adapter.stats import StatsCog

    clock = Clock()
    bot = make_bot(*world(tmp_path), cogs=[*COGS, StatsCog], clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        await start(fd)
        await fd.slash("starter", user_id=ASKER, channel_id=S)
        message = fd.server.channel_messages(S)[-1]
        custom_id = message["components"][0]["components"][0]["custom_id"]
        await fd.click(custom_id, message_id=int(message["id"]), user_id=ASKER)  # not another
        report = await fd.slash("stats server", user_id=MOD, channel_id=A)
        assert report.content.splitlines()[1] == (
            "Answers: 0, reactions: 0, prompts posted: 0, conversation starters: 1"
        )
