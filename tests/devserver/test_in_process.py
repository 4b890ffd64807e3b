"""The offline Discord harness drives discord.py's real event and REST code."""

from datetime import timedelta

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.discord_harness import FakeDiscord, events, payloads

G, C, U, MOD_ROLE = 100, 200, 300, 400


class Recorder(commands.Cog):
    def __init__(self) -> None:
        self.messages: list[discord.Message] = []
        self.reactions: list[discord.RawReactionActionEvent] = []

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        self.messages.append(message)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, event: discord.RawReactionActionEvent) -> None:
        self.reactions.append(event)


def recorder_bot() -> commands.Bot:
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
    )
    recorder = Recorder()

    async def setup_hook() -> None:
        await bot.add_cog(recorder)

    bot.setup_hook = setup_hook
    bot.recorder = recorder

    @bot.tree.command(name="echo", description="Echo a word back")
    async def echo(interaction: discord.Interaction, word: str, times: int = 1) -> None:
        await interaction.response.send_message(" ".join([word] * times), ephemeral=True)

    @bot.tree.command(name="purge", description="Moderators only")
    @app_commands.default_permissions(manage_messages=True)
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("done", ephemeral=True)

    @bot.tree.command(name="boom", description="Always fails")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom")

    return bot


def world(fd: FakeDiscord, threads=()) -> dict:
    return payloads.guild(
        G,
        "Community",
        channels=[payloads.text_channel(C, G, "discussion")],
        roles=[payloads.role(MOD_ROLE, "Moderators")],
        members=[fd.bot_member(), payloads.member(U, name="ana")],
        threads=list(threads),
    )


async def test_message_in_a_thread_reaches_listener_with_channel_parent_and_author():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        thread_id = payloads.snowflake()
        thread = payloads.thread(thread_id, G, C, "Q1", owner_id=fd.server.application_id)
        await fd.connect(world(fd, threads=[thread]))
        sent = await fd.say(thread_id, U, "my answer")

        [seen] = bot.recorder.messages
        assert seen.id == int(sent["id"])
        assert isinstance(seen.channel, discord.Thread)
        assert seen.channel.parent_id == C
        assert seen.author.id == U and isinstance(seen.author, discord.Member)
        assert seen.guild.id == G
        # No message content intent: Discord blanks content of messages not mentioning the bot.
        assert seen.content == ""


async def test_message_mentioning_the_bot_keeps_its_content():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        await fd.say(C, U, "hello bot", mentions_bot=True)
        assert bot.recorder.messages[0].content == "hello bot"


async def test_reaction_reaches_on_raw_reaction_add():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        posted = await fd.say(C, U)
        await fd.react(C, int(posted["id"]), U, "🔥")

        [event] = bot.recorder.reactions
        assert (event.message_id, event.user_id, event.channel_id) == (int(posted["id"]), U, C)
        assert str(event.emoji) == "🔥"
        assert event.member.id == U


async def test_send_records_exact_json_with_embed_and_allowed_mentions():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        channel = bot.get_channel(C)
        embed = discord.Embed(title="Question", description="What matters?")
        message = await channel.send(
            f"<@&{MOD_ROLE}> @everyone new topic",
            embed=embed,
            allowed_mentions=discord.AllowedMentions(roles=[discord.Object(MOD_ROLE)]),
        )

        [post] = fd.requests_to("POST", "/channels/{id}/messages")
        assert post.path == f"/channels/{C}/messages"
        assert post.json["allowed_mentions"] == {"parse": [], "roles": [MOD_ROLE]}
        assert post.json["embeds"] == [
            {"title": "Question", "description": "What matters?", "type": "rich", "flags": 0}
        ]
        assert post.pings.roles == {MOD_ROLE} and not post.pings.everyone
        assert message.id == int(post.response["id"]) and message.author.id == bot.user.id
        assert message.role_mentions[0].id == MOD_ROLE


