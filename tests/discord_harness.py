"""Offline Discord for adapter tests (written against discord.py 2.7.1).

Use::

    from tests.discord_harness import FakeDiscord, payloads as p, events as e

    async def test_post(tmp_path):
        bot = recorder_bot()
        async with FakeDiscord(bot) as fd:
            await fd.connect(p.guild(G, channels=[p.text_channel(C, G)],
                                     members=[fd.bot_member(), p.member(U)]))
            await fd.say(C, U, "hello")
            [post] = fd.requests_to("POST", f"/channels/{C}/messages")

The model of Discord (state, routes, payload shapes) is ``bot.devserver``, shared with the
HTTP + WebSocket server; everything that touches discord.py internals lives in ``tests/harness/``
(``fake.py``, ``transport.py``, ``interactions.py``); an upgrade of discord.py should break only
there.
"""

from bot.devserver import events, payloads
from bot.devserver.requests import Pings, Request, pings_of
from tests.harness.fake import APPLICATION_ID, BOT_USER_ID, FakeDiscord
from tests.harness.interactions import Replies

__all__ = [
    "APPLICATION_ID",
    "BOT_USER_ID",
    "FakeDiscord",
    "Pings",
    "Replies",
    "Request",
    "events",
    "payloads",
    "pings_of",
]
