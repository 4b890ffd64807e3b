"""Recorded REST requests and scripted failures (what the bot asked Discord, what went wrong)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import discord

from .payloads import Payload

MENTION = re.compile(r"<@([!&]?)(\d+)>")


@dataclass(frozen=True)
class Pings:
    """Who a message would notify, by Discord's allowed_mentions rules (embeds never ping)."""

    everyone: bool
    roles: frozenset[int]
    users: frozenset[int]

    @property
    def nobody(self) -> bool:
        return not (self.everyone or self.roles or self.users)


def pings_of(body: Payload | None) -> Pings:
    body = body or {}
    content = body.get("content") or ""
    allowed = body.get("allowed_mentions")
    parse = {"everyone", "roles", "users"} if allowed is None else set(allowed.get("parse", []))
    role_ids = {int(r) for r in (allowed or {}).get("roles", [])}
    user_ids = {int(u) for u in (allowed or {}).get("users", [])}
    roles, users = set(), set()
    for kind, raw in MENTION.findall(content):
        target = int(raw)
        if kind == "&" and ("roles" in parse or target in role_ids):
            roles.add(target)
        elif kind != "&" and ("users" in parse or target in user_ids):
            users.add(target)
    everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
    return Pings(everyone, frozenset(roles), frozenset(users))


@dataclass
class Request:
    """One HTTP request discord.py made. ``path`` has real ids ("/channels/5/messages");
    ``route`` is discord.py's template ("/channels/{channel_id}/messages")."""

    method: str
    path: str
    route: str
    json: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    reason: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    via: str = "http"  # "http" (bot token) or "webhook" (interaction responses, follow-ups)
    status: int = 200
    response: Any = None

    @property
    def pings(self) -> Pings:
        return pings_of(self.json if isinstance(self.json, dict) else None)

    @property
    def ids(self) -> list[int]:
        """The numeric path segments in order, e.g. [channel_id, message_id]."""
        return [int(s) for s in self.path.split("/") if s.isdigit()]

    def matches(self, method: str, pattern: str) -> bool:
        return self.method == method.upper() and path_matches(pattern, self.path)


def path_matches(pattern: str, path: str) -> bool:
    """``{anything}`` in ``pattern`` matches one path segment: "/channels/{id}/messages"."""
    regex = "".join(
        "[^/]+" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[^}]*\})", pattern)
    )
    return re.fullmatch(regex, path) is not None


def body_and_files(kwargs: dict[str, Any], form: Any, files: Any) -> tuple[Any, list]:
    """The JSON body as it goes on the wire (payload_json for multipart) and attached files."""
    body = kwargs.get("json", kwargs.get("payload"))
    parts = form or kwargs.get("multipart") or []
    for part in parts:
        if part.get("name") == "payload_json":
            body = json.loads(part["value"])
    attached = [(f.filename, _read(f)) for f in files or []]
    return (json.loads(json.dumps(body)) if body is not None else None), attached


def _read(file: discord.File) -> bytes:
    file.reset()
    data = file.fp.read()
    file.reset()
    return data


@dataclass
class Failure:
    """A scripted error answer for the next ``times`` requests matching method and pattern."""

    method: str
    pattern: str
    status: int
    code: int
    message: str
    retry_after: float | None = None
    exc: BaseException | None = None
    times: int = 1
    cloudflare: bool = False

    def body(self) -> Payload:
        body: Payload = {"message": self.message, "code": self.code}
        if self.status == 429:
            body.update(retry_after=self.retry_after or 1.0, **{"global": False})
        return body


DEFAULT_ERRORS = {
    400: (50035, "Invalid Form Body"),
    401: (0, "401: Unauthorized"),
    403: (50013, "Missing Permissions"),
    404: (10003, "Unknown Channel"),
    429: (0, "You are being rate limited."),
    500: (0, "500: Internal Server Error"),
    502: (0, "502: Bad Gateway"),
    503: (0, "503: Service Unavailable"),
}


class FakeResponse:
    """Just enough of aiohttp's response for discord.HTTPException."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = {403: "Forbidden", 404: "Not Found", 429: "Too Many Requests"}.get(status, "")
        self.headers: dict[str, str] = {}


def http_error(status: int, body: Any) -> discord.HTTPException:
    """The exception discord.py raises for this status (Forbidden, NotFound, DiscordServerError)."""
    response = FakeResponse(status)
    if status == 403:
        return discord.Forbidden(response, body)
    if status == 404:
        return discord.NotFound(response, body)
    if status >= 500:
        return discord.DiscordServerError(response, body)
    return discord.HTTPException(response, body)
