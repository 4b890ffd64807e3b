"""The fake Discord's memory and its REST answers for channels, messages and threads.

Answers have the shapes of Discord's API responses, built from what the fake knows (guilds sent
over the gateway, messages it created). Side effects Discord would announce on the gateway
(THREAD_CREATE, MESSAGE_CREATE of the bot's own message) are queued in ``gateway_echo``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from . import events, payloads
from .payloads import Payload
from .rest import Request, pings_of

Answer = tuple[int, Any]
Handler = Callable[[Request, dict[str, str]], Answer]
NOT_FOUND_MESSAGE = (404, {"message": "Unknown Message", "code": 10008})
NOT_FOUND_CHANNEL = (404, {"message": "Unknown Channel", "code": 10003})
Found = Callable[[Any, Request, Payload], Answer]  # a route given the object it acts on
Route = Callable[[Any, Request, dict[str, str]], Answer]  # the method that looks it up


class ServerState:
    def __init__(self, bot_user: Payload, application_id: int, new_id: Callable[[], int]) -> None:
        self.bot_user = bot_user
        self.application_id = application_id
        self.new_id = new_id
        self.guilds: dict[int, Payload] = {}
        self.channels: dict[int, Payload] = {}
        self.members: dict[tuple[int, int], Payload] = {}
        self.messages: dict[int, Payload] = {}
        self.history: dict[int, list[int]] = {}
        self.reactors: dict[int, dict[str, list[Payload]]] = {}  # message → emoji → users
        self.gateway_echo: list[tuple[str, Payload]] = []
        self.echo = True
        self.nonces: dict[tuple[int, str], int] = {}  # (channel, enforced nonce) → message id

    def learn_guild(self, data: Payload) -> None:
        gid = int(data["id"])
        self.guilds[gid] = data
        for channel in [*data.get("channels", []), *data.get("threads", [])]:
            self.channels[int(channel["id"])] = {**channel, "guild_id": str(gid)}
        for m in data.get("members", []):
            self.members[(gid, int(m["user"]["id"]))] = m

    def guild_of(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        return int(channel["guild_id"]) if channel and channel.get("guild_id") else None

    def store_message(self, data: Payload) -> None:
        mid, cid = int(data["id"]), int(data["channel_id"])
        self.messages[mid] = data
        ids = self.history.setdefault(cid, [])
        if mid not in ids:
            ids.append(mid)
            ids.sort()

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
        )
        pings = pings_of(body)
        data["mention_everyone"] = pings.everyone
        data["mention_roles"] = [str(r) for r in sorted(pings.roles)]
        data["mentions"] = [payloads.user(u) for u in sorted(pings.users)]
        data["attachments"] = [_attachment(self.new_id(), n, b) for n, b in files]
        return data


def _attachment(attachment_id: int, filename: str, content: bytes) -> Payload:
    url = f"https://cdn.discordapp.com/attachments/{attachment_id}/{filename}"
    return {
        "id": str(attachment_id),
        "filename": filename,
        "size": len(content),
        "url": url,
        "proxy_url": url,
        "content_type": "text/csv" if filename.endswith(".csv") else None,
    }


def _needs(what: str) -> Callable[[Found], Route]:
    """Wrap a route that acts on a known channel or message: it gets the object, or the bot gets
    Discord's 404 for an unknown one."""
    table, key, missing = {
        "channel": ("channels", "channel_id", NOT_FOUND_CHANNEL),
        "message": ("messages", "message_id", NOT_FOUND_MESSAGE),
    }[what]

    def decorate(handler: Found) -> Route:
        def route(self: ChannelRoutes, req: Request, p: dict[str, str]) -> Answer:
            found = getattr(self.s, table).get(int(p[key]))
            return missing if not found else handler(self, req, found)

        return route

    return decorate