async def test_a_repeated_enforced_nonce_returns_the_message_discord_already_made():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        channel = bot.get_channel(C)
        first = await channel.send("slot post", nonce="post-7")
        again = await channel.send("slot post", nonce="post-7")
        other = await channel.send("slot post", nonce="post-8")
        assert again.id == first.id != other.id
        stored = [m for m in fd.server.messages.values() if m["content"] == "slot post"]
        assert len(stored) == 2


async def test_create_thread_records_post_and_caches_the_thread():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        message = await bot.get_channel(C).send("prompt")
        thread = await message.create_thread(name="Prompt thread", auto_archive_duration=1440)
        await fd.settle()

        [req] = fd.requests_to("POST", f"/channels/{C}/messages/{message.id}/threads")
        assert req.json == {
            "name": "Prompt thread",
            "auto_archive_duration": 1440,
            "rate_limit_per_user": None,
        }
        assert thread.id == message.id and thread.parent_id == C
        assert bot.get_guild(G).get_thread(thread.id) is not None  # THREAD_CREATE echoed


async def test_slash_command_runs_and_its_ephemeral_reply_is_recorded():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        await bot.tree.sync(guild=None)
        replies = await fd.slash("echo", user_id=U, channel_id=C, word="hi", times=2)

        assert replies.callback_type == 4
        assert replies.content == "hi hi"
        assert replies.ephemeral
        assert replies.callback.json["data"]["flags"] == 64


async def test_default_permissions_appear_in_the_synced_command_payload():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        bot.tree.copy_global_to(guild=discord.Object(G))
        synced = await bot.tree.sync(guild=discord.Object(G))

        [put] = fd.requests_to(
            "PUT", f"/applications/{fd.server.application_id}/guilds/{G}/commands"
        )
        by_name = {c["name"]: c for c in put.json}
        manage_messages = discord.Permissions(manage_messages=True).value
        assert by_name["purge"]["default_member_permissions"] == manage_messages
        assert by_name["echo"]["default_member_permissions"] is None
        assert {c.name for c in synced} == {"echo", "purge", "boom"}
        purge = next(c for c in synced if c.name == "purge")
        assert purge.default_member_permissions.manage_messages


async def test_scripted_403_raises_forbidden_with_discord_code():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        fd.fail_next("POST", f"/channels/{C}/messages", 403)
        with pytest.raises(discord.Forbidden) as raised:
            await bot.get_channel(C).send("nope")
        assert raised.value.code == 50013 and raised.value.status == 403
        await bot.get_channel(C).send("works again")
        assert [r.status for r in fd.requests_to("POST", f"/channels/{C}/messages")] == [403, 200]


async def test_server_errors_are_retried_like_discord_py_then_raised():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        fd.fail_next("POST", "/channels/{c}/messages", 500, times=2)
        await bot.get_channel(C).send("after two 500s")
        fd.fail_next("POST", "/channels/{c}/messages", 500, times=5)
        with pytest.raises(discord.DiscordServerError):
            await bot.get_channel(C).send("five 500s")
        fd.fail_next("POST", "/channels/{c}/messages", 503)
        with pytest.raises(discord.DiscordServerError):
            await bot.get_channel(C).send("503 is not retried by discord.py")
        assert fd.rate_limit_sleeps[:2] == [1, 3]


async def test_rate_limit_is_waited_out_transparently_and_recorded():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        fd.fail_next("POST", "/channels/{c}/messages", 429, retry_after=2.5)
        await bot.get_channel(C).send("eventually")
        assert [r.status for r in fd.requests][-2:] == [429, 200]
        assert fd.rate_limit_sleeps == [2.5]


async def test_listener_exception_fails_the_test_unless_acknowledged():
    bot = recorder_bot()

    async def on_message(message):
        raise ValueError("listener broke")

    bot.add_listener(on_message)
    with pytest.raises(AssertionError, match="listener broke"):
        async with FakeDiscord(bot) as fd:
            await fd.connect(world(fd))
            await fd.say(C, U)

    async with FakeDiscord(recorder_bot()) as fd:
        fd.bot.add_listener(on_message)
        await fd.connect(world(fd))
        await fd.say(C, U)
        [error] = fd.take_errors()
        assert "listener broke" in error


