"""Relays the bot did not finish: the process stopped after Discord took the answer but before
the link was written, or before Discord took it. Every pending relay this process is not sending
is looked for in its thread: at the first look after the start for a relay already pending then,
else once it is ``LOOK_AFTER`` old. Found, it is linked and its author gets the confirmation with
the Delete button (through the interaction's token, while Discord accepts it). Not found, it is
looked for again at each pass and, once ``STALE_AFTER`` old (no process can still be sending
it), dropped: it stops counting toward the limit and the author is told.

The relayed message is recognised by the digest of the relay's token and the message's text
(history does not carry nonces), among the bot's own "Anonymous member" messages of the thread;
the earliest match not linked to another relay wins, whatever order the server lists history in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.adapter.acknowledge import NO_PINGS
from bot.adapter.context import message_channel
from bot.anonymity.policy import RATE_WINDOW
from bot.anonymity.relay import INTERACTION_TOKEN_LIFE, LOOK_AFTER, STALE_AFTER, answer_digest
from bot.anonymity.types import PendingRelay

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.anonymity.ports import RelayRecords
    from bot.app import Services

log = logging.getLogger(__name__)

TITLE = "Anonymous member"
PASS_EVERY = 10.0  # seconds between two looks at unfinished relays
HISTORY_SLACK = 300  # seconds before the relay started that its message is looked for from
HISTORY_LIMIT = 1000  # messages of the thread read to find it
NOT_POSTED = (
    "Your anonymous answer was not posted: the bot stopped before Discord took it. Nothing was "
    "posted or stored; please send it again."
)

Link = Callable[[PendingRelay, discord.Message], Awaitable[None]]


class RelayReconciler:
    def __init__(
        self,
        bot: DiscussionBot,
        services: Services,
        link: Link,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.services = services
        self.relays: RelayRecords = services.stores.relays
        self._link = link
        self._sleep = sleep
        self._sending: set[int] = set()
        self._task: asyncio.Task | None = None
        self._started = 0  # when this process started: relays pending then are no one's here

    # --- the loop ----------------------------------------------------------------------------

    def start(self) -> None:
        self._started = self.services.now_seconds()
        self._task = asyncio.create_task(self._run(), name="anonymous-relays")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("looking at unfinished anonymous answers failed; trying again")
            await self._sleep(PASS_EVERY)

    async def run_once(self) -> int:
        """Look for every unfinished relay this process is not sending (see the module's
        docstring); returns how many were settled (linked or dropped). The times kept for the
        hourly limit go once their hour is over."""
        now = self.services.now_seconds()
        await self.relays.expire(now - RATE_WINDOW)
        settled = 0
        for relay in await self.relays.pending_before(max(now - LOOK_AFTER, self._started)):
            if not self.services.settings.serves(relay.guild_id):
                continue  # another process's shard settles it
            if relay.relay_id not in self._sending and await self._settle(relay, now):
                settled += 1
        return settled

    # --- one relay ---------------------------------------------------------------------------

    def in_flight(self, relay_id: int) -> bool:
        return relay_id in self._sending

    @contextlib.contextmanager
    def sending(self, relay_id: int) -> Iterator[None]:
        """While this process sends the relay and links it, the reconciler leaves it alone."""
        self._sending.add(relay_id)
        try:
            yield
        finally:
            self._sending.discard(relay_id)

    async def _settle(self, relay: PendingRelay, now: int) -> bool:
        try:
            thread = message_channel(self.bot, relay.channel_id, relay.guild_id)
            message = await self.find(relay, thread)
        except discord.NotFound:
            message = None  # the thread is gone, and any answer with it
        except discord.HTTPException as exc:
            log.warning("unfinished anonymous answer %s: thread not read (%s)", relay.relay_id, exc)
            return False
        if self.in_flight(relay.relay_id):
            return False  # this process started sending it again meanwhile (the member resent it)
        if message is None:
            if relay.created_at > now - STALE_AFTER:
                return False  # another process may still be sending it: looked for again later
            if await self.relays.release(relay.relay_id):
                log.info("unfinished anonymous answer %s was never posted", relay.relay_id)
                await self.tell_later(relay, NOT_POSTED)
            return True
        log.info("unfinished anonymous answer %s found as %s", relay.relay_id, message.id)
        await self._link(relay, message)
        return True

    async def find(
        self, relay: PendingRelay, thread: discord.abc.Messageable
    ) -> discord.Message | None:
        """The relay's message in ``thread``, or None."""
        start = datetime.fromtimestamp(relay.created_at - HISTORY_SLACK, UTC)
        after = discord.Object(discord.utils.time_snowflake(start))
        me = self.bot.user.id if self.bot.user else None
        found = []
        async for message in thread.history(limit=HISTORY_LIMIT, after=after):
            embed = message.embeds[0] if message.embeds else None
            if message.author.id != me or embed is None or embed.title != TITLE:
                continue
            if answer_digest(relay.token, embed.description or "") == relay.digest:
                found.append(message)
        linked_to_it = None
        for message in sorted(found, key=lambda m: m.id):
            link = await self.relays.link_of(message.id)
            if link is None:
                return message
            if link.member_id == relay.member_id and linked_to_it is None:
                linked_to_it = message  # linked, then stopped before the relay was finished
        return linked_to_it

    async def tell_later(
        self, relay: PendingRelay, text: str, view: discord.ui.View | None = None
    ) -> bool:
        """Replace the member's "thinking" reply through the relay's interaction token, while
        Discord accepts it; the token is not kept afterwards. False if the member could not be
        told."""
        token, app_id = relay.interaction_token, self.bot.application_id
        if not token or app_id is None or relay.reply_id is None:
            return False
        await self.relays.forget_token(relay.relay_id)
        if self.services.now_seconds() - relay.created_at > INTERACTION_TOKEN_LIFE:
            return False
        webhook = discord.Webhook.partial(app_id, token, client=self.bot)
        try:
            if view is None:  # the reply keeps what it has
                await webhook.edit_message(relay.reply_id, content=text, allowed_mentions=NO_PINGS)
            else:
                await webhook.edit_message(
                    relay.reply_id, content=text, allowed_mentions=NO_PINGS, view=view
                )
        except discord.HTTPException as exc:
            log.warning("could not tell the author of relay %s: %s", relay.relay_id, exc)
            return False
        return True
