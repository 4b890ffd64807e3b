"""What moderators and members see of the commands: every option described in Discord's
command picker, and links in replies pointing at the server the bot is configured for."""

import dataclasses
import re
from datetime import UTC, datetime

from bot.adapter.client import DiscussionBot
from bot.adapter.posting import Posting
from bot.adapter.topics import Topics
from tests.discord_harness import FakeDiscord, payloads
from tests.posting_helpers import GUILD, channel, library_holder, settings

A, MOD, MOD_ROLE = 20, 31, 40
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # an hour before the channel's 09:00 London slot
NO_DESCRIPTION = "…"  # what discord.py sends for an undescribed option, and Discord shows


async def start(fd: FakeDiscord) -> None:
    await fd.connect(
        payloads.guild(
            GUILD,
            channels=[payloads.text_channel(A, GUILD, "discussion")],
            roles=[payloads.role(MOD_ROLE, "Moderators")],
            members=[fd.bot_member(), payloads.member(MOD, [MOD_ROLE])],
        )
    )
    await fd.settle(set())


def options_of(command: dict, path: str = "") -> list[tuple[str, dict]]:
    """Every option of a synced command, sub-commands and groups walked, with its full name."""
    found = []
    for option in command.get("options", []):
        name = f"{path} {option['name']}".strip()
        if option["type"] in (1, 2):  # sub-command, sub-command group
            found += options_of(option, name)
        else:
            found.append((name, option))
    return found


async def test_every_command_option_has_a_description(tmp_path):
    bot = DiscussionBot(settings(tmp_path, channel(A)), library_holder(tmp_path, {"joy": 2}))
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        synced = fd.apps.commands[GUILD]
        assert {c["name"] for c in synced} >= {"topic", "stats", "export", "participation"}
        options = [(f"/{c['name']} {n}", o) for c in synced for n, o in options_of(c, "")]
        assert len(options) >= 10
        undescribed = [n for n, o in options if o["description"] in ("", NO_DESCRIPTION)]
        assert undescribed == []


async def test_the_post_link_follows_the_configured_server(tmp_path):
    config = dataclasses.replace(
        settings(tmp_path, channel(A)), api_base="http://chat.example.org:8080/api/v10"
    )
    bot = DiscussionBot(
        config, library_holder(tmp_path, {"joy": 2}), clock=lambda: NOW, cogs=[Posting, Topics]
    )
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        done = await fd.slash("topic post", user_id=MOD, channel_id=A, theme="joy")
        link = re.search(r"(\S+/channels/\S+)$", done.content).group(1)
        [post] = fd.requests_to("POST", f"/channels/{A}/messages")
        assert link == f"http://chat.example.org:8080/channels/{GUILD}/{A}/{post.response['id']}"


async def test_without_a_server_setting_links_go_to_discord(tmp_path):
    bot = DiscussionBot(
        settings(tmp_path, channel(A)), library_holder(tmp_path, {"joy": 2}),
        clock=lambda: NOW, cogs=[Posting, Topics],
    )  # fmt: skip
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        done = await fd.slash("topic post", user_id=MOD, channel_id=A, theme="joy")
        assert f"https://discord.com/channels/{GUILD}/{A}/" in done.content