class ChannelRoutes:
    """Answers for /channels/... routes."""

    def __init__(self, state: ServerState) -> None:
        self.s = state

    def routes(self) -> dict[tuple[str, str], Handler]:
        c, m = "/channels/{channel_id}", "/channels/{channel_id}/messages/{message_id}"
        return {
            ("GET", c): self.get_channel,
            ("PATCH", c): self.edit_channel,
            ("POST", c + "/messages"): self.send_message,
            ("GET", c + "/messages"): self.history,
            ("GET", m): self.get_message,
            ("PATCH", m): self.edit_message,
            ("DELETE", m): self.delete_message,
            ("POST", m + "/threads"): self.thread_from_message,
            ("POST", c + "/threads"): self.thread_without_message,
            ("PUT", c + "/thread-members/@me"): _no_content,
            ("GET", m + "/reactions/{emoji}"): self.reaction_users,
            ("PUT", m + "/reactions/{emoji}/@me"): _no_content,
            ("DELETE", m + "/reactions/{emoji}/@me"): _no_content,
        }

    @_needs("channel")
    def get_channel(self, req: Request, channel: Payload) -> Answer:
        return 200, channel

    @_needs("channel")
    def edit_channel(self, req: Request, channel: Payload) -> Answer:
        body = dict(req.json or {})
        meta = {k: body.pop(k) for k in ("archived", "locked") if k in body}
        channel.update(body)
        if meta and "thread_metadata" in channel:
            channel["thread_metadata"].update(meta)
        return 200, channel

    def send_message(self, req: Request, p: dict[str, str]) -> Answer:
        channel_id = int(p["channel_id"])
        body = req.json or {}
        key = (channel_id, str(body.get("nonce")))
        if body.get("enforce_nonce") and key in self.s.nonces:  # Discord: the message it made
            existing = self.s.messages.get(self.s.nonces[key])
            if existing is not None:
                return 200, existing
        data = self.s.bot_message(channel_id, body, req.files)
        self.s.store_message(data)
        if body.get("enforce_nonce"):
            self.s.nonces[key] = int(data["id"])
        if self.s.echo:
            self.s.gateway_echo.append(("MESSAGE_CREATE", _with_bot_member(self.s, data)))
        return 200, data

    def history(self, req: Request, p: dict[str, str]) -> Answer:
        ids = self.s.history.get(int(p["channel_id"]), [])
        limit = int(req.params.get("limit", 50))
        if "after" in req.params:
            chosen = [i for i in ids if i > int(req.params["after"])][:limit]
        else:
            before = int(req.params.get("before", 1 << 63))
            chosen = [i for i in ids if i < before][-limit:]
        return 200, [self.s.messages[i] for i in reversed(chosen)]

    @_needs("message")
    def get_message(self, req: Request, data: Payload) -> Answer:
        return 200, data

    def reaction_users(self, req: Request, p: dict[str, str]) -> Answer:
        """Users of a normal reaction on a message, by id, ``limit`` after ``after``."""
        emoji = unquote(p["emoji"])
        users = self.s.reactors.get(int(p["message_id"]), {}).get(emoji, [])
        if str(req.params.get("type", 0)) != "0":
            users = []
        after, limit = int(req.params.get("after", 0)), int(req.params.get("limit", 25))
        chosen = sorted((u for u in users if int(u["id"]) > after), key=lambda u: int(u["id"]))
        return 200, chosen[:limit]

    @_needs("message")
    def edit_message(self, req: Request, data: Payload) -> Answer:
        data.update({k: v for k, v in (req.json or {}).items() if k != "allowed_mentions"})
        data["edited_timestamp"] = data["timestamp"]
        return 200, data

    def delete_message(self, req: Request, p: dict[str, str]) -> Answer:
        data = self.s.messages.pop(int(p["message_id"]), None)
        if data is None:
            return NOT_FOUND_MESSAGE
        self.s.history.get(int(data["channel_id"]), []).remove(int(data["id"]))
        return 204, ""

    def thread_from_message(self, req: Request, p: dict[str, str]) -> Answer:
        message_id, parent_id = int(p["message_id"]), int(p["channel_id"])
        if message_id not in self.s.messages:
            return NOT_FOUND_MESSAGE
        data = self._new_thread(message_id, parent_id, req.json or {})
        self.s.messages[message_id]["thread"] = data
        return 201, data

    def thread_without_message(self, req: Request, p: dict[str, str]) -> Answer:
        body = req.json or {}
        return 201, self._new_thread(self.s.new_id(), int(p["channel_id"]), body)

    def _new_thread(self, thread_id: int, parent_id: int, body: Payload) -> Payload:
        guild_id = self.s.guild_of(parent_id)
        if guild_id is None:
            raise LookupError(f"fake Discord: channel {parent_id} is in no known guild")
        data = payloads.thread(
            thread_id,
            guild_id,
            parent_id,
            body.get("name", "thread"),
            owner_id=int(self.s.bot_user["id"]),
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
        if self.s.echo:
            self.s.gateway_echo.append(("THREAD_CREATE", payloads.thread_create(data)))
        return data


def _with_bot_member(state: ServerState, data: Payload) -> Payload:
    guild_id = data.get("guild_id")
    m = state.members.get((int(guild_id), int(state.bot_user["id"]))) if guild_id else None
    if m is None:
        return data
    return {**data, "member": {k: v for k, v in m.items() if k != "user"}}


def _no_content(req: Request, p: dict[str, str]) -> Answer:
    return 204, ""


def route_params(template: str, path: str) -> dict[str, str]:
    names = re.findall(r"\{(\w+)\}", template)
    regex = re.sub(r"\\\{\w+\\\}", "([^/]+)", re.escape(template))
    match = re.fullmatch(regex, path)
    return dict(zip(names, match.groups(), strict=True)) if match else {}
