"""A REST request as the model of Discord sees it (whichever transport carried it), and who a
message body would ping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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
