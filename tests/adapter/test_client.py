"""The bot's start-up and shutdown, its moderator gates and its central command error handler."""

import asyncio
import logging
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.adapter.checks import ModGroup, half_gated, mod_command
from bot.adapter.client import DiscussionBot, utc_now
from bot.adapter.tree import MODERATOR_ONLY, UNEXPECTED
from bot.config.settings import GuildConfig, Settings
from bot.prompts.model import Library, Prompt, Theme
from tests.discord_harness import FakeDiscord, payloads
from tests.store import view

G, C, MEMBER, MOD, ADMIN, MOD_ROLE, ADMIN_ROLE = 10, 20, 30, 31, 32, 40, 41
ADMINISTRATOR = discord.Permissions(administrator=True).value


class Topics(commands.Cog):
    topic = ModGroup(name="topic", description="Moderator tools")

    def __init__(self, bot: DiscussionBot, services: object) -> None:
        self.bot = bot
        self.ran: list[int] = []

    @topic.command(name="ping", description="Check the bot")
    async def ping(self, interaction: discord.Interaction) -> None:
        self.ran.append(interaction.user.id)
        await interaction.response.send_message("pong", ephemeral=True)

    @topic.command(name="crash", description="Fails")
    async def crash(self, interaction: discord.Interaction, theme: str) -> None:
        raise RuntimeError(f"broken theme {theme}")

    @app_commands.command(name="reset", description="Moderators only")
    @mod_command
    async def reset(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("reset done", ephemeral=True)

    async def cog_unload(self) -> None:
        await view.mark(self.bot.services.stores, "flushed_on_unload")


def client_settings(tmp_path) -> Settings:
    return Settings(
        database=tmp_path / "data" / "bot.sqlite3",
        guilds=(GuildConfig(guild_id=G, moderator_role_ids=(MOD_ROLE,)),),
    )


def community(fd: FakeDiscord) -> dict:
    return payloads.guild(
        G,
        channels=[payloads.text_channel(C, G, "discussion")],
        roles=[
            payloads.role(MOD_ROLE, "Moderators", position=2),
            payloads.role(ADMIN_ROLE, "Admins", permissions=ADMINISTRATOR, position=3),
        ],
        members=[
            fd.bot_member(),
            payloads.member(MEMBER),
            payloads.member(MOD, [MOD_ROLE]),
            payloads.member(ADMIN, [ADMIN_ROLE]),
        ],
    )


async def test_setup_hook_opens_database_and_registers_commands_in_the_guild(tmp_path, make_bot):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    async with FakeDiscord(bot) as fd:
        assert (tmp_path / "data" / "bot.sqlite3").exists()
        assert await view.journal_mode(bot.services.stores) == "wal"
        app = fd.server.application_id
        [put] = fd.requests_to("PUT", f"/applications/{app}/guilds/{G}/commands")
        assert {c["name"] for c in put.json} == {"topic", "reset"}
        assert not fd.requests_to("PUT", f"/applications/{app}/commands")  # nothing global
        stores = bot.services.stores
    assert bot.services is None
    assert await view.is_closed(stores)


async def test_close_unloads_cogs_before_closing_the_database(tmp_path, make_bot):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    async with FakeDiscord(bot):
        pass
    assert "flushed_on_unload" in view.marks_at(
        tmp_path / "data" / "bot.sqlite3"
    )  # written by the cog while it was being unloaded


class Listener(commands.Cog):
    """Listens to messages without saying which it wants."""

    def __init__(self, bot: DiscussionBot, services: object) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        pass


async def test_a_cog_listening_to_messages_without_a_gate_is_refused_loudly(tmp_path, make_bot):
    """The bot hands messages only to cogs that say they want them: a gate-less on_message
    listener would silently never run, so loading it fails instead."""
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    async with FakeDiscord(bot):
        with pytest.raises(TypeError, match="wants_message"):
            await bot.add_cog(Listener(bot, bot.services))
        assert bot.get_cog("Listener") is None


async def test_member_without_moderator_role_is_refused_ephemerally(tmp_path, make_bot):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    async with FakeDiscord(bot) as fd:
        await fd.connect(community(fd))
        replies = await fd.slash("topic ping", user_id=MEMBER, channel_id=C)
        top_level = await fd.slash("reset", user_id=MEMBER, channel_id=C)

        assert replies.content == MODERATOR_ONLY and replies.ephemeral
        assert top_level.content == MODERATOR_ONLY and top_level.ephemeral
        assert bot.get_cog("Topics").ran == []


async def test_configured_moderator_role_and_administrators_are_allowed(tmp_path, make_bot):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    async with FakeDiscord(bot) as fd:
        await fd.connect(community(fd))
        by_mod = await fd.slash("topic ping", user_id=MOD, channel_id=C)
        by_admin = await fd.slash("topic ping", user_id=ADMIN, channel_id=C)
        reset = await fd.slash("reset", user_id=MOD, channel_id=C)

        assert by_mod.content == "pong" and by_mod.ephemeral
        assert by_admin.content == "pong"
        assert reset.content == "reset done"
        assert bot.get_cog("Topics").ran == [MOD, ADMIN]


async def test_unexpected_error_gets_a_friendly_reply_and_a_logged_traceback(
    tmp_path, caplog, make_bot
):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    async with FakeDiscord(bot) as fd:
        await fd.connect(community(fd))
        with caplog.at_level(logging.ERROR, logger="bot.adapter.tree"):
            replies = await fd.slash("topic crash", user_id=MOD, channel_id=C, theme="grief")

        assert replies.content == UNEXPECTED and replies.ephemeral
        [error] = fd.take_errors()
        assert "broken theme grief" in error
        assert f"command /topic crash failed (guild {G}, channel {C}, user {MOD})" in error
        assert caplog.records[0].exc_info[0] is RuntimeError


async def test_every_moderator_command_carries_both_gates(tmp_path, make_bot):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    assert half_gated(bot.tree) == []

    @bot.tree.command(name="sneaky", description="hidden but not checked")
    @app_commands.default_permissions(manage_messages=True)
    async def sneaky(interaction: discord.Interaction) -> None: ...

    await bot.add_cog(Topics(bot, None))
    assert half_gated(bot.tree) == ["sneaky"]


async def test_bot_needs_no_privileged_intent_and_pings_nobody_by_default(tmp_path, make_bot):
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=utc_now)
    assert not bot.intents.message_content
    assert not bot.intents.members and not bot.intents.presences
    async with FakeDiscord(bot) as fd:
        await fd.connect(community(fd))
        await bot.get_channel(C).send(f"@everyone <@&{MOD_ROLE}> <@{MEMBER}> hello")
        [post] = fd.requests_to("POST", f"/channels/{C}/messages")
        assert post.json["allowed_mentions"] == {"parse": []}
        assert post.pings.nobody


