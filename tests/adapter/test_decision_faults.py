"""A decision that cannot be written (a full disk) or is still being written: the moderator is
told why, the claim is not left behind, no temporary file stays in the prompts folder, and the
bot keeps answering members while a large file is written. Driven through the offline Discord
fake on real files and a real SQLite database."""

import asyncio
import errno
import json
import threading
from pathlib import Path

import pytest

from bot.prompts import writer
from tests.store import view
from tests.suggestion_world import (
    ANA,
    BEN,
    GRIEF,
    JOY,
    MOD,
    MOD2,
    NOW,
    C,
    announcements,
    buttons,
    message_id,
    running,
    suggest,
    write_prompts,
)

ASKS = "What song reminds you of home?"


async def status(bot) -> str:
    first = await bot.services.stores.suggestions.get(1)
    assert first is not None
    return first.status


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders a write left in the prompts folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """Once ``.fill()`` is called, every write into the prompts folder fails half-way with
    ENOSPC, as on a full disk (the first bytes reach the file, then the filesystem refuses);
    ``.free()`` ends it."""
    folder = (tmp_path / "prompts").resolve()
    original = Path.write_text

    class Disk:
        full = False

        def fill(self):
            self.full = True

        def free(self):
            self.full = False

    disk = Disk()

    def write_text(self, data, *args, **kwargs):
        if disk.full and folder in Path(self).resolve().parents:
            original(self, data[:10], *args, **kwargs)
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    return disk


async def test_a_full_disk_during_accept_tells_the_moderator_and_releases_the_claim(
    tmp_path, make_bot, full_disk
):
    async with running(tmp_path, make_bot) as (bot, fd):
        await suggest(fd, ANA, ASKS, theme="joy")
        [card] = announcements(fd)
        mid = int(card.response["id"])
        accept = buttons(card.json)["Accept"]
        full_disk.fill()

        failed = await fd.click(accept, message_id=mid, user_id=MOD)

        assert failed.ephemeral
        assert "could not write prompts/joy.yaml: disk full" in failed.content
        assert str(tmp_path) not in failed.content  # never the host's folders
        assert await status(bot) == "pending"
        assert leftovers(tmp_path / "prompts") == []
        assert (tmp_path / "prompts" / "joy.yaml").read_text() == JOY

        full_disk.free()  # the admin makes room; the next press decides
        done = await fd.click(accept, message_id=mid, user_id=MOD2)
        assert "Accepted suggestion 1 as `joy-2`" in done.content
        assert await status(bot) == "accepted"
        assert leftovers(tmp_path / "prompts") == []
        assert fd.take_errors() == []


async def test_a_full_disk_during_a_draft_decision_tells_why_and_the_draft_can_be_decided_again(
    tmp_path, make_bot, full_disk
):
    async with running(tmp_path, make_bot) as (bot, fd):
        replies = await fd.slash("topic review", user_id=MOD, channel_id=C)
        body = replies.messages[0]
        accept = buttons(body)["Accept"]
        full_disk.fill()

        failed = await fd.click(accept, message_id=message_id(replies), user_id=MOD)

        assert "could not write prompts/grief.yaml: disk full" in failed.content
        assert leftovers(tmp_path / "prompts") == []
        assert (tmp_path / "prompts" / "grief.yaml").read_text() == GRIEF
        full_disk.free()
        done = await fd.click(accept, message_id=message_id(replies), user_id=MOD2)
        assert "Accepted draft `grief-2`" in done.content
        assert bot.services.library.library.prompt("grief-2").status != "draft"


