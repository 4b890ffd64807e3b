"""Pinned prompts (``pin: true`` on a channel): each new prompt message, scheduled or a
moderator's ``/topic post``, is pinned once it is recorded, and the bot's previous prompt in
that channel is unpinned first (making room under Discord's 50 pins).

Pinning never touches the post: it runs after the post is recorded, and whatever fails is only
reported. A missing Manage Messages permission and a channel at Discord's limit of 50 pins are
each told to the mod-log once per channel (again only after a pin there has worked since), and
nothing is retried: the next prompt simply tries once more.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.adapter.context import MessageChannel
from bot.posting.types import PostRecord

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services

log = logging.getLogger(__name__)

TOO_MANY_PINS = 30003  # Discord: maximum number of pins reached (50)
NO_PERMISSION = (
    "Could not pin the prompt in <#{channel}>: the bot lacks the {permission} permission"
    " there. Prompts are still posted; give the bot {permission} in that channel, or set"
    " `pin: false`."
)
FULL = (
    "Could not pin the prompt in <#{channel}>: the channel already has 50 pinned messages,"
    " Discord's limit. Prompts are still posted; unpin some messages to pin the next one."
)


class Pins(commands.Cog):
    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.posts = services.stores.posting.posts
        self.notices = services.posting.notices
        self.reported: set[tuple[int, str]] = set()  # (channel, reason) told to moderators

    @commands.Cog.listener()
    async def on_prompt_posted(self, post_id: object) -> None:
        if not isinstance(post_id, int):
            return
        try:
            await self.pin_post(post_id)
        except Exception:
            log.exception("pinning post %s failed", post_id)

    async def pin_post(self, post_id: int) -> None:
        post = await self.posts.post(post_id)
        if post is None or post.status != "posted" or post.message_id is None:
            return
        guild = self.services.settings.guild(post.guild_id)
        channel = (
            next((c for c in guild.channels if c.channel_id == post.channel_id), None)
            if guild
            else None
        )
        if channel is None or not channel.pin:
            return
        target = self.bot.get_channel(post.channel_id) or await self.bot.fetch_channel(
            post.channel_id
        )
        previous = await self.posts.previous_prompt(post)
        forum = isinstance(target, discord.ForumChannel)  # a forum pins the post itself
        if not forum and not isinstance(target, MessageChannel):
            return  # a category holds no message to pin
        if previous is not None:
            if isinstance(target, MessageChannel):
                await self._unpin(target, previous)
            else:
                await self._unpin_post(previous)
        try:
            if forum:
                thread = await self._thread(post.thread_id)
                if thread is None:
                    log.warning("post %s: forum post %s not found to pin", post.id, post.thread_id)
                    return
                await thread.edit(pinned=True, reason="discussion prompt")
            elif isinstance(target, MessageChannel):
                await target.get_partial_message(post.message_id).pin(reason="discussion prompt")
        except discord.HTTPException as exc:
            await self._failed(post, exc, "Manage Threads" if forum else "Manage Messages")
            return
        self.reported = {r for r in self.reported if r[0] != post.channel_id}
        log.info("post %s: message %s pinned", post.id, post.message_id)

    async def _unpin(self, target: MessageChannel, previous: PostRecord) -> None:
        if previous.message_id is None:  # a previous prompt was posted: it has its message
            return
        try:
            await target.get_partial_message(previous.message_id).unpin(
                reason="a newer discussion prompt is pinned"
            )
        except discord.NotFound:
            pass  # deleted meanwhile
        except discord.HTTPException as exc:
            log.warning("could not unpin message %s: %s", previous.message_id, exc)

    async def _thread(self, thread_id: int | None) -> discord.Thread | None:
        if thread_id is None:
            return None
        found = self.bot.get_channel(thread_id)
        if found is None:
            try:
                found = await self.bot.fetch_channel(thread_id)
            except discord.HTTPException as exc:
                log.info("forum post %s not found: %s", thread_id, exc)
                return None
        return found if isinstance(found, discord.Thread) else None

    async def _unpin_post(self, previous: PostRecord) -> None:
        thread = await self._thread(previous.thread_id)
        if thread is None or not thread.flags.pinned:
            return
        try:
            await thread.edit(pinned=False, reason="a newer discussion prompt is pinned")
        except discord.HTTPException as exc:
            log.info("could not unpin forum post %s: %s", previous.thread_id, exc)

    async def _failed(self, post: PostRecord, exc: discord.HTTPException, permission: str) -> None:
        if isinstance(exc, discord.Forbidden):
            reason, text = "permission", NO_PERMISSION
        elif exc.code == TOO_MANY_PINS:
            reason, text = "full", FULL
        else:
            log.warning("post %s: message %s not pinned: %s", post.id, post.message_id, exc)
            return
        log.warning("post %s: message %s not pinned (%s)", post.id, post.message_id, reason)
        if (post.channel_id, reason) in self.reported:
            return
        self.reported.add((post.channel_id, reason))
        guild = self.services.settings.guild(post.guild_id)
        if guild is not None:
            await self.notices.send(
                guild, text.format(channel=post.channel_id, permission=permission)
            )


COGS = [Pins]
