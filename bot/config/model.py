"""The typed settings the config file becomes: built once at start and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Literal

from bot.anonymity.types import AnonymousMode
from bot.config.database import Database, parse_database
from bot.config.sharding import Sharding

DEFAULT_DATABASE = Database(Path("data/bot.sqlite3"))
ArchiveMinutes = Literal[60, 1440, 4320, 10080]  # what Discord offers for a thread


@dataclass(frozen=True)
class ChannelConfig:
    channel_id: int
    cron: str  # five-field cron expression, evaluated in ``timezone``
    timezone: str  # IANA name, e.g. "Europe/London"
    themes: tuple[str, ...] = ()  # theme ids this channel draws from; empty = all
    prompts: tuple[str, ...] = ()  # prompt ids this channel draws from; empty = all
    thread: bool = True
    auto_archive_minutes: ArchiveMinutes = 1440
    ping_role_id: int | None = None
    catch_up: timedelta = timedelta(hours=1)
    ping_sensitive: bool = False  # ping the role with sensitive prompts too
    # Follow-ups in the thread: "paced" by the conversation, or "at_once" with the post.
    followups: str = "paced"
    followup_after_answers: int = 3  # answers before the next follow-up
    followup_after_hours: float = 6.0  # or this much silence after at least one answer
    quiet_hours: tuple[int, int] | None = None  # (start, end) minutes after local midnight
    nudge_after_hours: float | None = 24.0  # one nudge for a thread with no answer; None = off
    pin: bool = False  # pin each new prompt, unpin the bot's previous one in the channel
    forum_tags: tuple[tuple[str, str], ...] = ()  # (theme id, tag name) for a forum's posts

    def forum_tag(self, theme_id: str) -> str | None:
        """The name of the forum tag a prompt of this theme is posted with, if any."""
        return next((tag for theme, tag in self.forum_tags if theme == theme_id), None)


@dataclass(frozen=True)
class DigestConfig:
    cron: str = "0 9 * * MON"
    timezone: str = "UTC"


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    moderator_role_ids: tuple[int, ...] = ()
    mod_log_channel_id: int | None = None
    channels: tuple[ChannelConfig, ...] = ()
    digest: DigestConfig | None = None  # weekly digest to the mod-log channel; None = off
    max_pending_suggestions: int = 3  # per member
    max_suggestions_per_day: int = 5  # per member, any 24 hours
    # Anonymous answers and care for heavy topics.
    anonymous_answers: AnonymousMode = "off"  # config: false, true or sensitive
    reveal_role_ids: tuple[int, ...] = ()  # who may look up an anonymous author; none = no one
    anonymous_per_hour: int = 5  # anonymous answers a member may post per hour
    care_note: str | None = None  # shown with sensitive prompts
    support_links: tuple[str, ...] = ()  # shown with sensitive prompts, under the care note
    welcome_first_answer: bool = False  # react to a member's first recorded answer
    welcome_emoji: str = "🌱"
    timezone: str | None = None  # charts' display timezone; None = the first channel's
    # /starter: where members may ask for a conversation starter, how often.
    starter_channels: tuple[int, ...] = ()
    starter_cooldown: timedelta = timedelta(minutes=10)  # per channel
    starter_daily_limit: int = 5  # starters one member may ask for in any 24 hours

    @property
    def display_timezone(self) -> str:
        """The IANA timezone charts show times in: ``timezone``, else the first channel's,
        else UTC."""
        if self.timezone:
            return self.timezone
        return self.channels[0].timezone if self.channels else "UTC"


@dataclass(frozen=True)
class Settings:
    database: Database = DEFAULT_DATABASE  # a path or URL, parsed once
    prompts_dir: Path = Path("prompts")
    log_level: str = "INFO"
    retention_days: int | None = None  # participation rows older than this are purged daily
    guilds: tuple[GuildConfig, ...] = field(default_factory=tuple)
    # A self-hosted Discord-compatible server; None means Discord itself.
    api_base: str | None = None  # e.g. http://127.0.0.1:8080/api/v10
    gateway_url: str | None = None  # e.g. ws://127.0.0.1:8080/gateway
    # The shards this process runs (shard_count / shard_ids); None = one unsharded connection.
    sharding: Sharding | None = None
    # REST requests a second Discord allows the bot's token (its global rate limit).
    global_rate_limit: int = 50

    def __post_init__(self) -> None:
        # A path given in code (tests, the demo) is parsed like the config file's value.
        if not isinstance(self.database, Database):
            object.__setattr__(self, "database", parse_database(self.database))

    def guild(self, guild_id: int | None) -> GuildConfig | None:
        """The configured guild with this id, if any."""
        return next((g for g in self.guilds if g.guild_id == guild_id), None)

    def serves(self, guild_id: int) -> bool:
        """True if this process handles the guild: it is on one of its shards (every guild
        when the bot is not sharded)."""
        return self.sharding is None or self.sharding.serves(guild_id)

    def served(self) -> Settings:
        """These settings with only the guilds on this process's shards: what it schedules,
        posts to, checks and reports on."""
        if self.sharding is None:
            return self
        return replace(self, guilds=tuple(g for g in self.guilds if self.serves(g.guild_id)))
