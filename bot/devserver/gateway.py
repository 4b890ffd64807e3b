"""The server transport's gateway WebSocket: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE,
RESUME (replaying what a dropped connection missed), dispatch to every session of the event's
shard.

Sharding as Discord does it: an IDENTIFY may carry ``shard: [shard_id, num_shards]``; that
session then hears only the guilds on its shard, ``(guild_id >> 22) % num_shards`` (READY's
guild list, the GUILD_CREATEs after it, and every event of those guilds), and events with no
guild (direct messages) go to shard 0. An IDENTIFY without ``shard`` is shard 0 of 1: it hears
everything. A shard id outside ``0 … num_shards - 1`` is refused with close code 4010 (Invalid
shard), as Discord does.
"""

from __future__ import annotations

import asyncio
import collections
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .state import DiscordState

HEARTBEAT_INTERVAL_MS = 41250
REPLAY_BUFFER = 5000
INVALID_SHARD = 4010  # Discord's close code for a shard id the session cannot have
UNSHARDED = (0, 1)
# Events whose guild is the payload's own id, not a ``guild_id`` field.
GUILD_EVENTS = ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE")


def shard_of(guild_id: int, num_shards: int) -> int:
    """The shard a guild is on (Discord's formula)."""
    return (guild_id >> 22) % num_shards


def event_guild(event: str, data: Any) -> int | None:
    """The guild an event belongs to, or None (a direct message, the bot's own user)."""
    if not isinstance(data, dict):
        return None
    raw = data.get("id") if event in GUILD_EVENTS else data.get("guild_id")
    return int(raw) if raw is not None else None


def shard_of_identify(data: dict) -> tuple[int, int] | None:
    """``(shard_id, num_shards)`` of an IDENTIFY; unsharded is (0, 1); None if invalid."""
    shard = data.get("shard")
    if shard is None:
        return UNSHARDED
    if not (isinstance(shard, list) and len(shard) == 2 and all(type(n) is int for n in shard)):
        return None
    shard_id, num_shards = shard
    return (shard_id, num_shards) if 0 <= shard_id < num_shards else None


@dataclass
class Session:
    id: str
    shard: tuple[int, int] = UNSHARDED  # (shard_id, num_shards) as identified
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    sent: collections.deque = field(default_factory=lambda: collections.deque(maxlen=REPLAY_BUFFER))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def hears(self, guild_id: int | None) -> bool:
        """True if the session's shard gets events of this guild (None: shard 0's)."""
        shard_id, num_shards = self.shard
        if guild_id is None:
            return shard_id == 0
        return shard_of(guild_id, num_shards) == shard_id


class Gateway:
    """One fake gateway shared by every client connection; each IDENTIFY opens a session."""

    def __init__(
        self, state: DiscordState, url: Callable[[], str], notify: Callable[[], None]
    ) -> None:
        self.state = state
        self._url = url
        self._notify = notify
        self.sessions: dict[str, Session] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def connected(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.ws is not None and not s.ws.closed]

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: Session | None = None
        try:
            await ws.send_str(_frame(10, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                session = await self._on_frame(ws, frame, session)
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
            self._notify()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict, session: Session | None):
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            await ws.send_str(_frame(11, None))
        elif op == 2:
            shard = shard_of_identify(data)
            if shard is None:
                self.identifies.append(data)
                await ws.close(code=INVALID_SHARD, message=b"Invalid shard")
                self._notify()
                return session
            session = await self._identify(ws, data, shard)
        elif op == 6:
            session = await self._resume(ws, data)
        elif op == 8 and session is not None:
            await self._send_members(session, data)
        return session

    async def _identify(
        self, ws: web.WebSocketResponse, data: dict, shard: tuple[int, int]
    ) -> Session:
        session = Session(secrets.token_hex(16), shard=shard, ws=ws)
        self.sessions[session.id] = session
        self.identifies.append(data)
        guilds = [g for g in self.state.guilds if session.hears(g)]
        ready = {
            "v": 10,
            "user": self.state.bot_user,
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._url(),
            "application": {"id": str(self.state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self._send(session, "READY", ready)
        for payload in self.state.guild_creates(guilds):
            await self._send(session, "GUILD_CREATE", payload)
        self._notify()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> Session | None:
        self.resumes.append(data)
        session = self.sessions.get(data.get("session_id", ""))
        if session is None:
            await ws.send_str(_frame(9, False))
            self._notify()
            return None
        async with session.lock:
            session.ws = ws
            for seq, text in list(session.sent):
                if seq > (data.get("seq") or 0):
                    await ws.send_str(text)
        await self._send(session, "RESUMED", {})
        self._notify()
        return session

    async def _send_members(self, session: Session, data: dict) -> None:
        wanted = int(data["guild_id"])
        members = [m for (g, _), m in self.state.members.items() if g == wanted]
        chunk = {"guild_id": data["guild_id"], "members": members, "chunk_index": 0}
        chunk.update(chunk_count=1, not_found=[], nonce=data.get("nonce"))
        await self._send(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send(self, session: Session, event: str, data: Any) -> bool:
        async with session.lock:
            session.seq += 1
            text = json.dumps({"op": 0, "t": event, "s": session.seq, "d": data})
            session.sent.append((session.seq, text))
            if session.ws is None or session.ws.closed:
                return False
            try:
                await session.ws.send_str(text)
            except ConnectionError:
                return False
            return True

    async def dispatch(self, event: str, data: Any) -> int:
        """Send one event to every identified session of its guild's shard; returns how many
        connections got it. Sessions whose connection dropped keep it for a later RESUME."""
        guild_id = event_guild(event, data)
        sessions = [s for s in list(self.sessions.values()) if s.hears(guild_id)]
        delivered = [await self._send(s, event, data) for s in sessions]
        return sum(delivered)

    async def drop(self, code: int = 4000) -> None:
        """Close every connection from the server side; the clients reconnect and RESUME."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"fake server dropped the connection")

    async def close(self) -> None:
        await self.drop(code=1001)


def _frame(op: int, data: Any) -> str:
    return json.dumps({"op": op, "d": data})
