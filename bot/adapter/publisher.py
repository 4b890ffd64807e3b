"""The posting core's ``Publisher`` on discord.py: the prompt embed, its thread and follow-ups,
finding an earlier post after a crash, and notices to the mod-log channel.

Mentions: a post pings only the channel's configured role (as the message content); nothing in
a prompt's text can ping anyone (embeds never ping, and ``allowed_mentions`` allows only that
role). Discord's refusals (403, 404, other 4xx) become ``PostRefused``; outages (5xx after
discord.py's own retries, network errors, timeouts, long rate limits, 429s past discord.py's
retries) become ``PostUnavailable``.

Identity: every message of a post is sent with a nonce derived from the post id (discord.py
sends it with ``enforce_nonce``), so a send repeated within Discord's few minutes returns the
message already created instead of a second one; and the embed's footer ends with ``post N``,
the marker recovery looks for in the channel's history (history does not carry nonces). A
claim is matched only to the message carrying its own post id, whatever order the history
comes in and however often the same prompt was posted.

Once Discord has accepted the message, nothing that fails afterwards (the thread refused, an
outage, an unexpected error or malformed answer) undoes the post: it is returned without a
thread and moderators are told.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.adapter.anonymous.post_care import answer_view, decorate_embed, pings_role, thread_intro
from bot.adapter.context import own_id
from bot.adapter.host_paths import without_host_paths
from bot.config.settings import ChannelConfig, GuildConfig, Settings
from bot.posting.types import PostRefused, PostUnavailable, Published
from bot.prompts.model import Prompt

if TYPE_CHECKING:
    from bot.posting.types import LibrarySource

log = logging.getLogger(__name__)

TITLE_MAX, THREAD_NAME_MAX, MESSAGE_MAX = 256, 100, 2000
HISTORY_LOOKBACK = 100  # messages searched for an earlier post after a crash
THREAD_LOOKBACK = 50  # messages read in a recovered post's thread for those already sent
THREAD_EXISTS = 160004  # Discord's code: a thread has already been created for this message
_MARKER = re.compile(r"(?:^| · )post (\d+)$")


def post_nonce(post_id: int, part: int | None = None) -> str:
    """The nonce of a post's message (``part`` None) or of its follow-up number ``part``;
    at most 25 characters, as Discord allows."""
    return f"post-{post_id}" if part is None else f"post-{post_id}-{part}"


def post_marker(message: discord.Message) -> int | None:
    """The post id in the footer of one of the bot's prompt embeds, if there is one."""
    for embed in message.embeds:
        found = _MARKER.search(embed.footer.text or "")
        if found:
            return int(found.group(1))
    return None


def prompt_embed(prompt: Prompt, theme_title: str, post_id: int | None = None) -> discord.Embed:
    """The question as title (as description when longer than a title may be), the context
    quote as a field, theme, source essay and (for a post, not a preview) the post's marker in
    the footer."""
    if len(prompt.question) <= TITLE_MAX:
        embed = discord.Embed(title=prompt.question)
    else:
        embed = discord.Embed(description=prompt.question)
    if prompt.context:
        embed.add_field(name="Context", value=prompt.context, inline=False)
    footer = f"Theme: {theme_title}" + (f" · From: {prompt.source}" if prompt.source else "")
    marker = f" · post {post_id}" if post_id is not None else ""
    return embed.set_footer(text=footer + marker)


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
    shown = f"Content warning: {prompt.content_warning}" if prompt.content_warning else None
    question = " ".join((shown or prompt.question).split())
    if len(question) <= THREAD_NAME_MAX:
        return question
    return question[: THREAD_NAME_MAX - 1].rstrip() + "…"


def discord_poll(prompt: Prompt) -> discord.Poll | None:
    """The prompt's poll as Discord takes it: the question, its answers, one or several
    choices, open for its hours."""
    if prompt.poll is None:
        return None
    poll = discord.Poll(
        question=prompt.question,
        duration=timedelta(hours=prompt.poll.hours),
        multiple=prompt.poll.multiselect,
    )
    for answer in prompt.poll.answers:
        poll.add_answer(text=answer)
    return poll


