"""The model of Discord: what it holds (guilds, channels, members, messages, threads) and its REST
answers for channels, messages and threads.

Both transports use this one model: the in-process one of the tests (discord.py's requests
answered directly, gateway payloads fed to its parser) and the HTTP + WebSocket server of
``bot.devserver.server``. Answers have the shapes of Discord's API responses and follow its rules
(an empty message and a second thread on one message are refused). What Discord would announce on
the gateway as a consequence of a request (the bot's own MESSAGE_CREATE, THREAD_CREATE, updates and
deletions) is queued in ``gateway_echo`` for the transport to deliver.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

from . import events, payloads
from .payloads import Payload
from .polls import poll_object
from .requests import Request, pings_of

Answer = tuple[int, Any]
Handler = Callable[[Request, dict[str, str]], Answer]
NOT_FOUND_MESSAGE = (404, {"message": "Unknown Message", "code": 10008})
NOT_FOUND_CHANNEL = (404, {"message": "Unknown Channel", "code": 10003})
NOT_FOUND_GUILD = (404, {"message": "Unknown Guild", "code": 10004})
EMPTY_MESSAGE = (400, {"message": "Cannot send an empty message", "code": 50006})
THREAD_EXISTS = (
    400,
    {"message": "A thread has already been created for this message", "code": 160004},
)
EPHEMERAL = 64
THREAD_TYPES = (10, 11, 12)
FORUM_TYPES = (15, 16)  # forum and media channels
ADMINISTRATOR = 1 << 3
Found = Callable[[Any, Request, Payload], Answer]  # a route given the object it acts on
Route = Callable[[Any, Request, dict[str, str]], Answer]  # the method that looks it up


class DiscordState:
    """Everything the fake Discord knows. ``new_id`` issues snowflakes (the tests stamp them
    with their injected clock, the server with the wall clock)."""

    def __init__(self, bot_user: Payload, application_id: int, new_id: Callable[[], int]) -> None:
        self.bot_user = bot_user
        self.application_id = application_id
        self.new_id = new_id
        self.guilds: dict[int, Payload] = {}  # GUILD_CREATE payloads as last learnt
        self.channels: dict[int, Payload] = {}
        self.members: dict[tuple[int, int], Payload] = {}
        self.messages: dict[int, Payload] = {}
        self.history: dict[int, list[int]] = {}  # channel id → message ids, oldest first
        self.gateway_echo: list[tuple[str, Payload]] = []
        self.echo = True
        self.nonces: dict[tuple[int, str], int] = {}  # (channel, nonce) → message id
        self.reactors: dict[int, dict[str, list[Payload]]] = {}  # message → emoji → users
        self.pins: dict[int, list[tuple[int, str]]] = {}  # channel → (message, pinned at)
        self.votes: dict[int, dict[int, set[int]]] = {}  # poll message → answer → voters

    @property
    def bot_id(self) -> int:
        return int(self.bot_user["id"])

    # ----- guilds, channels, members ---------------------------------------------------------
    def learn_guild(self, data: Payload) -> None:
        gid = int(data["id"])
        self.guilds[gid] = data
        for channel in [*data.get("channels", []), *data.get("threads", [])]:
            self.channels[int(channel["id"])] = {**channel, "guild_id": str(gid)}
        for m in data.get("members", []):
            self.members[(gid, int(m["user"]["id"]))] = m

    def add_guild(
        self,
        guild_id: int,
        channels: dict[int, str],
        name: str = "guild",
        *,
        roles: Sequence[Payload] = (),
    ) -> Payload:
        """A guild with text channels (id → name) and the bot as a member with an
        administrator role, as a server the bot was invited to."""
        bot_role = payloads.role(
            self.new_id(), self.bot_user["username"], permissions=ADMINISTRATOR, position=1
        )
        data = payloads.guild(
            guild_id,
            name,
            channels=[
                payloads.text_channel(cid, guild_id, cname, position=n)
                for n, (cid, cname) in enumerate(channels.items())
            ],
            roles=[bot_role, *roles],
            members=[payloads.member(self.bot_id, [int(bot_role["id"])], bot=True)],
            owner_id=self.bot_id,
        )
        data["members"][0]["user"] = self.bot_user
        self.learn_guild(data)
        return data

    def add_member(
        self, guild_id: int, user_id: int, name: str = "", roles: tuple[int, ...] = ()
    ) -> Payload:
        member = payloads.member(user_id, list(roles), name=name or None)
        self.members[(guild_id, user_id)] = member
        return member

    def guild_create(self, guild_id: int) -> Payload:
        """GUILD_CREATE as sent after READY, from what the guild holds now: its channels,
        members and active threads (member_count equals the members listed, so discord.py does
        not ask for member chunks)."""
        return self.guild_creates([guild_id])[0]

    def guild_creates(self, guild_ids: list[int]) -> list[Payload]:
        """``guild_create`` of each guild, in order, from one pass over the channels and
        members (a bot in 10,000 guilds connects in seconds, not in hours)."""
        wanted = {str(g) for g in guild_ids}
        channels: dict[str, list[Payload]] = {g: [] for g in wanted}
        for c in self.channels.values():
            if c.get("guild_id") in wanted:
                channels[c["guild_id"]].append(c)
        members: dict[int, list[Payload]] = {g: [] for g in guild_ids}
        for (g, _), m in self.members.items():
            if g in members:
                members[g].append(m)
        return [self._guild_payload(g, channels[str(g)], members[g]) for g in guild_ids]

    def _guild_payload(self, guild_id: int, mine: list[Payload], members: list[Payload]) -> Payload:
        data = dict(self.guilds[guild_id])
        data["channels"] = [
            {k: v for k, v in c.items() if k != "guild_id"}
            for c in mine
            if c["type"] not in THREAD_TYPES
        ]
        data["threads"] = [
            c for c in mine if c["type"] in THREAD_TYPES and not c["thread_metadata"]["archived"]
        ]
        data["members"] = members
        data["member_count"] = len(members)
        return data

    def guild_of(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        return int(channel["guild_id"]) if channel and channel.get("guild_id") else None

    def threads(self, parent_id: int | None = None) -> list[Payload]:
        return [
            c
            for c in self.channels.values()
            if c["type"] in THREAD_TYPES
            and (parent_id is None or c.get("parent_id") == str(parent_id))
        ]

    # ----- messages ----------------------------------------------------------------------------
    def store_message(self, data: Payload, *, in_history: bool = True) -> None:
        mid, cid = int(data["id"]), int(data["channel_id"])
        self.messages[mid] = data
        if not in_history:
            return
        ids = self.history.setdefault(cid, [])
        if mid not in ids:
            ids.append(mid)
            ids.sort()
            channel = self.channels.get(cid)
            if channel is not None:
                channel["last_message_id"] = str(ids[-1])

    def channel_messages(self, channel_id: int) -> list[Payload]:
        """Messages in a channel or thread, oldest first, as Discord holds them."""
        return [self.messages[i] for i in self.history.get(channel_id, [])]

    def member_message(self, channel_id: int, user_id: int, content: str, **kw: Any) -> Payload:
        """A member's message as MESSAGE_CREATE delivers it (with guild_id and member)."""
        guild_id = self.guild_of(channel_id)
        m = self.members.get((guild_id, user_id)) if guild_id else None
        author = m["user"] if m else payloads.user(user_id)
        kw.setdefault("message_id", self.new_id())
        return events.message(channel_id, author, content, guild_id=guild_id, member=m, **kw)

    def bot_message(self, channel_id: int, body: Payload, files: list) -> Payload:
        """The message Discord creates from a send body, authored by the bot."""
        guild_id = self.guild_of(channel_id)
        ref = (body.get("message_reference") or {}).get("message_id")
        data = events.message(
            channel_id,
            self.bot_user,
            body.get("content") or "",
            message_id=self.new_id(),
            guild_id=guild_id,
            reply_to=self.messages.get(int(ref)) if ref else None,
            embeds=[{"type": "rich", **e} for e in body.get("embeds") or []],
            components=body.get("components") or [],
            flags=int(body.get("flags") or 0),
            tts=bool(body.get("tts", False)),
            nonce=body.get("nonce") or None,
        )
        pings = pings_of(body)
        data["mention_everyone"] = pings.everyone
        data["mention_roles"] = [str(r) for r in sorted(pings.roles)]
        data["mentions"] = [payloads.user(u) for u in sorted(pings.users)]
        described = body.get("attachments") or []
        data["attachments"] = [
            _attachment(self.new_id(), n, b, described[i] if i < len(described) else {})
            for i, (n, b) in enumerate(files)
        ]
        if body.get("poll"):
            data["poll"] = poll_object(body["poll"], payloads.snowflake_time(data["id"]))
        return data

    def reaction_event(self, user_id: int, channel_id: int, message_id: int, emoji: str) -> Payload:
        """A member's reaction as MESSAGE_REACTION_ADD delivers it (with member and the
        message's author where known)."""
        guild_id = self.guild_of(channel_id)
        message = self.messages.get(message_id)
        return events.reaction(
            user_id,
            message_id,
            channel_id,
            guild_id=guild_id,
            emoji=emoji,
            member=self.members.get((guild_id, user_id)) if guild_id else None,
            message_author_id=int(message["author"]["id"]) if message else None,
        )

    def add_reaction(self, message: Payload, user: Payload, emoji: str) -> bool:
        """A user reacts with a unicode emoji: the message's ``reactions`` counts follow, as
        Discord returns them, and the user is listed for that emoji. False if they already
        had."""
        users = self.reactors.setdefault(int(message["id"]), {}).setdefault(emoji, [])
        if any(u["id"] == user["id"] for u in users):
            return False
        users.append(user)
        reactions = message.setdefault("reactions", [])
        entry = next((r for r in reactions if r["emoji"]["name"] == emoji), None)
        if entry is None:
            entry = {
                "count": 0, "count_details": {"burst": 0, "normal": 0}, "me": False,
                "me_burst": False, "emoji": {"id": None, "name": emoji}, "burst_colors": [],
            }  # fmt: skip
            reactions.append(entry)
        entry["count"] += 1
        entry["count_details"]["normal"] += 1
        entry["me"] = entry["me"] or user["id"] == self.bot_user["id"]
        return True

    def with_bot_member(self, data: Payload) -> Payload:
        guild_id = data.get("guild_id")
        m = self.members.get((int(guild_id), self.bot_id)) if guild_id else None
        if m is None:
            return data
        return {**data, "member": {k: v for k, v in m.items() if k != "user"}}

    def announce(self, event: str, data: Payload) -> None:
        """Queue a gateway event Discord sends as a consequence of a request."""
        if self.echo:
            self.gateway_echo.append((event, data))

    def take_echo(self) -> list[tuple[str, Payload]]:
        taken, self.gateway_echo = self.gateway_echo, []
        return taken


