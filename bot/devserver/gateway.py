"""The server transport's gateway WebSocket: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE,
RESUME (replaying what a dropped connection missed), dispatch to every session."""

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


@dataclass
class Session:
    id: str
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    sent: collections.deque = field(default_factory=lambda: collections.deque(maxlen=REPLAY_BUFFER))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


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
            session = await self._identify(ws, data)
        elif op == 6:
            session = await self._resume(ws, data)
        elif op == 8 and session is not None:
            await self._send_members(session, data)
        return session

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> Session:
        session = Session(secrets.token_hex(16), ws=ws)
        self.sessions[session.id] = session
        self.identifies.append(data)
        ready = {
            "v": 10,
            "user": self.state.bot_user,
            "guilds": [{"id": str(g), "unavailable": True} for g in self.state.guilds],
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
        for guild_id in list(self.state.guilds):
            await self._send(session, "GUILD_CREATE", self.state.guild_create(guild_id))
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
        """Send one event to every identified session; returns how many connections got it.
        Sessions whose connection dropped keep it for a later RESUME."""
        delivered = [await self._send(s, event, data) for s in list(self.sessions.values())]
        return sum(delivered)

    async def drop(self, code: int = 4000) -> None:
        """Close every connection from the server side; the clients reconnect and RESUME."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"fake server dropped the connection")

    async def close(self) -> None:
        await self.drop(code=1001)


def _frame(op: int, data: Any) -> str:
    return json.dumps({"op": op, "d": data})
