"""Facilitation's ``StepSender`` on discord.py: whether a thread is open, sending a step (no
one mentioned, with its nonce), finding one a crash left unrecorded, and the welcome reaction."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import discord

from bot.adapter.context import own_id
from bot.adapter.publisher import MESSAGE_MAX, discord_errors
from bot.facilitation.types import StepRefused, StepUnavailable
from bot.posting.types import PostRefused, PostUnavailable

log = logging.getLogger(__name__)

LOOKBACK = 50  # messages of a thread searched for a step a crash left unrecorded


class DiscordStepSender:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _thread(self, thread_id: int) -> discord.Thread | None:
        found = self.client.get_channel(thread_id)
        if found is None:
            try:
                with discord_errors(f"thread {thread_id}"):
                    found = await self.client.fetch_channel(thread_id)
            except PostRefused:
                return None
            except PostUnavailable as exc:
                raise StepUnavailable(str(exc)) from exc
        return found if isinstance(found, discord.Thread) else None

    async def thread_open(self, thread_id: int) -> bool:
        try:
            thread = await self._thread(thread_id)
        except StepUnavailable:
            return False
        return thread is not None and not thread.archived and not thread.locked

    async def send_step(self, thread_id: int, text: str, nonce: str) -> int:
        thread = await self._thread(thread_id)
        if thread is None:
            raise StepRefused(f"thread {thread_id} is gone")
        try:
            with discord_errors(f"thread {thread_id}"):
                message = await thread.send(
                    text[:MESSAGE_MAX],
                    allowed_mentions=discord.AllowedMentions.none(),
                    nonce=nonce,
                )
        except PostRefused as exc:
            raise StepRefused(str(exc)) from exc
        except PostUnavailable as exc:
            raise StepUnavailable(str(exc)) from exc
        return message.id

    async def find_step(self, thread_id: int, text: str, since: int) -> int | None:
        thread = await self._thread(thread_id)
        if thread is None:
            return None
        after = datetime.fromtimestamp(since - 1, UTC)
        try:
            with discord_errors(f"thread {thread_id}"):
                async for message in thread.history(after=after, limit=LOOKBACK):
                    if message.author.id == own_id(self.client) and message.content == text:
                        return message.id
        except PostRefused:
            return None
        except PostUnavailable as exc:
            raise StepUnavailable(str(exc)) from exc
        return None

    async def welcome(self, channel_id: int, message_id: int, emoji: str) -> None:
        channel = self.client.get_partial_messageable(channel_id)
        try:
            with discord_errors(f"<#{channel_id}>"):
                await channel.get_partial_message(message_id).add_reaction(emoji)
        except (PostRefused, PostUnavailable) as exc:
            log.warning("no welcome reaction on message %s: %s", message_id, exc)