async def test_command_error_is_captured():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        await fd.slash("boom", user_id=U, channel_id=C)
        [error] = fd.take_errors()
        assert "kaboom" in error


async def test_reply_payload_and_history():
    bot = recorder_bot()
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        prompt = await bot.get_channel(C).send("prompt")
        reply = await fd.say(C, U, reply_to=prompt.id)
        assert bot.recorder.messages[-1].reference.message_id == prompt.id
        older = events.message(C, payloads.user(U), at=payloads.BASE_TIME - timedelta(days=1))
        fd.set_history(C, [older])
        channel = bot.get_channel(C)
        seen = [m.id async for m in channel.history(after=prompt, limit=None)]
        assert seen == [int(reply["id"])]
        newest_first = [m.id async for m in channel.history(limit=2)]
        assert newest_first == [int(reply["id"]), prompt.id]
        everything = [m.id async for m in channel.history(limit=None, oldest_first=True)]
        assert everything == [int(older["id"]), prompt.id, int(reply["id"])]


class Confirm(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=180)
        self.clicked_by: list[int] = []

    @discord.ui.button(label="Erase", custom_id="forget:confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.clicked_by.append(interaction.user.id)
        await interaction.response.edit_message(content="Erased.", view=None)


async def test_subcommand_group_with_channel_role_and_member_options_and_a_button():
    bot = recorder_bot()
    views: list[Confirm] = []
    topic = app_commands.Group(name="topic", description="Topics")
    admin = app_commands.Group(name="admin", description="Admin", parent=topic)

    @admin.command(name="post", description="Post now")
    async def post(
        interaction: discord.Interaction,
        theme: str,
        channel: discord.TextChannel,
        role: discord.Role,
        who: discord.Member,
    ) -> None:
        view = Confirm()
        views.append(view)
        text = f"{theme} {channel.name} {role.name} {who.display_name}"
        await interaction.response.send_message(text, view=view, ephemeral=True)

    bot.tree.add_command(topic)
    async with FakeDiscord(bot) as fd:
        await fd.connect(world(fd))
        replies = await fd.slash(
            "topic admin post", user_id=U, channel_id=C, theme="x", channel=C, role=MOD_ROLE, who=U
        )
        assert replies.content == "x discussion Moderators ana"
        message_id = int(replies.callback.response["resource"]["message"]["id"])
        clicked = await fd.click("forget:confirm", message_id=message_id, user_id=U)

        assert views[0].clicked_by == [U]
        assert clicked.callback_type == 7 and clicked.content == "Erased."
        assert clicked.callback.json["data"]["components"] == []


def test_the_bots_default_clock_is_a_day_after_the_fakes_first_ids():
    from bot.devserver import payloads
    from tests.conftest import DEFAULT_NOW

    assert payloads.BASE_TIME + timedelta(days=1) == DEFAULT_NOW


async def test_a_task_whose_timed_wait_has_just_ended_is_not_taken_for_idle():
    """A handler inside ``wait_for(work, timeout)`` (a subprocess, say) is idle only while the
    work is pending: once the work is done it is about to go on, and settling must wait for
    it, not return before its reply."""
    import asyncio

    from tests.harness.fake import _idle

    loop = asyncio.get_running_loop()
    work = loop.create_future()
    handler = asyncio.create_task(asyncio.wait_for(work, 60))
    await asyncio.sleep(0)
    assert _idle(handler, loop)  # only the timeout's timer would move it on
    work.set_result("done")
    await asyncio.sleep(0)  # wait_for's waiter is released; the handler has not resumed yet

    assert not _idle(handler, loop)
    assert await handler == "done"
