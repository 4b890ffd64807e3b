"""Anonymous answers: the form behind the "Answer anonymously" button, the relayed message in
the prompt's thread, the author's own deletion, and the moderators' ``/anonymous`` commands
(stop, resume, reveal).

Trust both ways: the relayed message carries no trace of its author (an embed titled
"Anonymous member", nothing can ping), while the link to the author is kept so they can delete
it and so abuse can be handled. Only ``reveal_role_ids`` may look the link up, with a written
reason, and every reveal is posted to the mod-log channel before the answer is given.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.anonymous.post_care import COG_NAME, AnswerButton, DeleteButton
from bot.adapter.checks import ModGroup
from bot.anonymity.policy import (
    ANSWER_MAX,
    RATE_WINDOW,
    STOPPED,
    THREAD_CLOSED,
    TURNED_OFF,
    WHO_SEES,
    may_reveal,
    offered,
    rate_limited_text,
    reason_problem,
)
from bot.anonymity.types import AnonymousAnswer

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.adapter.services import Services
    from bot.config.settings import GuildConfig

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
TITLE = "Anonymous member"
MESSAGE_ID = re.compile(r"(\d{15,20})\s*/?\s*$")
REASON_MAX = 500


def message_id_of(text: str) -> int | None:
    """A message id, or the id at the end of a message link."""
    match = MESSAGE_ID.search(text.strip())
    return int(match.group(1)) if match else None


FORM_ID = re.compile(r"anon:form:(?P<post>[0-9]{1,20}):(?P<sensitive>[sn]):[0-9a-f]{16}")
TEXT_ID = "anon:text"


class AnswerForm(discord.ui.Modal, title="Answer anonymously"):
    """What the member fills in; the sentence above the field says who can see what.

    Only the form's shape lives here: the post it answers is in its custom id (with a fresh
    part, so two members answering at once get two forms) and the cog's ``on_interaction``
    takes the submission, so a form opened before a restart is still taken after it."""

    def __init__(self, post_id: int, sensitive: bool) -> None:
        kind = "s" if sensitive else "n"
        custom_id = f"anon:form:{post_id}:{kind}:{secrets.token_hex(8)}"
        super().__init__(timeout=None, custom_id=custom_id)
        self.add_item(discord.ui.TextDisplay(WHO_SEES))
        answer = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_MAX,
            required=True,
            custom_id=TEXT_ID,
        )
        self.add_item(discord.ui.Label(text="Your answer", component=answer))
        self.stop()  # finished: discord.py keeps no copy waiting for the submission


def submitted_text(components: list[dict]) -> str:
    """The answer field's value in a form submission (inside labels or action rows)."""
    for component in components:
        inner = component.get("component")
        found = submitted_text([inner] if inner else component.get("components", []))
        if component.get("custom_id") == TEXT_ID:
            return component.get("value") or ""
        if found:
            return found
    return ""


