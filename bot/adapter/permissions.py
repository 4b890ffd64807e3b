"""The permission self-check: in every channel the config names, can the bot do what posting
there needs? Run once when the bot is ready (each problem in the log and the mod-log) and by
``/topic check`` (to the moderator who asked), so a missing permission never shows up first as
a failed post.

Needed in a prompt channel: View Channel, Send Messages, Embed Links, Read Message History, Add
Reactions; with threads (or in a forum, where every prompt is a post) Create Public Threads (for
a forum: Create Posts) and Send Messages in Threads; with ``pin: true`` Manage Messages (in a
forum, where the post itself is pinned: Manage Threads). A
``/starter`` channel needs View Channel, Send Messages and Embed Links; the mod-log channel View
Channel and Send Messages. A channel of a kind the bot cannot post prompts into (voice, stage,
category) is named as such.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import discord

from bot.config.settings import ChannelConfig, GuildConfig

log = logging.getLogger(__name__)

VIEW, SEND = ("view_channel", "View Channel"), ("send_messages", "Send Messages")
EMBED = ("embed_links", "Embed Links")
HISTORY = ("read_message_history", "Read Message History")
REACT = ("add_reactions", "Add Reactions")
THREADS = ("create_public_threads", "Create Public Threads")
FORUM_POSTS = ("send_messages", "Create Posts")
IN_THREADS = ("send_messages_in_threads", "Send Messages in Threads")
PIN = ("manage_messages", "Manage Messages")
PIN_POSTS = ("manage_threads", "Manage Threads")  # pinning a forum post


@dataclass(frozen=True)
class ChannelCheck:
    """What one configured channel lacks: ``problem`` (not found, a kind the bot cannot post
    into) or the names of missing permissions; neither means all is well."""

    channel_id: int
    role: str  # "prompts", "starters" or "mod-log"
    missing: tuple[str, ...] = ()
    problem: str | None = None
    notes: tuple[str, ...] = ()  # e.g. a configured forum tag the forum does not have
    name: str | None = None  # the channel's name, for the log (Discord shows the mention)

    @property
    def ok(self) -> bool:
        return not self.missing and self.problem is None and not self.notes

    def line(self, *, for_log: bool = False) -> str:
        """As the mod-log and moderators read it (a channel mention), or for the log, where a
        mention would not show the channel: ``#name (id)``."""
        shown = f"#{self.name} ({self.channel_id})" if self.name else f"channel {self.channel_id}"
        where = f"{shown if for_log else f'<#{self.channel_id}>'} ({self.role})"
        if self.problem:
            return f"{where}: {self.problem}"
        parts = [f"missing {', '.join(self.missing)}"] if self.missing else []
        parts += self.notes
        return f"{where}: {'; '.join(parts)}" if parts else f"{where}: all permissions present"


def needed_for_prompts(channel: ChannelConfig, forum: bool) -> list[tuple[str, str]]:
    needed = [VIEW, EMBED, HISTORY, REACT]
    if forum:
        needed += [FORUM_POSTS, IN_THREADS]
    else:
        needed.insert(1, SEND)
        if channel.thread:
            needed += [THREADS, IN_THREADS]
    if channel.pin:
        needed.append(PIN_POSTS if forum else PIN)
    return needed


def postable(channel: object) -> bool:
    """A text, announcement, forum or media channel: where prompts can be posted."""
    return isinstance(channel, discord.TextChannel | discord.ForumChannel)


def kind_name(channel: object) -> str:
    kind = getattr(channel, "type", None)
    return f"a {str(kind).replace('_', ' ')} channel" if kind is not None else "not a channel"


def check_channel(
    guild: discord.Guild | None, channel_id: int, role: str, needed: list[tuple[str, str]] | None
) -> ChannelCheck:
    """``needed`` None: a prompt channel, whose needs depend on its kind (decided by the caller
    through ``check_guild``)."""
    channel = guild.get_channel(channel_id) if guild is not None else None
    if guild is None or channel is None:
        problem = "not found, or the bot cannot see it (check the id and the bot's access)"
        return ChannelCheck(channel_id, role, problem=problem)
    if not isinstance(channel, discord.abc.Messageable | discord.ForumChannel):
        problem = f"{kind_name(channel)}: the bot cannot post messages there"
        return ChannelCheck(channel_id, role, problem=problem, name=channel.name)
    allowed = channel.permissions_for(guild.me)
    lacking = (name for flag, name in needed or [] if not getattr(allowed, flag))
    missing = tuple(dict.fromkeys(lacking))
    return ChannelCheck(channel_id, role, missing, name=channel.name)


def check_guild(client: discord.Client, config: GuildConfig) -> list[ChannelCheck]:
    """Every channel the guild's config names, in config order (each checked once)."""
    guild = client.get_guild(config.guild_id)
    checks: list[ChannelCheck] = []
    for channel in config.channels:
        found = guild.get_channel(channel.channel_id) if guild is not None else None
        if found is not None and not postable(found):
            problem = f"{kind_name(found)}: the bot cannot post prompts there"
            checks.append(
                ChannelCheck(channel.channel_id, "prompts", problem=problem, name=found.name)
            )
            continue
        forum = isinstance(found, discord.ForumChannel)
        needed = needed_for_prompts(channel, forum)
        check = check_channel(guild, channel.channel_id, "prompts", needed)
        if isinstance(found, discord.ForumChannel) and channel.forum_tags:
            check = replace(check, notes=unknown_tags(found, channel))
        elif found is not None and channel.forum_tags:
            check = replace(check, notes=("forum_tags is set but this is not a forum channel",))
        checks.append(check)
    prompt_ids = {c.channel_id for c in config.channels}
    for channel_id in config.starter_channels:
        if channel_id not in prompt_ids:
            checks.append(check_channel(guild, channel_id, "starters", [VIEW, SEND, EMBED]))
    if config.mod_log_channel_id is not None:
        checks.append(check_channel(guild, config.mod_log_channel_id, "mod-log", [VIEW, SEND]))
    return checks


def unknown_tags(forum: discord.ForumChannel, channel: ChannelConfig) -> tuple[str, ...]:
    """A note for each ``forum_tags`` name the forum has no tag of (posts go without it)."""
    known = {t.name.strip().casefold() for t in forum.available_tags}
    return tuple(
        f"no forum tag named {tag!r} (for theme {theme}); its posts go untagged"
        for theme, tag in channel.forum_tags
        if tag.strip().casefold() not in known
    )


def report(checks: list[ChannelCheck], *, everything: bool) -> str:
    """The lines a moderator reads: only the problems (``everything`` False), or every channel."""
    lines = [c.line() for c in checks if everything or not c.ok]
    return "\n".join(lines)
