"""One failed post is one line in the log, a warning naming the channel, post and reason."""

import logging

from tests.adapter.test_posting import SLOT, posting_bot
from tests.adapter.test_posting_faults import SEND_A, A, early, ready
from tests.discord_harness import FakeDiscord
from tests.posting_helpers import channel


async def test_a_refused_post_is_logged_once(tmp_path, make_bot, caplog):
    clock = early()
    bot = posting_bot(make_bot, tmp_path, channel(A), clock=clock)
    async with FakeDiscord(bot, clock=clock) as fd:
        cog, _ = await ready(fd, bot, A)
        fd.fail_next("POST", SEND_A, 403)
        caplog.clear()
        caplog.set_level(logging.INFO, logger="bot")
        clock.now = SLOT
        await cog.run_once()
    about = [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if "Missing Permissions" in r.getMessage()
    ]
    assert about == [
        (
            "WARNING",
            f"channel {A}: post 2 failed: missing permissions in <#{A}> (403: Missing Permissions)",
        )
    ]
