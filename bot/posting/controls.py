"""What moderators can ask the posting service: post now, skip, pause, resume, look ahead, reload.

Mixed into ``PostingService`` (which provides ``settings``, ``store``, ``holder``, ``channels()``,
``deliver()`` and ``reload_library()``). Requests that cannot be done raise ``PostingError``
with a message meant for the moderator.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.config.settings import ChannelConfig, GuildConfig
from bot.posting.delivery import ts
from bot.posting.rotation import HistoryEntry, PlannedPost, choose_next, plan_posts, pool_for
from bot.posting.types import ChannelSummary, Outcome, PostingError
from bot.prompts.model import Library, Prompt
from bot.schedule.cron import next_slot

log = logging.getLogger(__name__)

MANUAL_RETRY_WINDOW = timedelta(seconds=60)


class ModeratorControls:
    def find_channel(self, guild_id: int, channel_id: int) -> tuple[GuildConfig, ChannelConfig]:
        """The configured guild and channel; PostingError if the channel has no schedule."""
        for guild, channel in self.channels():
            if guild.guild_id == guild_id and channel.channel_id == channel_id:
                return guild, channel
        raise PostingError(f"<#{channel_id}> is not a discussion channel in the bot's config.")

    async def post_now(
        self,
        guild_id: int,
        channel_id: int,
        *,
        theme_id: str | None = None,
        prompt_id: str | None = None,
        now: datetime,
    ) -> Outcome:
        """Post a prompt right away: the given one, the next of the given theme, or the next of
        the channel's rotation. Counts for the rotation like a scheduled post."""
        guild, channel = self.find_channel(guild_id, channel_id)
        history = await self.store.history(channel_id)
        prompt = pick_prompt(self.holder.library, channel, history, theme_id, prompt_id)
        post_id = await self.store.claim_manual(guild_id, channel_id, ts(now))
        await self.store.set_prompt(post_id, prompt.id, prompt.theme_id)
        log.info("channel %s: moderator post of %s (post %s)", channel_id, prompt.id, post_id)
        return await self.deliver(guild, channel, post_id, prompt, now, now + MANUAL_RETRY_WINDOW)

    async def skip(self, guild_id: int, channel_id: int, now: datetime) -> int:
        """Skip the channel's next scheduled post; returns how many skips are now pending."""
        self.find_channel(guild_id, channel_id)
        return await self.store.request_skip(guild_id, channel_id, ts(now))

    async def pause(self, guild_id: int, channel_id: int, now: datetime) -> None:
        self.find_channel(guild_id, channel_id)
        await self.store.set_paused(guild_id, channel_id, True, ts(now))

    async def resume(self, guild_id: int, channel_id: int, now: datetime) -> None:
        self.find_channel(guild_id, channel_id)
        await self.store.set_paused(guild_id, channel_id, False, ts(now))

    async def upcoming(
        self, guild_id: int, channel_id: int, now: datetime, count: int
    ) -> list[PlannedPost]:
        """The channel's next ``count`` slots and what each would post (pending skips shown)."""
        _, channel = self.find_channel(guild_id, channel_id)
        pool = pool_for(self.holder.library, channel)
        history = await self.store.history(channel_id)
        skips = await self.store.pending_skips(channel_id)
        return plan_posts(pool, history, next_slots(channel, now, count), skips)

    async def schedule_summary(
        self, now: datetime, guild_id: int | None = None, count: int = 3
    ) -> list[ChannelSummary]:
        """Every configured channel (of ``guild_id`` if given) with its state and next slots."""
        out = []
        for guild, channel in self.channels():
            if guild_id is not None and guild.guild_id != guild_id:
                continue
            out.append(
                ChannelSummary(
                    guild.guild_id,
                    channel,
                    paused=await self.store.is_paused(channel.channel_id),
                    pending_skips=await self.store.pending_skips(channel.channel_id),
                    next_slots=next_slots(channel, now, count),
                )
            )
        return out

    async def reload(self) -> tuple[list, Library]:
        """Read the prompt files now; returns their problems (the old library stays in use when
        there are any) and the library in use afterwards."""
        problems = await self.reload_library()
        return problems, self.holder.library


def next_slots(channel: ChannelConfig, now: datetime, count: int) -> list[datetime]:
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
        pool = [p for p in theme.prompts if p.enabled and not p.is_draft]
        if not pool:
            raise PostingError(f"Theme `{theme_id}` has no enabled prompts.")
    else:
        pool = pool_for(library, channel)
        if not pool:
            raise PostingError(f"<#{channel.channel_id}> has no enabled prompts to draw from.")
    return choose_next(pool, history)[0]