async def test_a_decision_still_being_made_says_so_and_when_to_try_again(tmp_path, make_bot):
    """A press while another decision holds the claim (or one cut short by a crash until the
    claim expires) is told it is being decided and when to try again, not that it is done."""
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, ASKS, theme="joy")
        [card] = announcements(fd)
        # a process stopped in the middle of accepting it, a minute ago
        claimed = int(NOW.timestamp()) - 60
        view.rewrite_at(
            tmp_path / "bot.sqlite3", "suggestions",
            status="deciding", decided_at=claimed, decided_by=MOD2,
        )  # fmt: skip

        pressed = await fd.click(
            buttons(card.json)["Accept"], message_id=int(card.response["id"]), user_id=MOD
        )

        assert "Being decided" in pressed.content and "try again in 4 min" in pressed.content
        assert "Already decided" not in pressed.content
        assert (tmp_path / "prompts" / "joy.yaml").read_text() == JOY


async def test_a_draft_claim_in_progress_says_when_to_try_again(tmp_path, make_bot):
    async with running(tmp_path, make_bot) as (_bot, fd):
        view.plant_at(
            tmp_path / "bot.sqlite3", "draft_decisions",
            prompt_id="grief-2", decided_by=MOD2, decided_at=int(NOW.timestamp()) - 150,
        )  # fmt: skip
        replies = await fd.slash("topic review", user_id=MOD, channel_id=C)
        accept = buttons(replies.messages[0])["Accept"]

        pressed = await fd.click(accept, message_id=message_id(replies), user_id=MOD)

        assert "Being decided" in pressed.content and "try again in 3 min" in pressed.content


class HeldWrite:
    """The writer's round-trip change held in the middle, once armed, until released."""

    def __init__(self) -> None:
        self.armed = False
        self.held, self.release = threading.Event(), threading.Event()

    def wrap(self, original):
        def write(*args, **kwargs):
            if self.armed:
                self.held.set()
                self.release.wait(timeout=10)  # on the event loop this holds every member up
            return original(*args, **kwargs)

        return write


async def accept_suggestion(fd, tmp_path):
    await suggest(fd, ANA, ASKS, theme="joy")
    [card] = announcements(fd)
    custom_id, mid = buttons(card.json)["Accept"], int(card.response["id"])
    return lambda: fd.click(custom_id, message_id=mid, user_id=MOD), "Accepted suggestion 1"


async def turn_off_draft(fd, tmp_path):
    review = await fd.slash("topic review", user_id=MOD, channel_id=C)
    off, mid = buttons(review.messages[0])["Turn off"], message_id(review)
    return lambda: fd.click(off, message_id=mid, user_id=MOD), "Turned off draft `grief-2`"


async def reject_draft(fd, tmp_path):
    review = await fd.slash("topic review", user_id=MOD, channel_id=C)
    form = await fd.click(buttons(review.messages[0])["Reject"], message_id=message_id(review),
                          user_id=MOD)  # fmt: skip
    custom_id = form.callback.json["data"]["custom_id"]
    return lambda: fd.submit(
        custom_id, {"reason": ""}, user_id=MOD, channel_id=C, message_id=message_id(review)
    ), "Rejected draft `grief-2`"


async def edit_draft(fd, tmp_path):
    review = await fd.slash("topic review", user_id=MOD, channel_id=C)
    form = await fd.click(buttons(review.messages[0])["Edit"], message_id=message_id(review),
                          user_id=MOD)  # fmt: skip
    custom_id = form.callback.json["data"]["custom_id"]
    values = {"question": "What carried you through a loss?", "followups": ""}
    return lambda: fd.submit(
        custom_id, values, user_id=MOD, channel_id=C, message_id=message_id(review)
    ), "What carried you through a loss?"


async def uncredit_on_forget(fd, tmp_path):
    await suggest(fd, ANA, ASKS, theme="joy", credit=True)
    [card] = announcements(fd)
    await fd.click(buttons(card.json)["Accept"], message_id=int(card.response["id"]), user_id=MOD)
    asked = await fd.slash("participation forget", user_id=ANA, channel_id=C)
    erase, mid = buttons(asked.callback.json["data"])["Erase everything"], message_id(asked)
    return lambda: fd.click(erase, message_id=mid, user_id=ANA), "Erased 1 suggestion(s)"


