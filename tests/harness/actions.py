"""What members and Discord do, as one-line test steps on a FakeDiscord."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.devserver import events, payloads, polls
from bot.devserver.payloads import Payload

from .interactions import InteractionBuilder, Replies


class Actions:
    """Mixed into FakeDiscord; every step goes through the gateway and settles."""

    async def connect(self, *guilds: Payload) -> None:
        """What follows login: GUILD_CREATE for each guild (each must list the bot as a member),
        then the client becomes ready and ``on_ready`` runs."""
        before = asyncio.all_tasks()
        for data in guilds:
            if not any(m["user"]["id"] == self.bot_user["id"] for m in data["members"]):
                raise ValueError("the guild must list the bot member: use fd.bot_member(...)")
            await self._feed("GUILD_CREATE", data, to_peers=False)
        self.bot._ready.set()
        self.bot.dispatch("ready")
        await self.settle(before)

    def bot_member(self, roles: list[int] | tuple[int, ...] = ()) -> Payload:
        """The bot's own member object, to list in a guild's members."""
        return payloads.member(int(self.bot_user["id"]), roles, name="DiscussionBot", bot=True)

    def member_of(self, guild_id: int, user_id: int) -> Payload:
        return self.server.members[(guild_id, user_id)]

    async def say(
        self,
        channel_id: int,
        user_id: int,
        content: str = "",
        *,
        reply_to: int | None = None,
        at: datetime | None = None,
        mentions_bot: bool = False,
    ) -> Payload:
        """A member posts a message (MESSAGE_CREATE); returns the payload as delivered."""
        guild_id = self.server.guild_of(channel_id)
        m = self.server.members.get((guild_id, user_id)) if guild_id else None
        author = m["user"] if m else payloads.user(user_id)
        data = events.message(
            channel_id,
            author,
            content,
            guild_id=guild_id,
            member=m,
            at=at,
            reply_to=self.server.messages.get(reply_to) if reply_to else None,
            mentions=[self.bot_user] if mentions_bot else None,
        )
        await self.send("MESSAGE_CREATE", data)
        return self.server.messages[int(data["id"])]

    async def react(self, channel_id: int, message_id: int, user_id: int, emoji: str = "👍"):
        """A member adds a reaction (MESSAGE_REACTION_ADD)."""
        payload = self.server.reaction_event(user_id, channel_id, message_id, emoji)
        await self.send("MESSAGE_REACTION_ADD", payload)

    async def vote(
        self, message_id: int, user_id: int, answer_id: int = 1, *, remove: bool = False
    ) -> None:
        """A member votes for a poll answer, or takes the vote back (MESSAGE_POLL_VOTE_ADD /
        _REMOVE); the poll's counts follow."""
        message = self.server.messages[message_id]
        if not polls.count_vote(message, answer_id, user_id, self.server.votes, add=not remove):
            return
        guild_id = self.server.guild_of(int(message["channel_id"]))
        event = "MESSAGE_POLL_VOTE_REMOVE" if remove else "MESSAGE_POLL_VOTE_ADD"
        await self.send(event, polls.vote_event(user_id, message, answer_id, guild_id))

    async def end_poll(self, message_id: int, at: datetime) -> None:
        """The message's poll ends: MESSAGE_UPDATE with its results final."""
        message = polls.finalise(self.server.messages[message_id], at)
        await self.send("MESSAGE_UPDATE", self.server.with_bot_member(message))

    async def delete(self, channel_id: int, message_id: int) -> None:
        """A message is deleted (MESSAGE_DELETE)."""
        self.server.messages.pop(message_id, None)
        guild_id = self.server.guild_of(channel_id)
        await self.send("MESSAGE_DELETE", events.message_delete(message_id, channel_id, guild_id))

    async def slash(self, path: str, *, user_id: int, channel_id: int, **options: Any) -> Replies:
        """A member runs ``/path`` ("topic post") with options; returns the bot's replies.
        Option types come from the bot's command tree; ids of users, channels and roles are
        resolved from what the fake knows, as Discord does."""
        return await self._interact(2, path, user_id, channel_id, options)

    async def autocomplete(
        self, path: str, focused: str, *, user_id: int, channel_id: int, **options: Any
    ) -> list[dict]:
        """A member types in option ``focused``; returns the choices the bot offered."""
        replies = await self._interact(4, path, user_id, channel_id, options, focused=focused)
        return replies.callback.json["data"]["choices"] if replies.callback else []

    async def click(self, custom_id: str, *, message_id: int, user_id: int) -> Replies:
        """A member clicks the button ``custom_id`` on a message the bot sent."""
        message = self.server.messages[message_id]
        channel_id = int(message["channel_id"])
        return await self._interact(
            3, "", user_id, channel_id, {}, message=message, data=events.button_data(custom_id)
        )

    async def submit(
        self,
        custom_id: str,
        values: dict[str, str],
        *,
        user_id: int,
        channel_id: int,
        message_id: int | None = None,
    ) -> Replies:
        """A member submits the modal ``custom_id`` the bot opened (from a button on
        ``message_id``, or from a command in ``channel_id``) with its text inputs' values."""
        message = self.server.messages[message_id] if message_id else None
        if message is not None:
            channel_id = int(message["channel_id"])
        data = events.modal_data(custom_id, values)
        return await self._interact(5, "", user_id, channel_id, {}, message=message, data=data)

    def form(
        self, custom_id: str, values: dict[str, str], *, user_id: int, channel_id: int
    ) -> Payload:
        """The INTERACTION_CREATE of a submitted modal, to send with ``at_once``."""
        data = events.modal_data(custom_id, values)
        return self._interaction(5, "", user_id, channel_id, {}, data=data)

    async def at_once(self, interactions: list[Payload]) -> list[Replies]:
        """Several interactions arriving together: all are delivered before any is handled."""
        before = asyncio.all_tasks()
        start = len(self.requests)
        await self._flush_echo()
        for payload in interactions:
            await self._feed("INTERACTION_CREATE", payload)
        await self.settle(before)
        return [self._replies(payload, start) for payload in interactions]

    def _replies(self, payload: Payload, start: int) -> Replies:
        token = payload["token"]
        mine = [r for r in self.requests[start:] if r.via == "webhook" and token in r.path]
        return Replies(int(payload["id"]), mine)

    async def _interact(
        self, kind, path, user_id, channel_id, options, *, focused=None, message=None, data=None
    ) -> Replies:
        payload = self._interaction(
            kind, path, user_id, channel_id, options, focused=focused, message=message, data=data
        )
        start = len(self.requests)
        await self.send("INTERACTION_CREATE", payload)
        return self._replies(payload, start)

    def _interaction(
        self, kind, path, user_id, channel_id, options, *, focused=None, message=None, data=None
    ) -> Payload:
        builder = InteractionBuilder(self.bot, self.server)
        guild_id = self.server.guild_of(channel_id)
        member = builder.member(guild_id, user_id, channel_id) if guild_id else None
        if data is None:
            opts = builder.options(path, options, guild_id)
            for o in opts:
                if o["name"] == focused:
                    o["focused"] = True
            command_id, scope = self._synced_command(path, guild_id)
            data = events.command_data(path, opts, command_id=command_id, guild_id=scope)
            if builder.last_resolved:
                data["resolved"] = builder.last_resolved
        bot_perms = (
            builder.member(guild_id, int(self.bot_user["id"]), channel_id) if guild_id else {}
        )
        payload = events.interaction(
            kind,
            data,
            application_id=self.server.application_id,
            channel=builder.channel(channel_id, int((member or {}).get("permissions", 0))),
            member=member,
            guild_id=guild_id,
            message=message,
            app_permissions=int(bot_perms.get("permissions", 0)),
        )
        return payload

    def _synced_command(self, path: str, guild_id: int | None) -> tuple[int, int | None]:
        """The id Discord gave the command at sync, and the guild it is scoped to (if any)."""
        root = path.split()[0]
        for scope in (guild_id, None):
            for c in self.apps.commands.get(scope, []):
                if c["name"] == root:
                    return int(c["id"]), scope
        return payloads.snowflake(), None