CONTENT_TYPES = {".csv": "text/csv", ".png": "image/png"}


def _attachment(attachment_id: int, filename: str, content: bytes, sent: Payload) -> Payload:
    """The attachment Discord makes of an uploaded file; ``sent`` is what the message body said
    of it (its ``description``, the alt text)."""
    url = f"https://cdn.discordapp.com/attachments/{attachment_id}/{filename}"
    data = {
        "id": str(attachment_id),
        "filename": filename,
        "size": len(content),
        "url": url,
        "proxy_url": url,
        "content_type": CONTENT_TYPES.get(filename[filename.rfind(".") :].lower()),
    }
    if sent.get("description"):
        data["description"] = sent["description"]
    return data


def _needs(what: str) -> Callable[[Found], Route]:
    """Wrap a route that acts on a known channel, message or guild: it gets the object, or the
    bot gets Discord's 404 for an unknown one."""
    table, key, missing = {
        "channel": ("channels", "channel_id", NOT_FOUND_CHANNEL),
        "message": ("messages", "message_id", NOT_FOUND_MESSAGE),
        "guild": ("guilds", "guild_id", NOT_FOUND_GUILD),
    }[what]

    def decorate(handler: Found) -> Route:
        def route(self: ChannelRoutes, req: Request, p: dict[str, str]) -> Answer:
            found = getattr(self.s, table).get(int(p[key]))
            return missing if not found else handler(self, req, found)

        return route

    return decorate


