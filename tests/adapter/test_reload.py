"""Prompt files are re-read off the event loop: while a (slow) reload runs, members' commands
are answered; what it finds goes to the mod-log without the host's folders."""

import asyncio
import threading
from datetime import UTC, datetime

from bot.adapter.client import DiscussionBot
from bot.prompts import loader
from tests.discord_harness import FakeDiscord
from tests.posting_helpers import (
    MODLOG,
    channel,
    community,
    library_holder,
    settings,
    write_theme,
)

A, MEMBER, MOD = 20, 30, 31
NOW = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # an hour before the channel's 09:00 London slot


def make_bot(tmp_path) -> DiscussionBot:
    holder = library_holder(tmp_path, {"grief": 2, "joy": 2})
    return DiscussionBot(settings(tmp_path, channel(A)), holder, clock=lambda: NOW)


async def start(fd: FakeDiscord) -> None:
    await fd.connect(community(fd, A, MEMBER, moderators=(MOD,)))
    await fd.settle(set())


class GatedParse:
    """Stands in for a very large prompt library: parsing waits until the test lets it go."""

    def __init__(self, monkeypatch) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        real = loader.load_library

        def load(directory):
            self.started.set()
            self.release.wait(30)
            return real(directory)

        monkeypatch.setattr(loader, "load_library", load)


async def test_a_member_is_answered_while_the_prompt_files_are_being_reloaded(
    tmp_path, monkeypatch
):
    bot = make_bot(tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        gate = GatedParse(monkeypatch)
        write_theme(tmp_path / "prompts", "hope", 3)  # an edit the scheduler's pass picks up
        reload = asyncio.create_task(bot.get_cog("Posting").run_once())
        assert await asyncio.to_thread(gate.started.wait, 10)

        replies = await fd.slash("participation me", user_id=MEMBER, channel_id=A)

        assert replies.messages and not reload.done()  # answered while the reload still runs
        assert bot.services.library.library.theme("hope") is None
        gate.release.set()
        await reload
        assert bot.services.library.library.theme("hope") is not None


async def test_topic_reload_parses_off_the_loop_and_answers_after_deferring(tmp_path, monkeypatch):
    bot = make_bot(tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        gate = GatedParse(monkeypatch)
        write_theme(tmp_path / "prompts", "hope", 3)
        mod = asyncio.create_task(fd.slash("topic reload", user_id=MOD, channel_id=A))
        assert await asyncio.to_thread(gate.started.wait, 10)
        replies = await fd.slash("participation me", user_id=MEMBER, channel_id=A)
        assert replies.messages and not mod.done()
        gate.release.set()
        done = await mod
        assert done.content == "Loaded 3 themes and 7 prompts (7 enabled)."


async def test_problems_in_edited_files_reach_the_mod_log_without_host_folders(tmp_path):
    bot = make_bot(tmp_path)
    async with FakeDiscord(bot, clock=bot.clock) as fd:
        await start(fd)
        (tmp_path / "prompts" / "joy.yaml").write_text("id: joy\ntitle: [\n")
        await bot.get_cog("Posting").run_once()
        await fd.settle()
        [notice] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert "prompts/joy.yaml:2: YAML syntax error" in notice.json["content"]
        assert str(tmp_path) not in notice.json["content"]
