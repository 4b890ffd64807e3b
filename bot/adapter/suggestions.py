"""Members suggest discussion questions: ``/suggest question`` and ``/suggest mine``.

Any member of a configured server may suggest; every reply is private. A new suggestion is
announced in the mod-log channel with the review buttons (``bot.adapter.review``). The member
chooses whether to be credited by name if it is accepted (default: not credited), and sees the
status of their suggestions in ``/suggest mine``, where a pending one can be withdrawn.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.context import guild_id_of, message_channel, services_of
from bot.adapter.review import ReviewButton, card
from bot.adapter.tree import matching_themes
from bot.adapter.ui_errors import BotModal, BotView
from bot.suggestions.types import Limits, Suggestion

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services
    from bot.suggestions.service import SuggestionService

log = logging.getLogger(__name__)

NOT_HERE = "Suggestions are not set up in this server."
NOT_YOURS = "These buttons belong to someone else's request."
STATUS_TEXT = {
    "pending": "waiting for review",
    "deciding": "being decided",
    "accepted": "accepted",
    "rejected": "not accepted",
    "withdrawn": "withdrawn",
}


def mine_text(suggestions: list[Suggestion]) -> str:
    if not suggestions:
        return "You have not suggested any question in this server."
    lines = ["Your suggestions:"]
    for s in suggestions:
        status = STATUS_TEXT.get(s.status, s.status)
        if s.status == "accepted" and s.prompt_id:
            status += f" as `{s.prompt_id}`"
        if s.status == "rejected" and s.reason:
            status += f": {s.reason}"
        lines.append(f"{s.id}. {s.question} ({status})")
    return "\n".join(lines)[:1900]


class SuggestModal(BotModal, title="Suggest a discussion question"):
    question: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your question (it ends with ?)", max_length=300, custom_id="question"
    )
    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="A note to the moderators (optional, not posted)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=500,
        custom_id="note",
    )

    def __init__(self, cog: Suggestions, theme: str | None, credit: bool) -> None:
        super().__init__()
        self.cog, self.theme, self.credit = cog, theme, credit

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.submitted(interaction, self.question.value, self.note.value, self)


class WithdrawButton(discord.ui.Button["WithdrawView"]):
    def __init__(
        self, suggestion_id: int, press: Callable[[discord.Interaction], Awaitable[None]]
    ) -> None:
        super().__init__(label=f"Withdraw {suggestion_id}", style=discord.ButtonStyle.secondary)
        self.press = press

    async def callback(self, interaction: discord.Interaction) -> None:
        await self.press(interaction)


class WithdrawView(BotView):
    """One button per pending suggestion; only the member who asked may press them."""

    def __init__(
        self, service: SuggestionService, owner_id: int, pending: list[Suggestion]
    ) -> None:
        super().__init__(timeout=120)
        self.service, self.owner_id = service, owner_id
        for s in pending[:5]:
            self.add_item(WithdrawButton(s.id, self._withdraw(s.id)))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    def _withdraw(self, suggestion_id: int) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def press(interaction: discord.Interaction) -> None:
            now = services_of(interaction.client).now_seconds()
            done = await self.service.withdraw(self.owner_id, suggestion_id, now)
            head = f"Suggestion {suggestion_id} withdrawn." if done else "Already decided."
            mine = await self.service.mine(guild_id_of(interaction), self.owner_id)
            pending = [s for s in mine if s.status == "pending"]
            view = WithdrawView(self.service, self.owner_id, pending) if pending else None
            self.stop()
            await interaction.response.edit_message(content=f"{head}\n{mine_text(mine)}", view=view)

        return press


class Suggestions(commands.Cog):
    suggest = app_commands.Group(
        name="suggest", description="Suggest discussion questions", guild_only=True
    )

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.service = services.suggestions

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReviewButton)  # review cards work again after a restart

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ReviewButton)

    @suggest.command(name="question", description="Suggest a question for the community")
    @app_commands.describe(
        theme="The theme it belongs to (optional)",
        credit="Name you as its author if it is accepted (default: no)",
    )
    async def question(
        self, interaction: discord.Interaction, theme: str | None = None, credit: bool = False
    ) -> None:
        if self.services.settings.guild(interaction.guild_id) is None:
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        await interaction.response.send_modal(SuggestModal(self, theme, credit))

    @question.autocomplete("theme")
    async def theme_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return matching_themes(self.services.library.library, current)

    @suggest.command(name="mine", description="Your suggestions and their status")
    async def mine(self, interaction: discord.Interaction) -> None:
        mine = await self.service.mine(guild_id_of(interaction), interaction.user.id)
        pending = [s for s in mine if s.status == "pending"]
        text = mine_text(mine)
        if pending:
            view = WithdrawView(self.service, interaction.user.id, pending)
            await interaction.response.send_message(text, view=view, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def submitted(
        self, interaction: discord.Interaction, question: str, note: str, modal: SuggestModal
    ) -> None:
        config = self.services.settings.guild(interaction.guild_id)
        if config is None:  # the form opens only in a configured server
            await interaction.response.send_message(NOT_HERE, ephemeral=True)
            return
        limits = Limits(config.max_pending_suggestions, config.max_suggestions_per_day)
        suggestion = await self.service.suggest(  # a refusal is answered by the form's handler
            guild_id_of(interaction),
            interaction.user.id,
            question,
            theme=modal.theme,
            note=note,
            credit_name=interaction.user.display_name if modal.credit else None,
            limits=limits,
            now=self.services.now_seconds(),
        )
        await interaction.response.send_message(
            "Thank you! Your suggestion is waiting for the moderators; see it in /suggest mine.",
            ephemeral=True,
        )
        await self.announce(config.mod_log_channel_id, suggestion)

    async def announce(self, channel_id: int | None, suggestion: Suggestion) -> None:
        """The new suggestion in the mod-log channel, with the review buttons."""
        if channel_id is None:
            return
        item = await self.service.suggestion_item(suggestion)
        try:
            channel = message_channel(self.bot, channel_id)
            message = await channel.send(**card(item, "New suggestion to review."))
        except discord.HTTPException as exc:
            log.warning("suggestion %s not announced in %s: %s", suggestion.id, channel_id, exc)
            return
        await self.service.card_posted(suggestion.id, channel_id, message.id)


COGS = [Suggestions]