@pytest.mark.parametrize(
    "decision",
    [accept_suggestion, turn_off_draft, reject_draft, edit_draft, uncredit_on_forget],
    ids=lambda f: f.__name__,
)
async def test_members_are_answered_while_a_decision_writes_a_prompt_file(
    tmp_path, make_bot, monkeypatch, decision
):
    """Every round-trip write runs off the event loop: while it is held in the middle of
    writing, a member's command is answered; the press itself was acknowledged before the write
    began (Discord takes a first answer within 3 s only, and writing a large file takes longer),
    and the decision then completes in the same reply. (How long a
    write of a 1 MB file takes, and members' answer times meanwhile: benchmarks/decisions.py.)"""
    folder = write_prompts(tmp_path)
    filler = "".join(
        f"  - id: joy-{n}\n    question: What is joy number {n}?\n    followups: []\n"
        f"    context: A quote.\n    enabled: true\n"
        for n in range(2, 300)
    )
    (folder / "joy.yaml").write_text(JOY + filler)
    hold = HeldWrite()
    monkeypatch.setattr(writer, "edit_theme_file", hold.wrap(writer.edit_theme_file))
    async with running(tmp_path, make_bot) as (_bot, fd):
        press, outcome = await decision(fd, tmp_path)
        hold.armed = True
        start = len(fd.requests)
        deciding = asyncio.create_task(press())
        while not hold.held.is_set() and not deciding.done():
            await asyncio.sleep(0.01)
        acknowledged = [r for r in fd.requests[start:] if r.path.endswith("/callback")]

        me = await fd.slash("participation me", user_id=BEN, channel_id=C)

        assert me.ephemeral and "No participation" in me.content
        assert not deciding.done()  # the member was answered while the file was being written
        assert [r.json["type"] for r in acknowledged] == [6]  # the press: "updating the card"
        hold.release.set()
        done = await deciding
        assert outcome in json.dumps(done.messages + [r.json for r in done.requests])


async def test_a_database_that_refuses_the_claim_is_named_to_the_moderator(
    tmp_path, make_bot, monkeypatch
):
    """A full disk refuses SQLite's write too: the moderator is told, nothing is decided."""

    async def refused(*args, **kwargs):
        raise view.disk_error("database or disk is full")

    async with running(tmp_path, make_bot) as (bot, fd):
        await suggest(fd, ANA, ASKS, theme="joy")
        [card] = announcements(fd)
        monkeypatch.setattr(bot.services.stores.suggestions, "claim", refused)

        pressed = await fd.click(
            buttons(card.json)["Accept"], message_id=int(card.response["id"]), user_id=MOD
        )

        assert pressed.ephemeral
        assert "Nothing was decided: database or disk is full" in pressed.content
        assert await status(bot) == "pending"
        assert (tmp_path / "prompts" / "joy.yaml").read_text() == JOY
        assert len(fd.take_errors()) == 1  # logged with its traceback for the admins


async def test_what_a_write_cut_short_by_a_crash_left_is_cleared_by_the_next_decision(
    tmp_path, make_bot
):
    """A SIGKILL in the middle of a write leaves its temporary files: the next decision removes
    them once they are older than any write under way, and leaves a recent one alone."""
    import os
    import time

    folder = write_prompts(tmp_path)
    stale = [folder / "._state.yaml.tmp", folder / ".write-x1y2" / "joy.yaml"]
    stale[1].parent.mkdir()
    for path in stale:
        path.write_text("id: jo")
    hour_ago = time.time() - 3600  # file times are the real clock's
    for path in (stale[0], stale[1].parent):
        os.utime(path, (hour_ago, hour_ago))
    (folder / ".write-recent").mkdir()  # another process's write, under way
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, ASKS, theme="joy")
        [card] = announcements(fd)

        done = await fd.click(
            buttons(card.json)["Accept"], message_id=int(card.response["id"]), user_id=MOD
        )

        assert "Accepted suggestion 1" in done.content
        assert leftovers(folder) == [".write-recent"]
