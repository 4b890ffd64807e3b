"""``python -m bot run`` before and around connecting: the example's placeholder ids, a config
with no guild, and what DEBUG logging may print."""

import io
import logging
import shutil
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.adapter.client import DiscussionBot
from bot.cli import main
from bot.cli.run_cmd import PAYLOAD_LOGGERS, setup_logging
from bot.prompts.model import Library
from tests.discord_harness import FakeDiscord, payloads
from tests.participation_world import ANA, C, G, settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root_logging():
    """``run`` installs its own log handler on the root logger; put the test's back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in PAYLOAD_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_run_refuses_the_example_configs_placeholder_ids(tmp_path, capsys, monkeypatch):
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    config = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", config)
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    assert main(["run", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"{config}: still has the example's placeholder ids (111111111111111111,"
        " 222222222222222222, 333333333333333333, …); put in your server's guild, channel and"
        " role ids first (Discord: Developer Mode, Copy ID)"
    )
    assert not (tmp_path / "data").exists()  # refused before the database is created


def run_on_a_closed_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, Path]:
    """``run`` with a config naming no guild and a server on a local port nothing listens on;
    returns the exit code, the port and the config file."""
    from bot.adapter.endpoints import apply_endpoints

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"api_base: http://127.0.0.1:{port}/api/v10\ngateway_url: ws://127.0.0.1:{port}/\n"
    )
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    try:
        return main(["run", "--config", str(config)]), port, config
    finally:
        apply_endpoints(None, None)


def test_run_against_an_unreachable_server_exits_3_with_a_message(
    tmp_path, capsys, monkeypatch, root_logging
):
    code, port, _ = run_on_a_closed_port(tmp_path, monkeypatch)
    assert code == 3
    err = capsys.readouterr().err
    assert f"cannot reach http://127.0.0.1:{port}/api/v10 to log in" in err
    assert "Traceback" not in err


def test_run_with_no_guild_warns_that_it_will_do_nothing(
    tmp_path, capsys, monkeypatch, root_logging
):
    code, _, config = run_on_a_closed_port(tmp_path, monkeypatch)  # stops after the warning
    assert code == 3
    err = capsys.readouterr().err
    [warning] = [line for line in err.splitlines() if "names no guilds" in line]
    assert "WARNING" in warning and f"{config} names no guilds: the bot connects but" in warning


async def test_debug_logging_prints_no_interaction_token_or_message_text(
    tmp_path, monkeypatch, root_logging
):
    log = io.StringIO()  # stays open: the database's worker thread may log after the test
    monkeypatch.setattr(sys, "stderr", log)
    setup_logging("DEBUG")
    bot = DiscussionBot(settings(tmp_path), SimpleNamespace(library=Library()))
    async with FakeDiscord(bot) as fd:
        world = payloads.guild(
            G, channels=[payloads.text_channel(C, G, "discussion")],
            members=[fd.bot_member(), payloads.member(ANA)],
        )  # fmt: skip
        await fd.connect(world)
        await fd.say(C, ANA, "a very private sentence")
        replies = await fd.slash("participation me", user_id=ANA, channel_id=C)
        assert replies.messages  # the command was answered
    text = log.getvalue()
    assert "DEBUG" in text  # the bot's own debug lines are there
    assert f"token-{replies.interaction_id}" not in text
    assert "a very private sentence" not in text
