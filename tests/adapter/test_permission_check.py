"""The permission self-check: at start (log and mod-log) and by /topic check (to the moderator),
each missing permission named per channel, computed by discord.py from the guild's roles and
the channels' overwrites as Discord sends them."""

import logging
from dataclasses import replace
from datetime import UTC, datetime

from bot.adapter.posting import Posting
from bot.adapter.self_check import SelfCheck
from bot.adapter.topics import Topics
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import GUILD, MODLOG, channel, library_holder, settings

A, B, VOICE, GONE, STARTERS, MOD, MOD_ROLE = 20, 21, 22, 23, 24, 31, 40
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
EMBED, REACT, IN_THREADS, SEND = 1 << 14, 1 << 6, 1 << 38, 1 << 11


def voice_channel(channel_id: int) -> dict:
    return {
        "id": str(channel_id), "type": 2, "guild_id": str(GUILD), "name": "voice",
        "position": 9, "permission_overwrites": [], "bitrate": 64000, "user_limit": 0,
        "parent_id": None, "nsfw": False, "rtc_region": None,
    }  # fmt: skip


def world(tmp_path):
    tagged = channel(B, forum_tags=(("joy", "Joy"),))  # not a forum: the tags cannot apply
    conf = settings(tmp_path, channel(A, pin=True), tagged, channel(VOICE), channel(GONE))
    guild = replace(conf.guilds[0], starter_channels=(STARTERS,))
    conf = replace(conf, guilds=(guild,))
    return conf, library_holder(tmp_path, {"joy": 2})


async def start(fd):
    everyone = payloads.DEFAULT_EVERYONE & ~EMBED & ~REACT
    no_thread_replies = payloads.overwrite(GUILD, deny=IN_THREADS)
    no_send = payloads.overwrite(GUILD, deny=SEND)
    channels = [
        payloads.text_channel(A, GUILD, "a"),
        payloads.text_channel(B, GUILD, "b", overwrites=[no_thread_replies]),
        payloads.text_channel(STARTERS, GUILD, "starters", overwrites=[no_send]),
        payloads.text_channel(MODLOG, GUILD, "mod-log"),
        voice_channel(VOICE),
    ]
    await fd.connect(
        payloads.guild(
            GUILD,
            channels=channels,
            roles=[payloads.role(MOD_ROLE, "Moderators")],
            members=[fd.bot_member(), payloads.member(MOD, [MOD_ROLE])],
            everyone_permissions=everyone,
        )
    )


EXPECTED = [
    f"<#{A}> (prompts): missing Embed Links, Add Reactions, Manage Messages",
    f"<#{B}> (prompts): missing Embed Links, Add Reactions, Send Messages in Threads; forum_tags"
    " is set but this is not a forum channel",
    f"<#{VOICE}> (prompts): a voice channel: the bot cannot post prompts there",
    f"<#{GONE}> (prompts): not found, or the bot cannot see it (check the id and the bot's access)",
    f"<#{STARTERS}> (starters): missing Send Messages, Embed Links",
]


async def test_start_names_each_missing_permission_in_the_log_and_the_mod_log(
    tmp_path, make_bot, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.adapter.self_check")
    bot = make_bot(*world(tmp_path), cogs=[SelfCheck], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        lines = notice.json["content"].splitlines()
        assert lines[0] == "Permission check: the bot cannot do everything it needs here."
        assert lines[1:] == EXPECTED
        logged = [r.getMessage() for r in caplog.records]
        assert logged == [
            f"permission check, guild {GUILD}: {line}"
            for line in (
                f"#a ({A}) (prompts): missing Embed Links, Add Reactions, Manage Messages",
                f"#b ({B}) (prompts): missing Embed Links, Add Reactions, Send Messages in"
                " Threads; forum_tags is set but this is not a forum channel",
                f"#voice ({VOICE}) (prompts): a voice channel: the bot cannot post prompts there",
                f"channel {GONE} (prompts): not found, or the bot cannot see it (check the id and"
                " the bot's access)",
                f"#starters ({STARTERS}) (starters): missing Send Messages, Embed Links",
            )
        ]
        # A second READY (a reconnect) does not repeat it.
        bot.dispatch("ready")
        await fd.settle()
        assert len(fd.requests_to("POST", f"/channels/{MODLOG}/messages")) == 1


async def test_topic_check_tells_the_moderator_every_channel(tmp_path, make_bot):
    bot = make_bot(*world(tmp_path), cogs=[Posting, Topics], clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        answer = await fd.slash("topic check", user_id=MOD, channel_id=A)
        assert answer.ephemeral
        assert answer.content.splitlines() == [
            "Some channels need attention:",
            *EXPECTED,
            f"<#{MODLOG}> (mod-log): all permissions present",
        ]


async def test_all_present_is_said_so(tmp_path, make_bot):
    conf = settings(tmp_path, channel(A))
    bot = make_bot(conf, library_holder(tmp_path, {"joy": 1}), cogs=[Topics, SelfCheck])
    async with FakeDiscord(bot) as fd:
        await fd.connect(
            payloads.guild(
                GUILD,
                channels=[payloads.text_channel(c, GUILD) for c in (A, MODLOG)],
                roles=[payloads.role(MOD_ROLE, "Moderators")],
                members=[fd.bot_member(), payloads.member(MOD, [MOD_ROLE])],
            )
        )
        assert fd.requests_to("POST", f"/channels/{MODLOG}/messages") == []
        answer = await fd.slash("topic check", user_id=MOD, channel_id=A)
        assert answer.content.splitlines() == [
            "Every channel is ready.",
            f"<#{A}> (prompts): all permissions present",
            f"<#{MODLOG}> (mod-log): all permissions present",
        ]