class AnonymousCog(commands.Cog, name=COG_NAME):
    anonymous = ModGroup(
        name="anonymous", description="Anonymous answers: stop, resume, reveal an author"
    )

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.store = services.anonymous
        self.participation = services.participation

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnswerButton, DeleteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AnswerButton, DeleteButton)

    async def _private(self, interaction: discord.Interaction, text: str, **kw) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS, **kw)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_PINGS, **kw
            )

    # --- answering ---------------------------------------------------------------------------

    async def _refusal(
        self, interaction: discord.Interaction, post_id: int, sensitive: bool
    ) -> tuple[str | None, discord.Thread | None]:
        """Why this member cannot answer this post anonymously now (None: they can), and the
        thread the answer goes to."""
        guild = self.bot.guild_config(interaction.guild_id)
        if guild is None or not offered(guild.anonymous_answers, sensitive):
            return TURNED_OFF, None
        if await self.store.is_stopped(guild.guild_id):
            return STOPPED, None
        since = self.bot.now_seconds() - RATE_WINDOW
        used = await self.store.recent_count(guild.guild_id, interaction.user.id, since)
        if used >= guild.anonymous_per_hour:
            return rate_limited_text(guild.anonymous_per_hour), None
        thread = await self._open_thread(post_id, guild.guild_id)
        return (THREAD_CLOSED, None) if thread is None else (None, thread)

    async def _open_thread(self, post_id: int, guild_id: int) -> discord.Thread | None:
        """The post's thread if it still takes answers (exists, not archived, not locked)."""
        target = await self.store.post_target(post_id)
        if target is None or target.guild_id != guild_id or target.thread_id is None:
            return None
        thread = self.bot.get_channel(target.thread_id)
        if thread is None:
            try:
                thread = await self.bot.fetch_channel(target.thread_id)
            except discord.HTTPException:
                return None
        if not isinstance(thread, discord.Thread) or thread.archived or thread.locked:
            return None
        return thread

    async def open_form(
        self, interaction: discord.Interaction, post_id: int, sensitive: bool
    ) -> None:
        """The button: refuse at once when the answer could not be taken, else open the form."""
        refusal, _ = await self._refusal(interaction, post_id, sensitive)
        if refusal:
            await self._private(interaction, refusal)
            return
        await interaction.response.send_modal(AnswerForm(post_id, sensitive))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A submitted answer form (see ``AnswerForm``)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = interaction.data or {}
        match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
        if match is None:
            return
        text = submitted_text(list(data.get("components", [])))
        await self.relay(interaction, int(match["post"]), match["sensitive"] == "s", text)

    async def relay(
        self, interaction: discord.Interaction, post_id: int, sensitive: bool, text: str
    ) -> None:
        """The form was sent: checked again (time has passed), posted under no name, linked."""
        refusal, thread = await self._refusal(interaction, post_id, sensitive)
        text = text.strip()[:ANSWER_MAX]
        if refusal or not text:
            await self._private(
                interaction, refusal or "Your answer was empty; nothing was posted."
            )
            return
        embed = discord.Embed(title=TITLE, description=text)
        try:
            message = await thread.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("anonymous answer not posted in thread %s: %s", thread.id, exc)
            await self._private(
                interaction, "Discord refused the post; nothing was posted or stored."
            )
            return
        guild_id, member_id = interaction.guild_id, interaction.user.id
        opted_out = await self.participation.is_opted_out(guild_id, member_id)
        await self.store.record(
            AnonymousAnswer(
                message.id, guild_id, post_id, thread.id, member_id, not opted_out,
                self.bot.now_seconds(), len(text),
            )
        )  # fmt: skip
        log.info("anonymous answer %s relayed in thread %s", message.id, thread.id)
        view = discord.ui.View(timeout=None)
        view.add_item(DeleteButton(message.id))
        await self._private(
            interaction,
            f"Your answer is posted anonymously: {message.jump_url}\n"
            "Only you see this message. You can delete the answer with the button below.",
            view=view,
        )

    async def delete_own(self, interaction: discord.Interaction, message_id: int) -> None:
        """The author's delete button: the relayed message and its record both go."""
        link = await self.store.answer(message_id)
        if link is None:
            await interaction.response.edit_message(
                content="That anonymous answer is already deleted.", view=None
            )
            return
        if link.member_id != interaction.user.id:
            await self._private(interaction, "This button belongs to someone else's answer.")
            return
        try:
            await (
                self.bot.get_partial_messageable(link.channel_id)
                .get_partial_message(message_id)
                .delete()
            )
        except discord.NotFound:
            pass  # already gone from Discord: only the record is left to remove
        except discord.HTTPException as exc:
            log.warning("anonymous answer %s not deleted: %s", message_id, exc)
            await self._private(interaction, "Discord refused the deletion; please try again.")
            return
        await self.store.delete([message_id])
        await interaction.response.edit_message(
            content="Your anonymous answer was deleted, and its record with it.", view=None
        )

    # --- deletions by anyone (moderators included) -------------------------------------------

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.store.delete([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        """A deleted thread takes its relayed answers, and so their records, with it."""
        await self.store.delete_in_channel(payload.thread_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.store.delete(sorted(payload.message_ids))

    # --- moderators ----------------------------------------------------------------------------

    async def _mod_log(self, guild: GuildConfig | None, text: str) -> bool:
        """Post to the guild's mod-log channel; False if there is none or Discord refused."""
        if guild is None or guild.mod_log_channel_id is None:
            return False
        try:
            await self.bot.get_partial_messageable(guild.mod_log_channel_id).send(
                text[:2000], allowed_mentions=NO_PINGS
            )
        except discord.HTTPException as exc:
            log.warning("mod-log of guild %s refused: %s", guild.guild_id, exc)
            return False
        return True

    @anonymous.command(name="stop", description="Stop all anonymous answers in this server now")
    async def stop(self, interaction: discord.Interaction) -> None:
        guild = self.bot.guild_config(interaction.guild_id)
        now = self.bot.now_seconds()
        if await self.store.stop(interaction.guild_id, interaction.user.id, now):
            await self._mod_log(
                guild, f"<@{interaction.user.id}> stopped anonymous answers (<t:{now}:f>)."
            )
        await self._private(
            interaction,
            "Anonymous answers are stopped in this server: every press of the button is "
            "refused until `/anonymous resume`.",
        )

    @anonymous.command(name="resume", description="Accept anonymous answers again")
    async def resume(self, interaction: discord.Interaction) -> None:
        guild = self.bot.guild_config(interaction.guild_id)
        if await self.store.resume(interaction.guild_id):
            now = self.bot.now_seconds()
            await self._mod_log(
                guild, f"<@{interaction.user.id}> resumed anonymous answers (<t:{now}:f>)."
            )
        await self._private(interaction, "Anonymous answers are accepted again in this server.")

    @anonymous.command(name="reveal", description="Look up who wrote an anonymous answer")
    @app_commands.describe(
        message="The anonymous answer's message link or id",
        reason="Why (posted to the mod-log with your name)",
    )
    async def reveal(self, interaction: discord.Interaction, message: str, reason: str) -> None:
        guild = self.bot.guild_config(interaction.guild_id)
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        if guild is None or not may_reveal(roles, guild.reveal_role_ids):
            await self._private(
                interaction,
                "Only members with a role listed in `reveal_role_ids` may reveal an author "
                "(none are listed: no one can). Nothing was revealed.",
            )
            return
        problem = reason_problem(reason)
        if problem:
            await self._private(interaction, problem)
            return
        message_id = message_id_of(message)
        link = await self.store.answer(message_id) if message_id else None
        if link is None or link.guild_id != guild.guild_id:
            await self._private(
                interaction,
                "No anonymous answer is linked to that message (it may be deleted, or its "
                "author erased the link). Nothing was revealed.",
            )
            return
        now = self.bot.now_seconds()
        where = f"https://discord.com/channels/{link.guild_id}/{link.channel_id}/{link.message_id}"
        logged = await self._mod_log(
            guild,
            f"<@{interaction.user.id}> revealed the author of the anonymous answer {where} "
            f"(<t:{now}:f>). Reason: {reason.strip()[:REASON_MAX]}",
        )
        if not logged:
            await self._private(
                interaction,
                "Every reveal is posted to the mod-log channel, and that failed (none is "
                "configured, or Discord refused). Nothing was revealed.",
            )
            return
        log.info("member %s revealed the author of %s", interaction.user.id, link.message_id)
        await self._private(
            interaction,
            f"The anonymous answer {where} was written by <@{link.member_id}> "
            f"(id {link.member_id}). This reveal is recorded in the mod-log.",
        )


COGS = [AnonymousCog]
