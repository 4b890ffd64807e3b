"""Reactions on prompt messages, and the events that take participation back: a deleted answer,
a reaction taken back, reactions cleared by a moderator. Removals go through the batch writer,
so rows still queued are dropped too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import discord

from bot.adapter.answers.recorder import AnswerRecorder
from bot.adapter.context import own_id
from bot.participation.rules import classify_reaction, reaction_row
from bot.participation.writer import BatchWriter


class ReactionsAndDeletions:
    """Turns reaction and deletion events into writes and erasures."""

    def __init__(
        self,
        client: discord.Client,
        recorder: AnswerRecorder,
        writer: BatchWriter,
        now_seconds: Callable[[], int],
    ) -> None:
        self.client = client
        self.recorder = recorder
        self.writer = writer
        self.now_seconds = now_seconds

    async def messages_deleted(self, channel_id: int, message_ids: Iterable[int]) -> None:
        """Messages were deleted: any that were answers lose their records."""
        if self.recorder.may_hold_answers(channel_id):
            for message_id in message_ids:
                await self.writer.delete_message(message_id)

    async def reaction_added(self, payload: discord.RawReactionActionEvent) -> None:
        member = payload.member
        is_bot = payload.user_id == own_id(self.client) or bool(member and member.bot)
        post = classify_reaction(is_bot, payload.message_id, self.recorder.index)
        if post is not None:
            await self.writer.add(reaction_row(post, payload.user_id, self.now_seconds()))

    async def vote_added(self, message_id: int, member_id: int) -> None:
        """A vote in a prompt's poll (bots cannot vote): recorded as the member's reaction on
        the prompt."""
        post = classify_reaction(member_id == own_id(self.client), message_id, self.recorder.index)
        if post is not None:
            await self.writer.add(reaction_row(post, member_id, self.now_seconds()))

    async def reaction_removed(self, message_id: int, member_id: int) -> None:
        """Any reaction taken back removes the member's reaction record on that prompt: Discord
        does not say whether the member still has another emoji there."""
        if self.recorder.index.lookup_message(message_id) is not None:
            await self.writer.delete_reaction(message_id, member_id)

    async def reactions_cleared(self, message_id: int) -> None:
        """A moderator removed every reaction on the message, or every reaction with one emoji
        (Discord does not say who had reacted with it): its reaction records go."""
        if self.recorder.index.lookup_message(message_id) is not None:
            await self.writer.clear_reactions(message_id)
