"""Members' own participation: ``/participation me | opt-out | opt-in | forget``.

Not moderator commands: every member may run them, about themselves only, and every reply is
ephemeral. Erasing always asks first with a button; only the member who asked can press it, and
a question left unanswered (timeout) changes nothing: the reply then says so and loses its buttons.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.acknowledge import acknowledge
from bot.adapter.anonymous.erase import erase_links
from bot.adapter.context import guild_id_of
from bot.adapter.review import clear_cards
from bot.adapter.ui_errors import BotView
from bot.reports.builders import member_report
from bot.reports.digest import counted

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.anonymity.ports import AnonymousLinks
    from bot.app import Services
    from bot.participation.writer import BatchWriter
    from bot.reports.types import MemberReport

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT = 120.0  # seconds a confirm button stays usable
NOT_YOURS = "These buttons belong to someone else's request."


class _OwnerView(BotView):
    """Buttons only the member who ran the command may press."""

    unanswered = "No answer; nothing was erased."  # the reply's text once the buttons time out

    def __init__(
        self,
        writer: BatchWriter,
        guild_id: int,
        owner_id: int,
        anonymous: AnonymousLinks | None = None,
    ) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.writer = writer
        self.anonymous = anonymous
        self.guild_id = guild_id
        self.owner_id = owner_id
        self.erased: int | None = None
        self.question: discord.Interaction | None = None  # the command whose reply holds us

    async def on_timeout(self) -> None:
        """Unanswered: nothing is erased; the reply says so and its buttons go."""
        if self.question is None:
            return
        try:
            await self.question.edit_original_response(content=self.unanswered, view=None)
        except discord.HTTPException as exc:
            log.warning("confirmation for member %s not closed: %s", self.owner_id, exc)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    async def erase(self, interaction: discord.Interaction, prefix: str, suffix: str = "") -> None:
        self.erased = await self.writer.forget(self.guild_id, self.owner_id)
        if self.anonymous is not None:  # anonymous answers stop counting too
            await self.anonymous.uncount(self.guild_id, self.owner_id)
        log.info(
            "member %s erased %d records in guild %s", self.owner_id, self.erased, self.guild_id
        )
        self.stop()
        text = f"{prefix}Erased {self.erased} participation record(s) about you in this server."
        if interaction.response.is_done():  # acknowledged first: see ForgetView.forget
            await interaction.edit_original_response(content=text + suffix, view=None)
        else:
            await interaction.response.edit_message(content=text + suffix, view=None)

    async def close(self, interaction: discord.Interaction, text: str) -> None:
        self.stop()
        await interaction.response.edit_message(content=text, view=None)


class OptOutView(_OwnerView):
    unanswered = "You are opted out. No answer, so your existing records are kept."

    @discord.ui.button(label="Erase my records", style=discord.ButtonStyle.danger)
    async def erase_button(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self.erase(interaction, "You are opted out. ")

    @discord.ui.button(label="Keep them", style=discord.ButtonStyle.secondary)
    async def keep_button(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self.close(interaction, "You are opted out. Your existing records are kept.")


class ForgetView(_OwnerView):
    """Erases the participation records, the member's suggestions (prompts made from them stay,
    uncredited) and the links to their anonymous answers; when they have some, a third button
    deletes those answers from the threads as well."""

    def __init__(
        self,
        services: Services,
        guild_id: int,
        owner_id: int,
        bot: discord.Client | None = None,
        anonymous_answers: int = 0,
    ) -> None:
        super().__init__(services.writer, guild_id, owner_id, services.stores.anonymous)
        self.suggestions = services.suggestions
        self.bot = bot
        if not anonymous_answers:
            self.remove_item(self.delete_anonymous_button)

    async def erase(self, interaction: discord.Interaction, prefix: str, suffix: str = "") -> None:
        erased = await self.suggestions.forget(self.guild_id, self.owner_id)
        if erased:
            prefix = f"Erased {len(erased)} suggestion(s) of yours. "
            log.info("member %s erased %d suggestions", self.owner_id, len(erased))
        await super().erase(interaction, prefix, suffix)
        # after the reply (a member waits for it): their question and mention off the cards
        await clear_cards(interaction.client, erased)

    async def forget(self, interaction: discord.Interaction, delete: bool) -> None:
        # Un-crediting the member's accepted prompts rewrites their theme files, which can take
        # longer than the 3 s Discord gives a first answer: acknowledge the press first.
        if await acknowledge(interaction, thinking=False) is None:
            return  # another process of the bot took it
        suffix = ""
        if self.anonymous is not None and self.bot is not None:
            links, deleted = await erase_links(
                self.bot, self.anonymous, self.guild_id, self.owner_id, delete
            )
            if links:
                suffix = f" Erased the links to your {links} anonymous answer(s)" + (
                    f" and deleted {deleted} of them."
                    if delete
                    else "; the answers stay, unsigned."
                )
        await self.erase(interaction, "", suffix)

    @discord.ui.button(label="Erase everything", style=discord.ButtonStyle.danger)
    async def confirm_button(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self.forget(interaction, delete=False)

    @discord.ui.button(
        label="Erase everything and delete my anonymous answers", style=discord.ButtonStyle.danger
    )
    async def delete_anonymous_button(
        self, interaction: discord.Interaction, _: discord.ui.Button
    ) -> None:
        await self.forget(interaction, delete=True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel_button(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self.close(interaction, "Nothing was erased.")


def me_text(report: MemberReport) -> str:
    if not report.answers and not report.reactions:
        return "No participation is recorded for you in this server."
    return (
        f"Prompts answered: {report.prompts_answered} ({counted(report.answers, 'answer')})\n"
        f"Themes touched: {report.themes_touched}\n"
        f"Current streak: {report.current_streak}, best streak: {report.best_streak}"
    )


class ParticipationCommands(commands.Cog, name="ParticipationCommands"):
    participation = app_commands.Group(
        name="participation", description="Your participation in this server", guild_only=True
    )

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        # Each member's open confirmation per server, while its buttons are usable.
        self.questions: weakref.WeakValueDictionary[tuple[int, int], _OwnerView] = (
            weakref.WeakValueDictionary()
        )

    async def _ask(self, interaction: discord.Interaction, view: _OwnerView, text: str) -> None:
        view.question = interaction
        self.questions[(view.guild_id, view.owner_id)] = view
        await interaction.response.send_message(text, view=view, ephemeral=True)

    @participation.command(name="me", description="Your prompts, themes and streaks")
    async def me(self, interaction: discord.Interaction) -> None:
        await self.services.writer.flush()  # include what was just said
        report = await member_report(
            self.services.stores.reports,
            guild_id_of(interaction),
            interaction.user.id,
            include_anonymous=True,
        )
        text = me_text(report)
        if await self.services.stores.participation.is_opted_out(
            guild_id_of(interaction), interaction.user.id
        ):
            text += "\nYou are opted out: nothing new is recorded."
        await interaction.response.send_message(text, ephemeral=True)

    @participation.command(name="opt-out", description="Stop recording your participation")
    async def opt_out(self, interaction: discord.Interaction) -> None:
        # What was said before is written first: from the opt-out on, the database refuses
        # the member's rows, and keeping or erasing the earlier ones is the member's choice.
        await self.services.writer.flush()
        now = self.services.now_seconds()
        await self.services.stores.participation.opt_out(
            guild_id_of(interaction), interaction.user.id, now
        )
        view = OptOutView(
            self.services.writer,
            guild_id_of(interaction),
            interaction.user.id,
            self.services.stores.anonymous,
        )
        await self._ask(
            interaction,
            view,
            "Done: nothing more is recorded about you in this server. "
            "Do you also want to erase what was recorded so far?",
        )

    @participation.command(name="opt-in", description="Record your participation again")
    async def opt_in(self, interaction: discord.Interaction) -> None:
        await self.services.stores.participation.opt_in(
            guild_id_of(interaction), interaction.user.id
        )
        await interaction.response.send_message(
            "Your participation in this server is recorded again.", ephemeral=True
        )

    @participation.command(name="forget", description="Erase everything recorded about you here")
    async def forget(self, interaction: discord.Interaction) -> None:
        guild_id, member_id = guild_id_of(interaction), interaction.user.id
        anonymous = len(await self.services.stores.anonymous.member_answers(guild_id, member_id))
        view = ForgetView(self.services, guild_id, member_id, self.bot, anonymous)
        extra = (
            f" It also erases the links to your {anonymous} anonymous answer(s): keep the "
            "answers in their threads, unsigned, or delete them too (answers that disappear at "
            "the same moment as your records could let someone watching guess they were yours)."
            if anonymous
            else ""
        )
        await self._ask(
            interaction,
            view,
            "This erases every participation record and suggestion about you in this server"
            " (prompts made from your suggestions stay, without your name). It cannot be "
            f"undone.{extra} Continue?",
        )


COGS = [ParticipationCommands]
