"""The posting core's ``Publisher`` on discord.py: the prompt embed, its thread and follow-ups,
finding an earlier post after a crash, and notices to the mod-log channel.

Mentions: a post pings only the channel's configured role (as the message content); nothing in
a prompt's text can ping anyone (embeds never ping, and ``allowed_mentions`` allows only that
role). Discord's refusals (403, 404, other 4xx) become ``PostRefused``; outages (5xx after
discord.py's own retries, network errors, timeouts, long rate limits) become ``PostUnavailable``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.config.settings import ChannelConfig, GuildConfig
from bot.posting.types import PostRefused, PostUnavailable, Published
from bot.prompts.model import Prompt

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot

log = logging.getLogger(__name__)

TITLE_MAX, THREAD_NAME_MAX, MESSAGE_MAX = 256, 100, 2000
HISTORY_LOOKBACK = 100  # messages searched for an earlier post after a crash


def prompt_embed(prompt: Prompt, theme_title: str) -> discord.Embed:
    """The question as title (as description when longer than a title may be), the context
    quote as a field, theme and source essay in the footer."""
    if len(prompt.question) <= TITLE_MAX:
        embed = discord.Embed(title=prompt.question)
    else:
        embed = discord.Embed(description=prompt.question)
    if prompt.context:
        embed.add_field(name="Context", value=prompt.context, inline=False)
    footer = f"Theme: {theme_title}" + (f" · From: {prompt.source}" if prompt.source else "")
    return embed.set_footer(text=footer)


def post_mentions(channel: ChannelConfig) -> tuple[str | None, discord.AllowedMentions]:
    """The message content and allowed mentions: the configured role, or nobody."""
    role = channel.ping_role_id
    allowed = discord.AllowedMentions(
        everyone=False,
        users=False,
        roles=[discord.Object(role)] if role else False,
        replied_user=False,
    )
    return (f"<@&{role}>" if role else None), allowed


def thread_name(prompt: Prompt) -> str:
    question = " ".join(prompt.question.split())
    if len(question) <= THREAD_NAME_MAX:
        return question
    return question[: THREAD_NAME_MAX - 1].rstrip() + "…"


@contextmanager
def discord_errors(where: str) -> Iterator[None]:
    """Turn discord.py's exceptions into the core's two failure kinds."""
    try:
        yield
    except discord.Forbidden as exc:
        raise PostRefused(f"missing permissions in {where} (403: {exc.text})") from exc
    except discord.NotFound as exc:
        raise PostRefused(f"{where} was not found (404: {exc.text})") from exc
    except discord.DiscordServerError as exc:
        raise PostUnavailable(f"Discord server error ({exc.status})") from exc
    except discord.RateLimited as exc:
        raise PostUnavailable(f"rate limited for {exc.retry_after:.0f}s") from exc
    except discord.HTTPException as exc:
        raise PostRefused(
            f"Discord refused the post in {where} ({exc.status}: {exc.text})"
        ) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise PostUnavailable(f"cannot reach Discord: {exc!r}") from exc


class DiscordPublisher:
    def __init__(self, bot: DiscussionBot) -> None:
        self.bot = bot

    async def publish(
        self, guild: GuildConfig, channel: ChannelConfig, prompt: Prompt, post_id: int
    ) -> Published:
        target = await self._channel(channel.channel_id)
        content, allowed = post_mentions(channel)
        embed = prompt_embed(prompt, self._theme_title(prompt))
        with discord_errors(f"<#{channel.channel_id}>"):
            message = await target.send(content=content, embed=embed, allowed_mentions=allowed)
        log.info("post %s: message %s in channel %s", post_id, message.id, channel.channel_id)
        thread = (
            await self._open_thread(guild, channel, message, prompt) if channel.thread else None
        )
        return Published(message.id, thread.id if thread else None)

    async def find_published(
        self, channel: ChannelConfig, prompt: Prompt, since: int
    ) -> Published | None:
        target = await self._channel(channel.channel_id)
        after = datetime.fromtimestamp(since - 1, UTC)
        with discord_errors(f"<#{channel.channel_id}>"):
            async for message in target.history(after=after, limit=HISTORY_LOOKBACK):
                if message.author.id == self.bot.user.id and _shows(message, prompt):
                    break
            else:
                return None
        thread = message.thread or (message.guild and message.guild.get_thread(message.id))
        if thread is None and channel.thread:
            guild = self.bot.guild_config(message.guild.id if message.guild else None)
            thread = await self._open_thread(guild, channel, message, prompt)
        log.info("found earlier post of %s: message %s", prompt.id, message.id)
        return Published(message.id, thread.id if thread else None)

    async def notify_mods(self, guild: GuildConfig, text: str) -> None:
        if guild.mod_log_channel_id is None:
            log.warning("notice for guild %s (no mod-log channel): %s", guild.guild_id, text)
            return
        try:
            target = await self._channel(guild.mod_log_channel_id)
            with discord_errors(f"<#{guild.mod_log_channel_id}>"):
                await target.send(
                    text[:MESSAGE_MAX], allowed_mentions=discord.AllowedMentions.none()
                )
        except (PostRefused, PostUnavailable) as exc:
            log.warning("could not send to mod-log of guild %s: %s (%s)", guild.guild_id, exc, text)

    # --- helpers -----------------------------------------------------------------------------

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        found = self.bot.get_channel(channel_id)
        if found is None:
            try:
                with discord_errors(f"channel {channel_id}"):
                    found = await self.bot.fetch_channel(channel_id)
            except PostRefused as exc:
                raise PostRefused(
                    f"channel {channel_id} does not exist or the bot cannot see it"
                    " (check channel_id in config.yaml and the bot's access)"
                ) from exc
        if not isinstance(found, discord.abc.Messageable):
            raise PostRefused(f"<#{channel_id}> is not a channel the bot can post messages in")
        return found

    async def _open_thread(
        self,
        guild: GuildConfig | None,
        channel: ChannelConfig,
        message: discord.Message,
        prompt: Prompt,
    ) -> discord.Thread | None:
        """The answers thread with the follow-ups in it. The message is already posted, so when
        Discord refuses the thread (no permission) or fails to create it (an outage), the post
        stands without one and moderators are told; it is never reported as failed."""
        try:
            with discord_errors(f"<#{channel.channel_id}>"):
                thread = await message.create_thread(
                    name=thread_name(prompt), auto_archive_duration=channel.auto_archive_minutes
                )
        except (PostRefused, PostUnavailable) as exc:
            if guild is not None:
                await self.notify_mods(guild, f"Posted `{prompt.id}` but no thread: {exc}")
            return None
        for followup in prompt.followups:
            try:
                with discord_errors(f"thread {thread.id}"):
                    await thread.send(followup, allowed_mentions=discord.AllowedMentions.none())
            except (PostRefused, PostUnavailable) as exc:
                log.warning("follow-up in thread %s not posted: %s", thread.id, exc)
        return thread

    def _theme_title(self, prompt: Prompt) -> str:
        theme = self.bot.library.theme(prompt.theme_id)
        return theme.title if theme else prompt.theme_id


def _shows(message: discord.Message, prompt: Prompt) -> bool:
    return any(prompt.question in (e.title, e.description) for e in message.embeds)
