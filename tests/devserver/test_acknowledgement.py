"""The local Discord server keeps Discord's one-acknowledgement rule: two processes of a bot
both receive an interaction over the gateway, and only the first answer is accepted; the other
gets 400 with code 40060, as from Discord."""

from __future__ import annotations

import discord

from tests.devserver.test_server import CHANNEL, GUILD, MEMBER, client_of, server  # noqa: F401


def answering_client(
    outcomes: list[str],
) -> tuple[discord.Client, discord.app_commands.CommandTree]:
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    tree = discord.app_commands.CommandTree(client)

    @tree.command(name="hello", description="Say hello", guild=discord.Object(GUILD))
    async def hello(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("hello", ephemeral=True)
        except discord.HTTPException as exc:
            outcomes.append(f"{exc.status}/{exc.code}")
        else:
            outcomes.append("answered")

    return client, tree


async def test_a_second_acknowledgement_of_one_interaction_is_refused_with_40060(server):  # noqa: F811
    outcomes: list[str] = []
    first, tree = answering_client(outcomes)
    second, _ = answering_client(outcomes)
    async with client_of(server, first), client_of(server, second):
        await tree.sync(guild=discord.Object(GUILD))
        assert server.connections == 2
        interaction = await server.invoke(
            "hello", guild_id=GUILD, channel_id=CHANNEL, user_id=MEMBER
        )
        await server.wait_for(lambda: len(outcomes) == 2, timeout=5, what="both answers")
    assert sorted(outcomes) == ["400/40060", "answered"]
    assert interaction.texts == ["hello"] and len(interaction.callbacks) == 1
