"""A real ``python -m bot run`` process killed with SIGKILL right after Discord took a member's
anonymous answer (the bot never heard back), then started again on the same SQLite file: the
answer is linked at once (the member's waiting reply becomes the confirmation with the Delete
button, and a reveal finds the author), and sending the same words again posts nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path

import pytest

from bot.devserver import DevServer, events
from tests.bot_process import start
from tests.cli.test_run_two_processes import (  # noqa: F401 (the fixture)
    CHANNEL,
    GUILD,
    MEMBER,
    MOD,
    MOD_ROLE,
    anonymous_answers,
    recorded,
    server,
    write_config,
)
from tests.store import view

pytestmark = pytest.mark.slow  # real bot processes; see tests/conftest.py

START = 60.0  # a process starts and logs in (upper bound; every wait ends when its condition holds)
WAIT = 30.0  # anything after that: well under the two minutes a lost answer is waited for
TEXT = "Nobody at home knows yet."


def links(tmp_path: Path) -> list[tuple]:
    return view.pick(
        view.rows_at(tmp_path / "bot.sqlite3", "anonymous_answers"), "message_id", "member_id"
    )


async def send_form(discord: DevServer, prompt: dict, text: str):
    """The member presses "Answer anonymously" and sends the form with ``text``."""
    pressed = await discord.click(
        prompt["components"][0]["components"][0]["custom_id"],
        message_id=int(prompt["id"]),
        user_id=MEMBER,
    )
    await discord.wait_for(lambda: pressed.callbacks, timeout=WAIT, what="the form")
    form = pressed.callbacks[0]["data"]["custom_id"]
    data = events.modal_data(form, {"anon:text": text})
    payload = discord.member_interaction(
        5, data, guild_id=GUILD, channel_id=CHANNEL, user_id=MEMBER
    )
    record = discord.apps.record(payload)
    await discord.inject("INTERACTION_CREATE", payload)
    return record


def confirmation(record) -> str | None:
    for message in record.messages:
        if "posted anonymously" in (message.get("content") or ""):
            return message["content"]
    return None


async def test_an_answer_taken_just_before_a_sigkill_is_linked_at_once_after_restart(
    server,  # noqa: F811
    tmp_path,
):
    config = write_config(tmp_path, server, f"reveal_role_ids: [{MOD_ROLE}]")
    log_path = tmp_path / "bot.log"
    procs = []
    with log_path.open("w") as log:
        try:
            async with asyncio.timeout(4 * START):
                procs.append(await start(config, log))
                await server.wait_for_identify(1, timeout=START)
                await server.wait_for_request(r"/commands$", method="PUT", timeout=START)
                posted = await server.invoke(
                    "topic post", guild_id=GUILD, channel_id=CHANNEL, user_id=MOD
                )
                await server.wait_for(lambda: server.threads(CHANNEL), timeout=WAIT, what="thread")
                [prompt] = [m for m in server.messages(CHANNEL) if m.get("components")]
                thread_id = int(server.threads(CHANNEL)[0]["id"])
                await server.wait_for(
                    lambda: recorded(tmp_path / "bot.sqlite3"), timeout=WAIT, what="recorded"
                )
                assert posted.callbacks

                # Discord stores the answer; the bot is killed before it hears back.
                hold = server.hold_next(
                    "POST", rf"^/channels/{thread_id}/messages$", apply_first=True
                )
                sent = await send_form(server, prompt, TEXT)
                await hold.arrived(timeout=WAIT)
                procs[0].send_signal(signal.SIGKILL)
                assert await asyncio.wait_for(procs[0].wait(), WAIT) == -signal.SIGKILL
                hold.release()
                [relayed] = anonymous_answers(server, thread_id)
                assert links(tmp_path) == [] and confirmation(sent) is None

                procs.append(await start(config, log))
                await server.wait_for_identify(2, timeout=START)
                await server.wait_for(
                    lambda: links(tmp_path) == [(int(relayed["id"]), MEMBER)],
                    timeout=WAIT,
                    what="the answer linked after the restart",
                )
                await server.wait_for(
                    lambda: confirmation(sent), timeout=WAIT, what="the member told"
                )
                [reply] = sent.messages
                button = reply["components"][0]["components"][0]["custom_id"]
                assert button == f"anon:delete:{relayed['id']}"

                again = await send_form(server, prompt, TEXT)
                await server.wait_for(lambda: confirmation(again), timeout=WAIT, what="retry")
                assert str(relayed["id"]) in confirmation(again)
                assert anonymous_answers(server, thread_id) == [relayed]  # posted once

                revealed = await server.invoke(
                    "anonymous reveal",
                    guild_id=GUILD,
                    channel_id=CHANNEL,
                    user_id=MOD,
                    options=[
                        events.option("message", str(relayed["id"])),
                        events.option("reason", "Checking an abuse report"),
                    ],
                )
                await server.wait_for(
                    lambda: any(f"<@{MEMBER}>" in t for t in revealed.texts),
                    timeout=WAIT,
                    what="the reveal",
                )
        except BaseException:
            print(log_path.read_text()[-6000:])
            raise
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.send_signal(signal.SIGINT)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(proc.wait(), WAIT)
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
    assert len(anonymous_answers(server, thread_id)) == 1
    assert "Traceback" not in log_path.read_text()
