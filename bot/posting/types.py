"""The posting package's data types and the interfaces it is handed: the publisher (what the
service needs from Discord; no discord.py here) with its two failure kinds, the prompt library
source, the records the store returns, and the results the service reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from bot.config.settings import ChannelConfig, GuildConfig
from bot.errors import Problem, Refusal
from bot.prompts.model import Library, Prompt


class PostRefused(Exception):
    """Discord will not take this post (missing permissions, unknown channel): do not retry."""


class PostUnavailable(Exception):
    """Discord could not be reached or failed on its side: worth retrying a little later."""


class PostingError(Refusal):
    """A moderator asked for something that cannot be done; the message says why."""


@dataclass(frozen=True)
class Published:
    message_id: int
    thread_id: int | None = None


PostKind = Literal["scheduled", "manual"]  # a slot of the schedule, or a moderator's post
PostStatus = Literal["claimed", "posted", "failed", "skipped"]


class Publisher(Protocol):
    """What the service needs from Discord (the adapter implements it)."""

    async def publish(
        self, guild: GuildConfig, channel: ChannelConfig, prompt: Prompt, post_id: int
    ) -> Published:
        """Post the prompt (embed, thread, follow-ups) under the identity of ``post_id``, so a
        repeated call does not post twice and ``find_published`` can recognise the message;
        raise PostRefused or PostUnavailable only while Discord has not accepted the message."""

    async def find_published(
        self, channel: ChannelConfig, prompt: Prompt, since: int, post_id: int
    ) -> Published | None:
        """The bot's own message of post ``post_id`` (showing ``prompt``) in the channel, sent
        at or after ``since`` (Unix seconds), with its thread and follow-ups completed if an
        interrupted attempt left them missing; None if Discord has none. Only the message that
        carries this post's own identity is ever returned."""

    async def notify_mods(self, guild: GuildConfig, text: str) -> None:
        """A notice to the guild's mod-log channel (or the log when there is none)."""


@dataclass(frozen=True)
class HistoryEntry:
    """One prompt a channel used, for the rotation."""

    prompt_id: str
    theme_id: str
    posted_at: int  # Unix seconds


@dataclass(frozen=True)
class PostRecord:
    """One row of the posts table: a claimed slot or a moderator's post, and what became of it.
    Times are Unix seconds (UTC)."""

    id: int
    guild_id: int
    channel_id: int
    slot: int | None  # the scheduled slot; None for a moderator's post
    kind: PostKind
    status: PostStatus
    prompt_id: str | None
    theme_id: str | None
    message_id: int | None
    thread_id: int | None
    claimed_at: int
    posted_at: int | None
    error: str | None
    attempts: int  # hand-outs after a crash (a scheduled claim is retried once)


class LibrarySource(Protocol):
    """Where the current prompt library comes from (``bot.prompts.loader.LibraryHolder``)."""

    library: Library

    def reload(self) -> list[Problem]: ...

    def changed(self) -> bool: ...


@dataclass(frozen=True)
class Outcome:
    """What happened to one channel's slot (or a moderator's post) in one pass.

    ``status`` is ``posted``, ``skipped``, ``failed``, ``error`` (an unexpected exception,
    logged), ``deferred`` (too late in the claim to try again: left to crash recovery, which
    looks on Discord first) or ``taken over`` (another process completed the claim meanwhile);
    ``reason`` says why (``paused``, ``skip requested``, ``missed``, an error text).
    """

    channel_id: int
    status: str
    slot: datetime | None = None
    post_id: int | None = None
    prompt_id: str | None = None
    reason: str = ""
    message_id: int | None = None
    thread_id: int | None = None


@dataclass(frozen=True)
class ChannelSummary:
    """One channel's schedule as ``/topic schedule`` shows it."""

    guild_id: int
    channel: ChannelConfig
    paused: bool
    pending_skips: int
    next_slots: list[datetime] = field(default_factory=list)
