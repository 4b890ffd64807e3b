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
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.adapter.acknowledge import acknowledge, tell
from bot.adapter.anonymous.erase import delete_relayed
from bot.adapter.anonymous.moderation import NO_PINGS, AnonymousModeration
from bot.adapter.anonymous.post_care import COG_NAME, AnswerButton, DeleteButton
from bot.adapter.anonymous.reconcile import TITLE, RelayReconciler
from bot.adapter.endpoints import message_link
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
from bot.anonymity.relay import answer_digest, new_token, relay_nonce
from bot.anonymity.types import PendingRelay

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

log = logging.getLogger(__name__)

UNCONFIRMED = (
    "Discord did not confirm the post. If your answer appears in the thread it will be linked "
    "to you and you will be told here; if not, nothing is stored."
)
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
        answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
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
        self.services = services
        self.store = services.stores.anonymous
        self.relays = services.stores.relays
        self.participation = services.stores.participation
        self.reconciler = RelayReconciler(bot, services, self.link_and_confirm)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(AnswerButton, DeleteButton)
        self.reconciler.start()

    async def cog_unload(self) -> None:
        await self.reconciler.stop()
        self.bot.remove_dynamic_items(AnswerButton, DeleteButton)

    # --- answering ---------------------------------------------------------------------------

    async def _refusal(
        self, interaction: discord.Interaction, post_id: int, sensitive: bool, *, limit: bool
    ) -> tuple[str | None, discord.Thread | None]:
        """Why this member cannot answer this post anonymously now (None: they can), and the
        thread the answer goes to. ``limit``: also refuse a member at their hourly limit (the
        limit itself is reserved with the relay, see ``RelayStore.reserve``)."""
        guild = self.services.settings.guild(interaction.guild_id)
        if guild is None or not offered(guild.anonymous_answers, sensitive):
            return TURNED_OFF, None
        if await self.store.is_stopped(guild.guild_id):
            return STOPPED, None
        # The member's own right to post in threads here (a channel overwrite or a timeout
        # that stops them speaking must stop the relay too; Discord resolves both into these).
        if not interaction.permissions.send_messages_in_threads:
            return MAY_NOT_POST, None
        since = self.services.now_seconds() - RATE_WINDOW
        used = await self.relays.used(guild.guild_id, interaction.user.id, since)
        if limit and used >= guild.anonymous_per_hour:
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
        refusal, _ = await self._refusal(interaction, post_id, sensitive, limit=True)
        if refusal:
            await send_private(interaction, refusal)
            return
        await interaction.response.send_modal(AnswerForm(post_id, sensitive))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A submitted answer form (see ``AnswerForm``)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
        if match is None:
            return
        text = submitted_text(list(data.get("components", [])))
        await self.relay(interaction, int(match["post"]), match["sensitive"] == "s", text)

    async def relay(
        self, interaction: discord.Interaction, post_id: int, sensitive: bool, text: str
    ) -> None:
        """The form was sent. Acknowledged first: a second process of the bot that got the same
        form is refused by Discord and stops there. Then checked again (time has passed), the
        hourly limit reserved with a pending record, posted under no name, and linked."""
        acknowledged = await acknowledge(interaction, ephemeral=True, thinking=True)
        if acknowledged is None:
            return
        text = text.strip()[:ANSWER_MAX]
        refusal, thread = await self._refusal(interaction, post_id, sensitive, limit=False)
        if refusal or not text:
            await tell(interaction, refusal or "Your answer was empty; nothing was posted.")
            return
        guild = self.services.settings.guild(interaction.guild_id)
        if guild is None or thread is None:  # _refusal found both, or said why not
            raise RuntimeError(f"an answer to post {post_id} passed its checks without a thread")
        member_id, now = interaction.user.id, self.services.now_seconds()
        pending = await self._same_answer(guild.guild_id, member_id, post_id, text)
        if pending is not None:  # the member sends again an answer that was interrupted
            await self._resend(interaction, pending, thread, text)
            return
        if await self._already_posted(interaction, guild.guild_id, post_id, text):
            return
        token = new_token()
        relay = await self.relays.reserve(
            PendingRelay(
                0, guild.guild_id, member_id, now, post_id, thread.id, len(text), token,
                answer_digest(token, text), interaction.token, acknowledged.reply_id,
            ),
            since=now - RATE_WINDOW,
            limit=guild.anonymous_per_hour,
        )  # fmt: skip
        if relay is None:
            await tell(interaction, rate_limited_text(guild.anonymous_per_hour))
            return
        with self.reconciler.sending(relay.relay_id):
            message = await self._send(interaction, relay, thread, text)
            if message is not None:
                await self.link_and_confirm(relay, message, interaction)

    async def _same_answer(
        self, guild_id: int, member_id: int, post_id: int, text: str
    ) -> PendingRelay | None:
        """The member's unfinished relay of this very text to this post, if any."""
        for relay in await self.relays.pending_of(guild_id, member_id, post_id):
            if answer_digest(relay.token, text) == relay.digest:
                return relay
        return None

    async def _already_posted(
        self, interaction: discord.Interaction, guild_id: int, post_id: int, text: str
    ) -> bool:
        """The member's answer of this very text to this post was relayed and linked within the
        hour (they sent it again, not having seen the confirmation, e.g. after a restart): they
        are answered with that answer's confirmation, and nothing is posted."""
        member_id = interaction.user.id
        since = self.services.now_seconds() - RATE_WINDOW
        for message_id, token, digest in await self.relays.posted_of(
            guild_id, member_id, post_id, since
        ):
            if answer_digest(token, text) != digest:
                continue
            link = await self.store.answer(message_id)
            if link is None or link.member_id != member_id:
                continue  # deleted meanwhile
            log.info("anonymous answer %s sent again: not posted twice", message_id)
            text, view = self._confirmation(link.guild_id, link.channel_id, message_id)
            await tell(interaction, text, view=view)
            return True
        return False

    async def _resend(
        self,
        interaction: discord.Interaction,
        relay: PendingRelay,
        thread: discord.Thread,
        text: str,
    ) -> None:
        """The same answer again while its first relay is unfinished: posted at most once.
        Found in the thread, it is linked; else it is sent with the first relay's nonce, so
        Discord returns the message if the first send did reach it."""
        if self.reconciler.in_flight(relay.relay_id):
            await tell(
                interaction,
                "Your answer is being posted already; it will appear in the thread in a moment. "
                "Nothing more was posted.",
            )
            return
        with self.reconciler.sending(relay.relay_id):
            try:
                message = await self.reconciler.find(relay, thread)
            except discord.HTTPException as exc:
                log.warning("history of thread %s not read: %s", thread.id, exc)
                message = None
            if message is None:
                message = await self._send(interaction, relay, thread, text)
            if message is not None:
                await self.link_and_confirm(relay, message, interaction)

    async def _send(
        self,
        interaction: discord.Interaction,
        relay: PendingRelay,
        thread: discord.Thread,
        text: str,
    ) -> discord.Message | None:
        """Post the answer; None when it was not posted (the member is told). Refused by
        Discord, the relay is dropped; unanswered, it stays pending for the reconciler."""
        embed = discord.Embed(title=TITLE, description=text)
        try:
            return await thread.send(
                embed=embed, allowed_mentions=NO_PINGS, nonce=relay_nonce(relay.token)
            )
        except discord.HTTPException as exc:
            if isinstance(exc, discord.DiscordServerError):
                log.warning("anonymous answer in thread %s unconfirmed: %s", thread.id, exc)
                await tell(interaction, UNCONFIRMED)
                return None
            log.warning("anonymous answer not posted in thread %s: %s", thread.id, exc)
            await self.relays.release(relay.relay_id)
            await tell(interaction, "Discord refused the post; nothing was posted or stored.")
            return None
        except (OSError, TimeoutError) as exc:
            log.warning("anonymous answer in thread %s unconfirmed: %s", thread.id, exc)
            await tell(interaction, UNCONFIRMED)
            return None

    async def link_and_confirm(
        self,
        relay: PendingRelay,
        message: discord.Message,
        interaction: discord.Interaction | None = None,
    ) -> None:
        """Link the relayed message to its author and tell them, with the Delete button: on
        ``interaction``, or later through the relay's interaction token while Discord takes it."""
        opted_out = await self.participation.is_opted_out(relay.guild_id, relay.member_id)
        await self.relays.link(relay, message.id, not opted_out, self.services.now_seconds())
        log.info("anonymous answer %s relayed in thread %s", message.id, relay.channel_id)
        text, view = self._confirmation(relay.guild_id, relay.channel_id, message.id)
        if interaction is not None:
            await tell(interaction, text, view=view)
        else:
            await self.reconciler.tell_later(relay, text, view)

    def _confirmation(self, guild_id: int, channel_id: int, message_id: int) -> tuple[str, BotView]:
        """What the author is told once their answer is posted, with the Delete button."""
        where = message_link(self.services.settings.api_base, guild_id, channel_id, message_id)
        text = (
            f"Your answer is posted anonymously: {where}\n"
            "Only you see this message. You can delete the answer with the button below."
        )
        view = BotView(timeout=None)
        view.add_item(DeleteButton(message_id))
        return text, view

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
