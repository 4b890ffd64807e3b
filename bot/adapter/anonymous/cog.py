"""Anonymous answers: the form behind the "Answer anonymously" button, the relayed message in
the prompt's thread, the author's own deletion, and deletions by anyone else. The moderators'
``/anonymous`` commands (stop, resume, reveal) are their own cog, in ``moderation``.

Trust both ways: the relayed message carries no trace of its author (an embed titled
"Anonymous member", nothing can ping), while the link to the author is kept so they can delete
it and so abuse can be handled.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.anonymous.erase import delete_relayed
from bot.adapter.anonymous.moderation import NO_PINGS, AnonymousModeration
from bot.adapter.anonymous.post_care import COG_NAME, AnswerButton, DeleteButton
from bot.adapter.tree import send_private
from bot.adapter.ui_errors import BotModal, BotView
from bot.anonymity.policy import (
    ANSWER_MAX,
    MAY_NOT_POST,
    RATE_WINDOW,
    STOPPED,
    THREAD_CLOSED,
    TURNED_OFF,
    WHO_SEES,
    offered,
    rate_limited_text,
)
from bot.anonymity.types import AnonymousAnswer

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.adapter.services import Services

log = logging.getLogger(__name__)

TITLE = "Anonymous member"
FORM_ID = re.compile(r"anon:form:(?P<post>[0-9]{1,20}):(?P<sensitive>[sn]):[0-9a-f]{16}")
TEXT_ID = "anon:text"


class AnswerForm(BotModal, title="Answer anonymously"):
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
    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.store = services.anonymous
        self.participation = services.participation
        # When each member last posted anonymously per server, for the rate limit only: the
        # stored links go when an answer is deleted or unlinked, and a deleted answer must
        # still count (a moderator removing abuse must not hand its author a fresh hour).
        # Held in memory for at most an hour; it names no message.
        self.posted_at: dict[tuple[int, int], list[int]] = {}

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnswerButton, DeleteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AnswerButton, DeleteButton)

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
        # The member's own right to post in threads here (a channel overwrite or a timeout
        # that stops them speaking must stop the relay too; Discord resolves both into these).
        if not interaction.permissions.send_messages_in_threads:
            return MAY_NOT_POST, None
        since = self.bot.now_seconds() - RATE_WINDOW
        used = max(
            await self.store.recent_count(guild.guild_id, interaction.user.id, since),
            self._posted_since(guild.guild_id, interaction.user.id, since),
        )
        if used >= guild.anonymous_per_hour:
            return rate_limited_text(guild.anonymous_per_hour), None
        thread = await self._open_thread(post_id, guild.guild_id)
        return (THREAD_CLOSED, None) if thread is None else (None, thread)

    def _posted_since(self, guild_id: int, member_id: int, since: int) -> int:
        """The member's anonymous posts in the server after ``since`` (older ones forgotten)."""
        key = (guild_id, member_id)
        recent = [at for at in self.posted_at.get(key, ()) if at > since]
        if recent:
            self.posted_at[key] = recent
        else:
            self.posted_at.pop(key, None)
        return len(recent)

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
            await send_private(interaction, refusal)
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
            await send_private(interaction, refusal or "Your answer was empty; nothing was posted.")
            return
        embed = discord.Embed(title=TITLE, description=text)
        try:
            message = await thread.send(embed=embed, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("anonymous answer not posted in thread %s: %s", thread.id, exc)
            await send_private(
                interaction, "Discord refused the post; nothing was posted or stored."
            )
            return
        guild_id, member_id = interaction.guild_id, interaction.user.id
        self.posted_at.setdefault((guild_id, member_id), []).append(self.bot.now_seconds())
        opted_out = await self.participation.is_opted_out(guild_id, member_id)
        await self.store.record(
            AnonymousAnswer(
                message.id, guild_id, post_id, thread.id, member_id, not opted_out,
                self.bot.now_seconds(), len(text),
            )
        )  # fmt: skip
        log.info("anonymous answer %s relayed in thread %s", message.id, thread.id)
        view = BotView(timeout=None)
        view.add_item(DeleteButton(message.id))
        await send_private(
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
        if not link.linked:
            await send_private(
                interaction,
                "You erased the link to this answer, so the bot can no longer tell it is yours; "
                "a moderator can delete it for you.",
            )
            return
        if link.member_id != interaction.user.id:
            await send_private(interaction, "This button belongs to someone else's answer.")
            return
        if not await delete_relayed(self.bot, link.channel_id, message_id):
            await send_private(interaction, "Discord refused the deletion; please try again.")
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


COGS = [AnonymousCog, AnonymousModeration]
