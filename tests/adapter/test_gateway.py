"""Gateway events discord.py cannot read are dropped (and logged with their type) while the
bot stays connected: fed through discord.py's own gateway code, as Discord would send them."""

from types import SimpleNamespace

from bot.adapter.client import DiscussionBot
from bot.prompts.model import Library
from tests.discord_harness import FakeDiscord, payloads
from tests.participation_world import ANA, C, G, settings


def channel_update_without_position() -> dict:
    data = payloads.text_channel(C, G, "renamed")
    del data["position"]
    return data


def message_update_with_an_author_without_id(message: dict) -> dict:
    return {**message, "content": "edited", "author": {"username": "ghost"}}


async def test_unreadable_events_are_dropped_and_the_bot_keeps_handling_events(tmp_path):
    bot = DiscussionBot(settings(tmp_path), SimpleNamespace(library=Library()), cogs=[])
    async with FakeDiscord(bot) as fd:
        world = payloads.guild(
            G, channels=[payloads.text_channel(C, G, "discussion")],
            members=[fd.bot_member(), payloads.member(ANA)],
        )  # fmt: skip
        await fd.connect(world)
        sent = await fd.say(C, ANA, "hello")

        await fd.send("CHANNEL_UPDATE", channel_update_without_position())
        await fd.send("MESSAGE_UPDATE", message_update_with_an_author_without_id(sent))

        errors = fd.take_errors()
        assert len(errors) == 2, errors
        assert "dropped a CHANNEL_UPDATE gateway event" in errors[0]
        assert "dropped a MESSAGE_UPDATE gateway event" in errors[1]
        assert "KeyError" in errors[0] and "edited" not in errors[1]  # no payload in the log

        # Still connected: the next events are parsed as usual.
        good = {**payloads.text_channel(C, G, "renamed"), "position": 3}
        await fd.send("CHANNEL_UPDATE", good)
        assert bot.get_channel(C).name == "renamed"
        await fd.say(C, ANA, "still here")
        assert fd.take_errors() == []
        assert not bot.is_closed()