def with_poll_preview(embed: discord.Embed, prompt: Prompt) -> discord.Embed:
    """For a card that shows a prompt as it would post (``/topic review``): its poll as a
    field, since a poll cannot be shown without being one."""
    if prompt.poll is None:
        return embed
    poll = prompt.poll
    choice = "several answers" if poll.multiselect else "one answer"
    name = f"Poll · {choice} · open {poll.hours} hour{'s' if poll.hours != 1 else ''}"
    return embed.add_field(name=name, value="\n".join(f"▫️ {a}" for a in poll.answers), inline=False)


def post_title(prompt: Prompt) -> str:
    """A forum post's title: the question (or its content warning), cut at a word to at most
    100 characters."""
    shown = f"Content warning: {prompt.content_warning}" if prompt.content_warning else None
    text = " ".join((shown or prompt.question).split())
    if len(text) <= THREAD_NAME_MAX:
        return text
    cut = text[: THREAD_NAME_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def forum_tag_named(forum: discord.ForumChannel, name: str) -> discord.ForumTag | None:
    """The forum's tag of that name (case and surrounding spaces aside)."""
    wanted = name.strip().casefold()
    return next((t for t in forum.available_tags if t.name.strip().casefold() == wanted), None)


class TokenRejected(PostUnavailable):
    """Discord answered 401: the bot's token was reset or revoked while it runs (the gateway
    may stay open). Nothing is marked failed; the bot stops, as for a gateway close 4004."""


@contextmanager
def discord_errors(where: str, rejected: Callable[[], None] | None = None) -> Iterator[None]:
    """Turn discord.py's exceptions into the core's two failure kinds; a 401 also calls
    ``rejected`` (the bot's ``token_rejected``)."""
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
        if exc.status == 429:  # still rate limited after discord.py's own retries
            raise PostUnavailable(f"rate limited in {where} (429: {exc.text})") from exc
        if exc.status == 401:
            if rejected is not None:
                rejected()
            raise TokenRejected(f"Discord no longer accepts the bot's token ({where})") from exc
        raise PostRefused(
            f"Discord refused the post in {where} ({exc.status}: {exc.text})"
        ) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise PostUnavailable(f"cannot reach Discord: {exc!r}") from exc


class DiscordPublisher:
    """Posts through ``client``; ``settings`` name each guild's care note and mod-log, and
    ``library`` the theme titles shown in the footer."""

    def __init__(self, client: discord.Client, settings: Settings, library: LibrarySource) -> None:
        self.client = client
        self.settings = settings
        self.library = library

    def _errors(self, where: str) -> AbstractContextManager[None]:
        return discord_errors(where, getattr(self.client, "token_rejected", None))

    async def publish(
        self, guild: GuildConfig, channel: ChannelConfig, prompt: Prompt, post_id: int
    ) -> Published:
        target = await self._channel(channel.channel_id)
        content, allowed = post_mentions(channel)
        if not pings_role(channel, prompt):
            content, allowed = None, discord.AllowedMentions.none()
        embed = prompt_embed(prompt, self._theme_title(prompt), post_id)
        embed = decorate_embed(embed, prompt, guild)
        if isinstance(target, discord.ForumChannel):  # every prompt is a post of its own
            view = answer_view(guild, prompt, post_id)
            return await self._forum_post(
                target, guild, channel, prompt, post_id, content, allowed, embed, view
            )
        view = answer_view(guild, prompt, post_id) if channel.thread else None  # answers go there
        with self._errors(f"<#{channel.channel_id}>"):
            message = await target.send(
                content=content,
                embed=embed,
                allowed_mentions=allowed,
                view=view,  # type: ignore[arg-type]  # send takes None (its default): no view
                nonce=post_nonce(post_id),
                poll=discord_poll(prompt) or discord.utils.MISSING,
            )
        log.info("post %s: message %s in channel %s", post_id, message.id, channel.channel_id)
        thread = await self._completed(guild, channel, message, prompt, post_id)
        return Published(message.id, thread)

    async def find_published(
        self, channel: ChannelConfig, prompt: Prompt, since: int, post_id: int
    ) -> Published | None:
        target = await self._channel(channel.channel_id)
        after = datetime.fromtimestamp(since - 1, UTC)
        if isinstance(target, discord.ForumChannel):
            return await self._find_forum_post(target, channel, prompt, after, post_id)
        with self._errors(f"<#{channel.channel_id}>"):
            async for message in target.history(after=after, limit=HISTORY_LOOKBACK):
                if message.author.id == own_id(self.client) and post_marker(message) == post_id:
                    break
            else:
                return None
        log.info("found earlier post %s of %s: message %s", post_id, prompt.id, message.id)
        guild = self.settings.guild(message.guild.id if message.guild else None)
        thread = await self._completed(guild, channel, message, prompt, post_id)
        return Published(message.id, thread)

    async def notify_mods(self, guild: GuildConfig, text: str) -> None:
        if guild.mod_log_channel_id is None:
            log.warning("notice for guild %s (no mod-log channel): %s", guild.guild_id, text)
            return
        text = without_host_paths(text, self.settings)
        try:
            target = await self._channel(guild.mod_log_channel_id)
            if isinstance(target, discord.ForumChannel):
                raise PostRefused(
                    f"<#{guild.mod_log_channel_id}> is a forum: no message goes there"
                )
            with self._errors(f"<#{guild.mod_log_channel_id}>"):
                await target.send(
                    text[:MESSAGE_MAX], allowed_mentions=discord.AllowedMentions.none()
                )
        except (PostRefused, PostUnavailable) as exc:
            log.warning("could not send to mod-log of guild %s: %s (%s)", guild.guild_id, exc, text)

    # --- helpers -----------------------------------------------------------------------------

    async def _channel(self, channel_id: int) -> discord.abc.Messageable | discord.ForumChannel:
        found = self.client.get_channel(channel_id)
        if found is None:
            try:
                with self._errors(f"channel {channel_id}"):
                    found = await self.client.fetch_channel(channel_id)
            except PostRefused as exc:
                raise PostRefused(
                    f"channel {channel_id} does not exist or the bot cannot see it"
                    " (check channel_id in config.yaml and the bot's access)"
                ) from exc
        if not isinstance(found, discord.abc.Messageable | discord.ForumChannel):
            raise PostRefused(f"<#{channel_id}> is not a channel the bot can post messages in")
        return found

    async def _forum_post(
        self,
        forum: discord.ForumChannel,
        guild: GuildConfig,
        channel: ChannelConfig,
        prompt: Prompt,
        post_id: int,
        content: str | None,
        allowed: discord.AllowedMentions,
        embed: discord.Embed,
        view: discord.ui.View | None,
    ) -> Published:
        """A forum (or media) channel: the prompt is a post titled with its question, the
        embed its first message, with the theme's tag; follow-ups go inside. Discord takes no
        nonce for a post: recovery finds it by the ``post N`` marker of its first message."""
        tag = self._tag(forum, channel, prompt)
        with self._errors(f"<#{channel.channel_id}>"):
            created = await forum.create_thread(
                name=post_title(prompt),
                content=content,
                embed=embed,
                view=view or discord.utils.MISSING,
                allowed_mentions=allowed,
                applied_tags=[tag] if tag else [],
                auto_archive_duration=channel.auto_archive_minutes,
            )
        thread, message = created.thread, created.message
        log.info("post %s: forum post %s in channel %s", post_id, thread.id, channel.channel_id)
        try:
            await self._fill_thread(
                thread, guild, channel, prompt, post_id, fresh=True, intro=False
            )
        except Exception as exc:
            log.exception("post %s: the follow-ups of forum post %s failed", post_id, thread.id)
            await self.notify_mods(
                guild, f"Posted `{prompt.id}` but its follow-ups failed ({exc!r})"
            )
        return Published(message.id, thread.id)

    async def _find_forum_post(
        self,
        forum: discord.ForumChannel,
        channel: ChannelConfig,
        prompt: Prompt,
        after: datetime,
        post_id: int,
    ) -> Published | None:
        """The forum post of ``post_id`` among the forum's open posts the bot made since
        ``after`` (a post's first message has the post's id)."""
        with self._errors(f"<#{channel.channel_id}>"):
            for thread in sorted(forum.threads, key=lambda t: t.id):
                made = thread.created_at
                if thread.owner_id != own_id(self.client) or made is None or made < after:
                    continue
                try:
                    first = await thread.fetch_message(thread.id)
                except discord.NotFound:
                    continue
                if post_marker(first) == post_id:
                    break
            else:
                return None
        log.info("found earlier post %s of %s: forum post %s", post_id, prompt.id, thread.id)
        guild = self.settings.guild(forum.guild.id)
        try:
            await self._fill_thread(
                thread, guild, channel, prompt, post_id, fresh=False, intro=False
            )
        except Exception:
            log.exception("post %s: completing forum post %s failed", post_id, thread.id)
        return Published(first.id, thread.id)

    @staticmethod
    def _tag(
        forum: discord.ForumChannel, channel: ChannelConfig, prompt: Prompt
    ) -> discord.ForumTag | None:
        name = channel.forum_tag(prompt.theme_id)
        if name is None:
            return None
        tag = forum_tag_named(forum, name)
        if tag is None:
            log.warning("forum %s has no tag %r (theme %s)", forum.id, name, prompt.theme_id)
        return tag

    async def _completed(
        self,
        guild: GuildConfig | None,
        channel: ChannelConfig,
        message: discord.Message,
        prompt: Prompt,
        post_id: int,
    ) -> int | None:
        """The post's thread id once the thread exists with every follow-up in it (opened, or
        completed when an earlier attempt left it half done); None without a thread. Discord
        already holds the message, so no failure here may escape."""
        if not channel.thread:
            return None
        thread = None
        try:
            thread, fresh = await self._thread_of(guild, channel, message, prompt)
            if thread is not None:
                await self._fill_thread(thread, guild, channel, prompt, post_id, fresh=fresh)
        except Exception as exc:
            log.exception(
                "post %s: completing the thread of message %s failed", post_id, message.id
            )
            lost = "its follow-ups failed" if thread is not None else "no thread"
            text = f"Posted `{prompt.id}` but {lost}: unexpected error ({exc!r})"
            try:
                if guild is not None:
                    await self.notify_mods(guild, text)
            except Exception:
                log.exception("could not tell moderators: %s", text)
        return thread.id if thread is not None else None

    async def _thread_of(
        self,
        guild: GuildConfig | None,
        channel: ChannelConfig,
        message: discord.Message,
        prompt: Prompt,
    ) -> tuple[discord.Thread | None, bool]:
        """The message's answers thread, opened if missing, and whether it was opened just now.
        When Discord refuses it (no permission) or fails to create it (an outage), the post
        stands without one and moderators are told; it is never reported as failed."""
        try:
            with self._errors(f"<#{channel.channel_id}>"):
                if message.thread is not None:
                    return message.thread, False
                try:
                    name, archive = thread_name(prompt), channel.auto_archive_minutes
                    thread = await message.create_thread(name=name, auto_archive_duration=archive)
                    return thread, True
                except discord.HTTPException as exc:
                    if exc.code != THREAD_EXISTS:
                        raise
                    return await message.fetch_thread(), False  # an interrupted attempt's
        except (PostRefused, PostUnavailable) as exc:
            if guild is not None:
                await self.notify_mods(guild, f"Posted `{prompt.id}` but no thread: {exc}")
            return None, False

    async def _fill_thread(
        self,
        thread: discord.Thread,
        guild: GuildConfig | None,
        channel: ChannelConfig,
        prompt: Prompt,
        post_id: int,
        *,
        fresh: bool,
        intro: bool = True,
    ) -> None:
        """Post the thread's messages it does not hold yet (an earlier, interrupted attempt may
        have sent some): the care note and anonymous button first, if any, then the follow-ups
        when the channel has them at once (paced ones are sent by facilitation); each with its
        own nonce."""
        first = thread_intro(guild, prompt, post_id) if intro else None  # a forum post has it
        parts: list[tuple[str, discord.ui.View | None]] = [first] if first else []
        if channel.followups == "at_once":  # paced ones come with the conversation
            parts += [(followup, None) for followup in prompt.followups]
        sent: set[str] = set()
        if parts and not fresh:
            try:
                with self._errors(f"thread {thread.id}"):
                    async for m in thread.history(limit=THREAD_LOOKBACK, oldest_first=True):
                        if m.author.id == own_id(self.client):
                            sent.add(m.content)
            except (PostRefused, PostUnavailable) as exc:
                log.warning("thread %s: its messages not completed: %s", thread.id, exc)
                return
        for number, (text, view) in enumerate(parts):
            if text in sent:
                continue
            try:
                with self._errors(f"thread {thread.id}"):
                    await thread.send(
                        text,
                        view=view,  # type: ignore[arg-type]  # send takes None: no view
                        allowed_mentions=discord.AllowedMentions.none(),
                        nonce=post_nonce(post_id, number),
                    )
            except (PostRefused, PostUnavailable) as exc:
                log.warning("message %s of thread %s not posted: %s", number, thread.id, exc)

    def _theme_title(self, prompt: Prompt) -> str:
        theme = self.library.library.theme(prompt.theme_id)
        return theme.title if theme else prompt.theme_id
