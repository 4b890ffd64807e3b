"""What moderators can ask the posting service: post now, skip, pause, resume, look ahead, reload.

Requests that cannot be done raise ``PostingError`` with a message meant for the moderator.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.config.settings import ChannelConfig, GuildConfig
from bot.posting.channels import ChannelDirectory
from bot.posting.delivery import Delivery
from bot.posting.library import LibraryWatch
from bot.posting.pacing import ts
from bot.posting.ports import ChannelStates, PostRecords
from bot.posting.rotation import PlannedPost, choose_next, plan_posts, pool_for
from bot.posting.types import ChannelSummary, HistoryEntry, Outcome, PostingError
from bot.prompts.model import Library, Prompt
from bot.schedule.cron import next_slot

log = logging.getLogger(__name__)

MANUAL_RETRY_WINDOW = timedelta(seconds=60)


class ModeratorControls:
    def __init__(
        self,
        directory: ChannelDirectory,
        posts: PostRecords,
        channels: ChannelStates,
        library: LibraryWatch,
        delivery: Delivery,
    ) -> None:
        self.directory = directory
        self.posts = posts
        self.channels = channels
        self.library = library
        self.delivery = delivery

    def find_channel(self, guild_id: int, channel_id: int) -> tuple[GuildConfig, ChannelConfig]:
        """The configured guild and channel; PostingError if the channel has no schedule."""
        return self.directory.find(guild_id, channel_id)

    async def post_now(
        self,
        guild_id: int,
        channel_id: int,
        *,
        theme_id: str | None = None,
        prompt_id: str | None = None,
        now: datetime,
        sensitive: bool = False,
    ) -> Outcome:
        """Post a prompt right away: the given one, the next of the given theme, or the next of
        the channel's rotation. Counts for the rotation like a scheduled post. ``sensitive``
        posts it as a heavy topic even if its prompt file does not say so."""
        guild, channel = self.find_channel(guild_id, channel_id)
        history = await self.posts.history(channel_id)
        prompt = pick_prompt(self.library.library, channel, history, theme_id, prompt_id)
        if sensitive:
            prompt = replace(prompt, sensitive=True)
        post_id = await self.posts.claim_manual(guild_id, channel_id, ts(now))
        await self.posts.set_prompt(post_id, prompt.id, prompt.theme_id)
        if sensitive:
            await self.posts.mark_sensitive(post_id)
        log.info("channel %s: moderator post of %s (post %s)", channel_id, prompt.id, post_id)
        deadline = now + MANUAL_RETRY_WINDOW
        return await self.delivery.deliver(guild, channel, post_id, prompt, now, deadline)

    async def skip(self, guild_id: int, channel_id: int, now: datetime) -> int:
        """Skip the channel's next scheduled post; returns how many skips are now pending."""
        self.find_channel(guild_id, channel_id)
        return await self.channels.request_skip(guild_id, channel_id, ts(now))

    async def pause(self, guild_id: int, channel_id: int, now: datetime) -> None:
        """Stop the channel's scheduled posts (its slots are recorded as skipped)."""
        self.find_channel(guild_id, channel_id)
        await self.channels.set_paused(guild_id, channel_id, True, ts(now))

    async def resume(self, guild_id: int, channel_id: int, now: datetime) -> None:
        """Restart the channel's scheduled posts."""
        self.find_channel(guild_id, channel_id)
        await self.channels.set_paused(guild_id, channel_id, False, ts(now))

    async def upcoming(
        self, guild_id: int, channel_id: int, now: datetime, count: int
    ) -> list[PlannedPost]:
        """The channel's next ``count`` slots and what each would post (pending skips shown)."""
        _, channel = self.find_channel(guild_id, channel_id)
        pool = pool_for(self.library.library, channel)
        history = await self.posts.history(channel_id)
        skips = await self.channels.pending_skips(channel_id)
        return plan_posts(pool, history, next_slots(channel, now, count), skips)

    async def schedule_summary(
        self, now: datetime, guild_id: int | None = None, count: int = 3
    ) -> list[ChannelSummary]:
        """Every configured channel (of ``guild_id`` if given) with its state and next slots."""
        out = []
        for guild, channel in self.directory.all():
            if guild_id is not None and guild.guild_id != guild_id:
                continue
            out.append(
                ChannelSummary(
                    guild.guild_id,
                    channel,
                    paused=await self.channels.is_paused(channel.channel_id),
                    pending_skips=await self.channels.pending_skips(channel.channel_id),
                    next_slots=next_slots(channel, now, count),
                )
            )
        return out

    async def reload(self) -> tuple[list, Library]:
        """Read the prompt files now; returns their problems (the old library stays in use when
        there are any) and the library in use afterwards."""
        problems = await self.library.reload()
        return problems, self.library.library


def next_slots(channel: ChannelConfig, now: datetime, count: int) -> list[datetime]:
    """The channel's next ``count`` slot times after ``now``."""
    slots: list[datetime] = []
    after = now
    for _ in range(count):
        try:
            after = next_slot(channel.cron, channel.timezone, after)
        except StopIteration:
            break
        slots.append(after)
    return slots


def pick_prompt(
    library: Library,
    channel: ChannelConfig,
    history: list[HistoryEntry],
    theme_id: str | None,
    prompt_id: str | None,
) -> Prompt:
    """The prompt a moderator's post-now uses; PostingError for unknown or disabled ids."""
    theme_id, prompt_id = (theme_id or "").strip(), (prompt_id or "").strip()
    if prompt_id:
        prompt = library.prompt(prompt_id)
        if prompt is None:
            raise PostingError(f"There is no prompt `{prompt_id}`.")
        if not prompt.enabled:
            raise PostingError(f"Prompt `{prompt_id}` is disabled in its prompt file.")
        if prompt.is_draft:
            raise PostingError(f"Prompt `{prompt_id}` is a draft awaiting review.")
        if theme_id and prompt.theme_id != theme_id:
            raise PostingError(f"Prompt `{prompt_id}` belongs to theme `{prompt.theme_id}`.")
        return prompt
    if theme_id:
        theme = library.theme(theme_id)
        if theme is None:
            raise PostingError(f"There is no theme `{theme_id}`.")
        pool = [p for p in theme.prompts if p.may_post]
        if not pool:
            raise PostingError(f"Theme `{theme_id}` has no enabled prompts.")
    else:
        pool = pool_for(library, channel)
        if not pool:
            raise PostingError(f"<#{channel.channel_id}> has no enabled prompts to draw from.")
    return choose_next(pool, history)[0]
