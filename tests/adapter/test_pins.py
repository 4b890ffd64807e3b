"""Pinned prompts (``pin: true``): each new prompt pinned, the bot's previous one unpinned;
a missing permission and Discord's 50-pin limit told to the mod-log once, the post standing."""

from datetime import UTC, datetime

from bot.adapter.pins import Pins
from bot.adapter.posting import Posting
from bot.adapter.topics import Topics
from bot.devserver import events
from tests.discord_harness import FakeDiscord
from tests.posting_helpers import GUILD, MODLOG, channel, community, library_holder, settings

A, MOD = 20, 31
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
COGS = [Posting, Topics, Pins]


def make(tmp_path, make_bot, pin=True):
    conf = settings(tmp_path, channel(A, pin=pin))
    return make_bot(
        conf, library_holder(tmp_path, {"joy": 3, "grief": 3}), cogs=COGS, clock=lambda: NOW
    )


async def start(fd):
    await fd.connect(community(fd, A, moderators=(MOD,)))


async def post(fd) -> int:
    """A moderator's /topic post; the id of the prompt message."""
    done = await fd.slash("topic post", user_id=MOD, channel_id=A)
    assert done.content.startswith("Posted"), done.content
    return int(fd.requests_to("POST", f"/channels/{A}/messages")[-1].response["id"])


def pin_requests(fd):
    return [
        (r.method, r.path, r.json)
        for r in fd.requests
        if "/pins" in r.path and r.method in ("PUT", "DELETE")
    ]


def notices(fd):
    return [r.json["content"] for r in fd.requests_to("POST", f"/channels/{MODLOG}/messages")]


async def test_each_post_is_pinned_and_the_previous_one_unpinned(tmp_path, make_bot):
    bot = make(tmp_path, make_bot)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        first = await post(fd)
        assert pin_requests(fd) == [("PUT", f"/channels/{A}/messages/pins/{first}", None)]
        second = await post(fd)
        assert pin_requests(fd)[1:] == [
            ("DELETE", f"/channels/{A}/messages/pins/{first}", None),
            ("PUT", f"/channels/{A}/messages/pins/{second}", None),
        ]
        assert fd.pins.pinned(A) == [second]
        # discord.py reads the pins as Discord lists them
        listed = [m.id async for m in bot.get_channel(A).pins()]
        assert listed == [second]


async def test_a_member_message_pinned_between_stays_pinned(tmp_path, make_bot):
    bot = make(tmp_path, make_bot)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        first = await post(fd)
        theirs = await fd.say(A, MOD, "house rules")
        await bot.get_channel(A).get_partial_message(int(theirs["id"])).pin()
        second = await post(fd)
        assert fd.pins.pinned(A) == [second, int(theirs["id"])]
        assert first not in fd.pins.pinned(A)


async def test_without_pin_nothing_is_pinned(tmp_path, make_bot):
    bot = make(tmp_path, make_bot, pin=False)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        await post(fd)
        await post(fd)
        assert pin_requests(fd) == []


async def test_missing_manage_messages_is_told_once_and_posts_stand(tmp_path, make_bot):
    bot = make(tmp_path, make_bot)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        fd.fail_next("PUT", f"/channels/{A}/messages/pins/{{id}}", 403, times=2)
        first = await post(fd)
        second = await post(fd)
        assert notices(fd) == [
            f"Could not pin the prompt in <#{A}>: the bot lacks the Manage Messages permission"
            " there. Prompts are still posted; give the bot Manage Messages in that channel,"
            " or set `pin: false`."
        ]
        store = bot.services.stores.posting.posts
        assert [(await store.post_by_message(m)).status for m in (first, second)] == [
            "posted",
            "posted",
        ]
        # Once the permission is back, the next prompt is pinned (and told again if lost).
        third = await post(fd)
        assert fd.pins.pinned(A) == [third]


async def test_fifty_pins_are_told_once_and_not_retried(tmp_path, make_bot):
    bot = make(tmp_path, make_bot)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        for n in range(50):
            message = events.message(A, fd.bot_user, f"old {n}", guild_id=GUILD)
            fd.server.store_message(message)
            fd.server.pins.setdefault(A, []).append((int(message["id"]), "2026-01-01T00:00:00Z"))
        await post(fd)
        await post(fd)
        full = [n for n in notices(fd) if "50 pinned messages" in n]
        assert full == [
            f"Could not pin the prompt in <#{A}>: the channel already has 50 pinned messages,"
            " Discord's limit. Prompts are still posted; unpin some messages to pin the next one."
        ]
        attempts = [r for r in fd.requests_to("PUT", f"/channels/{A}/messages/pins/{{id}}")]
        assert len(attempts) == 2  # one per prompt, never retried
        assert [r.response["code"] for r in attempts] == [30003, 30003]
        assert len(fd.pins.pinned(A)) == 50