async def test_clock_and_library_come_from_what_main_passes_in(tmp_path, make_bot):
    fixed = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    bot = make_bot(client_settings(tmp_path), cogs=[Topics], clock=lambda: fixed)
    prompt = Prompt("p1", "t1", "Why?", (), "ctx", "essay.txt")
    bot.library_holder.library = Library((Theme("t1", "Theme", (prompt,)),))
    async with FakeDiscord(bot):
        assert bot.services.clock() == fixed
        assert bot.services.library.library.prompt("p1") is prompt
    assert DiscussionBot(client_settings(tmp_path), None).clock().tzinfo is not None


def test_run_without_token_exits_2_with_a_message(monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["run", "--config", "missing.yaml"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err and "Traceback" not in err


def test_run_with_missing_config_exits_1_naming_the_file(monkeypatch, capsys, tmp_path):
    from bot.cli import main

    monkeypatch.setenv("DISCORD_TOKEN", "x")
    assert main(["run", "--config", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: config file not found" in capsys.readouterr().err


def test_run_with_a_database_path_that_is_a_folder_exits_1_naming_it(monkeypatch, capsys, tmp_path):
    import shutil

    from bot.cli import main

    shutil.copytree(Path(__file__).parents[2] / "prompts", tmp_path / "prompts")
    (tmp_path / "db").mkdir()
    config = tmp_path / "config.yaml"
    config.write_text("database: db\n")
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    assert main(["run", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'db'}: it is a folder, not a database file" in err
    assert "Traceback" not in err


class _SlowToClose:
    """Stands in for the bot around ``run_until_stopped``: SIGTERM arrives while it runs, and
    again while it is still closing (a service manager or an impatient admin sending it twice)."""

    def __init__(self) -> None:
        self.closed = False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(20):  # let the loop see the second signal before closing ends
            await asyncio.sleep(0)
        self.closed = True

    async def start(self, token: str) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.Event().wait()


async def test_a_second_sigterm_while_closing_does_not_cut_the_close_short():
    from bot.adapter.lifecycle import run_until_stopped

    bot = _SlowToClose()
    await run_until_stopped(bot, "token")
    assert bot.closed