class ChannelRoutes:
    """Answers for /channels/... and /guilds/{id} routes."""

    def __init__(self, state: DiscordState) -> None:
        self.s = state

    def routes(self) -> dict[tuple[str, str], Handler]:
        c, m = "/channels/{channel_id}", "/channels/{channel_id}/messages/{message_id}"
        g = "/guilds/{guild_id}"
        return {
            ("GET", g): self.get_guild,
            ("GET", g + "/channels"): self.get_guild_channels,
            ("GET", c): self.get_channel,
            ("PATCH", c): self.edit_channel,
            ("DELETE", c): self.delete_channel,
            ("POST", c + "/messages"): self.send_message,
            ("GET", c + "/messages"): self.history,
            ("GET", m): self.get_message,
            ("PATCH", m): self.edit_message,
            ("DELETE", m): self.delete_message,
            ("POST", m + "/threads"): self.thread_from_message,
            ("POST", c + "/threads"): self.thread_without_message,
            ("PUT", c + "/thread-members/@me"): _no_content,
            ("DELETE", c + "/thread-members/@me"): _no_content,
            ("GET", m + "/reactions/{emoji}"): self.reaction_users,
            ("PUT", m + "/reactions/{emoji}/@me"): self.add_own_reaction,
            ("DELETE", m + "/reactions/{emoji}/@me"): _no_content,
            ("POST", c + "/typing"): _no_content,
        }

    @_needs("guild")
    def get_guild(self, req: Request, guild: Payload) -> Answer:
        return 200, self.s.guild_create(int(guild["id"]))

    @_needs("guild")
    def get_guild_channels(self, req: Request, guild: Payload) -> Answer:
        return 200, self.s.guild_create(int(guild["id"]))["channels"]

    @_needs("channel")
    def get_channel(self, req: Request, channel: Payload) -> Answer:
        return 200, channel

    @_needs("channel")
    def edit_channel(self, req: Request, channel: Payload) -> Answer:
        body = dict(req.json or {})
        meta_keys = ("archived", "locked", "auto_archive_duration")
        meta = {k: body.pop(k) for k in meta_keys if k in body}
        channel.update(body)
        if "thread_metadata" in channel:
            channel["thread_metadata"].update(meta)
        self.s.announce(_kind(channel, "UPDATE"), channel)
        return 200, channel

    @_needs("channel")
    def delete_channel(self, req: Request, channel: Payload) -> Answer:
        del self.s.channels[int(channel["id"])]
        self.s.announce(_kind(channel, "DELETE"), channel)
        return 200, channel

    @_needs("channel")
    def send_message(self, req: Request, channel: Payload) -> Answer:
        body = req.json or {}
        sent = ("content", "embeds", "components", "poll")
        if not (any(body.get(k) for k in sent) or req.files):
            return EMPTY_MESSAGE
        channel_id = int(channel["id"])
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):  # a repeated send returns the first message
            known = self.s.nonces.get((channel_id, str(nonce)))
            if known in self.s.messages:
                return 200, self.s.messages[known]
        data = self.s.bot_message(channel_id, body, req.files)
        self.s.store_message(data)
        if nonce:
            self.s.nonces[(channel_id, str(nonce))] = int(data["id"])
        if "message_count" in channel:
            channel["message_count"] += 1
            channel["total_message_sent"] += 1
        self.s.announce("MESSAGE_CREATE", self.s.with_bot_member(data))
        return 200, data

    @_needs("channel")
    def history(self, req: Request, channel: Payload) -> Answer:
        """Up to ``limit`` messages, newest first, as Discord pages them."""
        ids = self.s.history.get(int(channel["id"]), [])
        q = req.params
        limit = max(1, min(100, int(q.get("limit", 50))))
        if "after" in q:
            chosen = [i for i in ids if i > int(q["after"])][:limit]
        elif "around" in q:
            pivot = int(q["around"])
            older = [i for i in ids if i <= pivot][-(limit - limit // 2) :]
            chosen = older + [i for i in ids if i > pivot][: limit // 2]
        else:
            before = int(q.get("before", 1 << 63))
            chosen = [i for i in ids if i < before][-limit:]
        return 200, [self.s.messages[i] for i in reversed(chosen)]

    @_needs("message")
    def get_message(self, req: Request, data: Payload) -> Answer:
        return 200, data

    @_needs("message")
    def reaction_users(self, req: Request, message: Payload) -> Answer:
        """Users of a normal reaction on a message, by id, ``limit`` (max 100) after
        ``after``, as Discord pages them."""
        emoji = unquote(req.path.rsplit("/", 1)[-1])
        users = self.s.reactors.get(int(message["id"]), {}).get(emoji, [])
        if str(req.params.get("type", 0)) != "0":
            users = []
        after = int(req.params.get("after", 0))
        limit = max(1, min(100, int(req.params.get("limit", 25))))
        chosen = sorted((u for u in users if int(u["id"]) > after), key=lambda u: int(u["id"]))
        return 200, chosen[:limit]

    @_needs("message")
    def add_own_reaction(self, req: Request, message: Payload) -> Answer:
        """The bot reacts: listed on the message (``me``) and announced, as Discord does."""
        emoji = unquote(req.path.rsplit("/", 2)[-2])
        if self.s.add_reaction(message, self.s.bot_user, emoji):
            channel_id = int(message["channel_id"])
            event = self.s.reaction_event(self.s.bot_id, channel_id, int(message["id"]), emoji)
            self.s.announce("MESSAGE_REACTION_ADD", event)
        return 204, ""

    @_needs("message")
    def edit_message(self, req: Request, data: Payload) -> Answer:
        data.update({k: v for k, v in (req.json or {}).items() if k != "allowed_mentions"})
        data["edited_timestamp"] = data["timestamp"]
        self.s.announce("MESSAGE_UPDATE", self.s.with_bot_member(data))
        return 200, data

    @_needs("message")
    def delete_message(self, req: Request, data: Payload) -> Answer:
        del self.s.messages[int(data["id"])]
        ids = self.s.history.get(int(data["channel_id"]), [])
        if int(data["id"]) in ids:
            ids.remove(int(data["id"]))
        gone = events.message_delete(
            int(data["id"]), int(data["channel_id"]), self.s.guild_of(int(data["channel_id"]))
        )
        self.s.announce("MESSAGE_DELETE", gone)
        return 204, ""

    @_needs("message")
    def thread_from_message(self, req: Request, message: Payload) -> Answer:
        # A thread started from a message has the message's id, as on Discord: one per message.
        message_id = int(message["id"])
        if message_id in self.s.channels:
            return THREAD_EXISTS
        body = {**(req.json or {}), "type": 11}
        data = self._new_thread(message_id, int(message["channel_id"]), body)
        message["thread"] = data
        return 201, data

    @_needs("channel")
    def thread_without_message(self, req: Request, channel: Payload) -> Answer:
        body = req.json or {}
        if channel["type"] in FORUM_TYPES:
            return self._forum_post(channel, body, req.files)
        return 201, self._new_thread(self.s.new_id(), int(channel["id"]), body)

    def _forum_post(self, forum: Payload, body: Payload, files: list) -> Answer:
        """A post in a forum or media channel: a thread and its first message, which has the
        thread's id, answered together (the thread with ``message``), as Discord does. Tags
        must be the forum's own (at most 5)."""
        first = body.get("message") or {}
        if not (first.get("content") or first.get("embeds") or first.get("components") or files):
            return EMPTY_MESSAGE
        known = {t["id"] for t in forum.get("available_tags", [])}
        tags = [str(t) for t in body.get("applied_tags") or []]
        if len(tags) > 5 or any(t not in known for t in tags):
            return 400, {"message": "Invalid Form Body", "code": 50035}
        thread_id = self.s.new_id()
        thread = self._new_thread(thread_id, int(forum["id"]), {**body, "type": 11})
        thread["applied_tags"] = tags
        message = self.s.bot_message(thread_id, first, files)
        message["id"] = str(thread_id)  # a post's first message has the thread's id
        message["position"] = 0
        self.s.store_message(message)
        thread["message_count"] = thread["total_message_sent"] = 1
        forum["last_message_id"] = str(thread_id)
        self.s.announce("MESSAGE_CREATE", self.s.with_bot_member(message))
        return 201, {**thread, "message": message}

    def _new_thread(self, thread_id: int, parent_id: int, body: Payload) -> Payload:
        guild_id = self.s.guild_of(parent_id)
        if guild_id is None:
            raise LookupError(f"fake Discord: channel {parent_id} is in no known guild")
        data = payloads.thread(
            thread_id,
            guild_id,
            parent_id,
            body.get("name", "thread"),
            owner_id=self.s.bot_id,
            type=int(body.get("type", 11)),
            auto_archive_duration=int(body.get("auto_archive_duration", 1440)),
        )
        data["member"] = {
            "id": str(thread_id),
            "user_id": self.s.bot_user["id"],
            "join_timestamp": data["thread_metadata"]["create_timestamp"],
            "flags": 0,
        }
        self.s.channels[thread_id] = data
        self.s.history.setdefault(thread_id, [])
        self.s.announce("THREAD_CREATE", payloads.thread_create(data))
        return data


def _kind(channel: Payload, what: str) -> str:
    return ("THREAD_" if channel.get("type") in THREAD_TYPES else "CHANNEL_") + what


def _no_content(req: Request, p: dict[str, str]) -> Answer:
    return 204, ""


def route_params(template: str, path: str) -> dict[str, str] | None:
    """The ``{name}`` values of ``path`` under discord.py's route ``template``; None if it
    does not match."""
    names = re.findall(r"\{(\w+)\}", template)
    regex = re.sub(r"\\\{\w+\\\}", "([^/]+)", re.escape(template))
    match = re.fullmatch(regex, path)
    return dict(zip(names, match.groups(), strict=True)) if match else None
