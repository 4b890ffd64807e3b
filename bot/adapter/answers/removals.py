"""Reactions on prompt messages, and the events that take participation back: a deleted answer,
a reaction taken back, reactions cleared by a moderator. Removals go through the batch writer,
so rows still queued are dropped too.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.participation.rules import classify_reaction, reaction_row

if TYPE_CHECKING:
    from bot.adapter.answers.cog import AnswersCog

log = logging.getLogger(__name__)


class ReactionsAndDeletions:
    """Listeners of ``AnswersCog`` for reactions and deletions."""

    # --- deletions -------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_message_delete(
        self: AnswersCog, payload: discord.RawMessageDeleteEvent
    ) -> None:
        if self._may_hold_answers(payload.channel_id):
            await self.writer.delete_message(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(
        self: AnswersCog, payload: discord.RawBulkMessageDeleteEvent
    ) -> None:
        if self._may_hold_answers(payload.channel_id):
            for message_id in payload.message_ids:
                await self.writer.delete_message(message_id)

    def _may_hold_answers(self: AnswersCog, channel_id: int) -> bool:
        return channel_id in self.channels or self.index.lookup_thread(channel_id) is not None

    # --- reactions -------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_reaction_add(
        self: AnswersCog, payload: discord.RawReactionActionEvent
    ) -> None:
        member = payload.member
        is_bot = payload.user_id == self.bot.user.id or bool(member and member.bot)
        post = classify_reaction(is_bot, payload.message_id, self.index)
        if post is not None:
            now = self.bot.now_seconds()
            await self.writer.add(reaction_row(post, payload.user_id, now))

    @commands.Cog.listener()
    async def on_raw_reaction_remove(
        self: AnswersCog, payload: discord.RawReactionActionEvent
    ) -> None:
        """Any reaction taken back removes the member's reaction record on that prompt: Discord
        does not say whether the member still has another emoji there."""
        if self.index.lookup_message(payload.message_id) is not None:
            await self.writer.delete_reaction(payload.message_id, payload.user_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(
        self: AnswersCog, payload: discord.RawReactionClearEvent
    ) -> None:
        """A moderator removed every reaction on the message: its reaction records go too."""
        if self.index.lookup_message(payload.message_id) is not None:
            await self.writer.clear_reactions(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self: AnswersCog, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        """One emoji was cleared from the message. Discord does not say who had reacted with it,
        so, as when a member takes back any reaction, every reaction record there is removed."""
        if self.index.lookup_message(payload.message_id) is not None:
            await self.writer.clear_reactions(payload.message_id)
