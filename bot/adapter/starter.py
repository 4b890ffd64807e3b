"""``/starter``: a conversation starter on demand, for members, in the guild's
``starter_channels`` (the rules are ``bot.starters.service``). The answer is public: the prompt
as the scheduled posts show it, with an "Another one" button only the member who asked may
press (the message is edited in place; anyone else is told privately). Refusals — not here,
the channel's cooldown, the member's daily limit — are private. The button keeps working after
a restart (the member and the starter are in its custom id)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.context import cog_named, guild_id_of
from bot.adapter.publisher import prompt_embed
from bot.adapter.tree import send_private
from bot.adapter.ui_errors import BotView, answers_errors
from bot.prompts.model import Library, Prompt
from bot.starters.service import StarterService

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

COG_NAME = "Starters"
AGAIN_LABEL = "Another one"
NOT_YOURS = (
    "Only the member who asked for this starter can ask for another one; use /starter for your own."
)
UNAVAILABLE = "Conversation starters are not available right now."


def starter_embed(library: Library, prompt: Prompt) -> discord.Embed:
    theme = library.theme(prompt.theme_id)
    embed = prompt_embed(prompt, theme.title if theme else prompt.theme_id)
    return embed.set_footer(text=f"{embed.footer.text} · a /starter")


def again_view(member_id: int, starter_id: int) -> BotView:
    view = BotView(timeout=None)
    view.add_item(AgainButton(member_id, starter_id))
    return view


class AgainButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"starter:again:(?P<member>[0-9]{1,20}):(?P<starter>[0-9]{1,20})",
):
    def __init__(self, member_id: int, starter_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=AGAIN_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"starter:again:{member_id}:{starter_id}",
            )
        )
        self.member_id = member_id
        self.starter_id = starter_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AgainButton:
        return cls(int(match["member"]), int(match["starter"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = cog_named(interaction.client, COG_NAME)
        if cog is None:
            await send_private(interaction, UNAVAILABLE)
            return
        await cog.again(interaction, self.member_id, self.starter_id)


class Starters(commands.Cog, name=COG_NAME):
    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.service: StarterService = services.starters

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AgainButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AgainButton)

    @app_commands.command(name="starter", description="A conversation starter for this channel")
    @app_commands.guild_only()
    async def starter(self, interaction: discord.Interaction) -> None:
        member, channel_id = interaction.user.id, interaction.channel_id
        if channel_id is None:  # Discord sends the channel of every command used in a server
            raise app_commands.NoPrivateMessage()
        found = await self.service.ask(
            guild_id_of(interaction), channel_id, member, self.services.clock()
        )
        if found.prompt is None or found.starter_id is None:
            await send_private(interaction, found.why)
            return
        await interaction.response.send_message(
            embed=starter_embed(self.services.library.library, found.prompt),
            view=again_view(member, found.starter_id),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def again(
        self, interaction: discord.Interaction, member_id: int, starter_id: int
    ) -> None:
        if interaction.user.id != member_id:
            await send_private(interaction, NOT_YOURS)
            return
        found = await self.service.again(starter_id, self.services.clock())
        if found.prompt is None or found.starter_id is None:
            await send_private(interaction, found.why)
            return
        await interaction.response.edit_message(
            embed=starter_embed(self.services.library.library, found.prompt),
            view=again_view(member_id, found.starter_id),
        )


COGS = [Starters]
