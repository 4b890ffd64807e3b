"""The bot: opens the store, loads feature cogs and syncs slash commands on start; closes them
in reverse on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ext import commands

from bot.adapter.cogs import CogFactory, default_cogs
from bot.adapter.facilitation import DiscordStepSender
from bot.adapter.gateway_guard import guard_parsers
from bot.adapter.interaction_gate import InteractionGate
from bot.adapter.publisher import DiscordPublisher
from bot.adapter.rest_pacing import RestPacer, in_background
from bot.adapter.tree import BotTree
from bot.app import Services, open_app
from bot.config.settings import Settings
from bot.posting.types import LibrarySource, Outcome

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def bot_intents() -> discord.Intents:
    """Default intents only: no privileged intent (no members, presences or message content).
    Without message content Discord sends an empty ``content`` for members' messages that do
    not mention the bot, so answer length is only known when content is given."""
    intents = discord.Intents.default()
    intents.message_content = False
    intents.members = False
    intents.presences = False
    return intents


class DiscussionBot(commands.Bot):
    """``settings`` and ``library_holder`` (anything with a ``.library``) are built in main()
    and passed down; ``clock`` returns an aware UTC datetime (tests inject their own)."""

    def __init__(
        self,
        settings: Settings,
        library_holder: LibrarySource,
        *,
        clock: Callable[[], datetime] = utc_now,
        cogs: Sequence[CogFactory] | None = None,
        **options: Any,
    ) -> None:
        # The bot never joins voice: no warnings about voice libraries at start-up.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # A rate limit longer than this is raised rather than slept through, so the scheduler
        # retries on its own terms (inside the slot's window) instead of blocking for minutes.
        options.setdefault("max_ratelimit_timeout", 60.0)
        # Every REST request waits its turn under the global rate limit (discord.py itself only
        # learns of that limit from a 429), which all processes of the bot share by their shards.
        sharding = settings.sharding
        share = len(sharding.ids) / sharding.count if sharding is not None else 1.0
        pacer = RestPacer.for_share(settings.global_rate_limit, share)
        options.setdefault("http_trace", pacer.trace())
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=BotTree,
            **options,
        )
        guard_parsers(self._connection.parsers)
        self.interaction_gate = InteractionGate(
            self._connection.parsers, self._claim, self._connection._view_store, self.is_closed
        )
        # What this process serves: with sharding, the guilds on its shards only. Commands are
        # registered for every configured guild (by the process holding shard 0).
        self.settings = settings.served()
        self.configured_guilds = settings.guilds
        self.library_holder = library_holder
        self.clock = clock
        self.token_revoked = False  # Discord answered 401 while running: ``run`` exits 2
        self._stopping: asyncio.Task | None = None
        self.commands_registered: asyncio.Task | None = None  # started by setup_hook
        self.cog_factories = list(default_cogs() if cogs is None else cogs)
        self.services: Services | None = None
        self._message_gates: tuple[tuple[Callable[..., bool], Callable[..., None] | None], ...]
        self._message_gates = ()

    def _claim(self) -> Callable[[int], Awaitable[bool]] | None:
        """How an interaction is claimed among the processes on this database (None before the
        database is open)."""
        if self.services is None:
            return None
        services = self.services
        return lambda interaction_id: services.stores.claims.claim(
            interaction_id, services.now_seconds()
        )

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """A message is dispatched only if a cog wants it (``wants_message``): discord.py runs
        every listener as a task, and most messages the bot sees are in channels it has nothing
        to do with. A cog that also has ``take_message(message)`` gets it by a plain call, with
        no task at all (answers arrive in bursts). The bot has no prefix commands, so nothing
        else reads messages."""
        if event_name == "message" and not self._deliver_message(args[0]):
            return
        super().dispatch(event_name, *args, **kwargs)

    def _deliver_message(self, message: discord.Message) -> bool:
        """Hand the message to the cogs that want it and take it directly; True if it must
        still go through discord.py's listeners (a cog wants it without ``take_message``)."""
        gates = self._message_gates
        if not gates:
            return True
        listeners = False
        for wants, take in gates:
            if wants(message):
                if take is None:
                    listeners = True
                else:
                    take(message)
        return listeners

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: skip discord.py's command parsing of every dispatched message."""

    def wants_message(self, message: discord.Message) -> bool:
        """True if a loaded cog's ``wants_message(message)`` says so; with no cog defining it,
        every message is dispatched. A cog listening to ``on_message`` must define it."""
        gates = self._message_gates
        return not gates or any(wants(message) for wants, _ in gates)

    async def add_cog(self, cog: commands.Cog, /, **kwargs: Any) -> None:
        """Refuses a cog that listens to messages without a gate: ``dispatch`` would never
        hand it a message, so its listener would silently never run."""
        listens = any(name == "on_message" for name, _ in cog.get_listeners())
        if listens and not hasattr(cog, "wants_message"):
            raise TypeError(
                f"cog {cog.qualified_name} listens to on_message but has no wants_message(message)"
                " gate: the bot dispatches a message only to cogs that say they want it"
            )
        await super().add_cog(cog, **kwargs)
        self._refresh_message_gates()

    async def remove_cog(self, name: str, /, **kwargs: Any) -> commands.Cog | None:
        cog = await super().remove_cog(name, **kwargs)
        self._refresh_message_gates()
        return cog

    def _refresh_message_gates(self) -> None:
        self._message_gates = tuple(
            (c.wants_message, getattr(c, "take_message", None))
            for c in self.cogs.values()
            if hasattr(c, "wants_message")
        )

    async def setup_hook(self) -> None:
        self.services = await open_app(
            self.settings,
            self.library_holder,
            publisher=DiscordPublisher(self, self.settings, self.library_holder),
            sender=DiscordStepSender(self),
            on_posted=self.announce_post,
            clock=self.clock,
        )
        log.info("database %s open", self.settings.database)
        self.services.writer.start()  # writes what is queued every second; close() stops it
        for factory in self.cog_factories:
            await self.add_cog(factory(self, self.services))
        # Registered while the bot connects, yielding to every other request (a bot in a
        # thousand servers registers them a thousand times): posts due at start go first.
        self.commands_registered = asyncio.get_running_loop().create_task(
            self._register_commands(), name="register-commands"
        )

    async def _register_commands(self) -> None:
        with in_background():
            try:
                await self.sync_commands()
            except Exception:
                log.exception("registering the slash commands failed")

    def token_rejected(self) -> None:
        """Discord answered a REST call with 401: the token was reset or revoked while the
        gateway stays open. Every later call would fail the same way, so the bot stops, as for
        a gateway close 4004; ``python -m bot run`` then exits 2 with the same line."""
        if self.token_revoked:
            return
        self.token_revoked = True
        log.critical("Discord answered 401 Unauthorized: the bot's token was reset; stopping")
        self._stopping = asyncio.get_running_loop().create_task(self.close(), name="stop")

    def announce_post(self, outcome: Outcome) -> None:
        """A post was recorded (scheduled or a moderator's): whoever records answers starts at
        once, not when the whole scheduler pass ends."""
        self.dispatch("prompt_posted", outcome.post_id)

    async def sync_commands(self) -> None:
        """Register the slash commands in each configured guild (instant, unlike global
        commands); with no guild configured, register them globally. With sharding, only the
        process holding shard 0 registers them, for every configured guild (a guild's
        commands are registered over REST, whichever shard it is on)."""
        guilds = [discord.Object(g.guild_id) for g in self.configured_guilds]
        for guild in guilds:
            self.tree.copy_global_to(guild=guild)
        sharding = self.settings.sharding
        if sharding is not None and not sharding.syncs_commands:
            log.info("%s: slash commands are registered by the process holding shard 0", sharding)
            return
        if not guilds:
            await self.tree.sync()
            return
        for guild in guilds:
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException as exc:
                log.error("cannot register commands in guild %s: %s", guild.id, exc)
                continue
            log.info("registered %d commands in guild %s", len(synced), guild.id)

    async def close(self) -> None:
        """Unload cogs first (they stop their work, and may still use Discord and the
        database), then write what is queued, then disconnect, then close the database."""
        registering = self.commands_registered
        if registering is not None and not registering.done():
            registering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await registering
        for name in list(self.cogs):
            try:
                await self.remove_cog(name)
            except Exception:
                log.exception("closing cog %s failed", name)
        services = self.services
        try:
            if services is not None:
                await services.stop()
        except Exception:
            log.exception("writing the queued participation records failed")
        try:
            await super().close()
        finally:
            if services is not None:
                self.services = None
                await services.stores.close()
                log.info("database closed")


class ShardedDiscussionBot(DiscussionBot, commands.AutoShardedBot):
    """The bot on the shards ``settings.sharding`` names: discord.py's ``AutoShardedBot``, one
    gateway connection per shard, each hearing only its shard's guilds. Everything else is
    ``DiscussionBot``'s."""


def make_bot(settings: Settings, library_holder: LibrarySource, **options: Any) -> DiscussionBot:
    """The bot for ``settings``: sharded when ``shard_count`` (or ``SHARD_COUNT``) is set."""
    sharding = settings.sharding
    if sharding is None:
        return DiscussionBot(settings, library_holder, **options)
    log.info("running %s", sharding)
    return ShardedDiscussionBot(
        settings,
        library_holder,
        shard_count=sharding.count,
        shard_ids=list(sharding.ids),
        **options,
    )
