"""Discord's rate limits, emulated (off unless the server is given ``RateLimits``).

Two kinds, as Discord applies them to a bot token:

- **Global**: at most ``global_per_second`` requests in any one second (a sliding window, the
  strictest reading of Discord's "50 requests per second"). Interaction callbacks and webhook
  requests with a token are not counted, as on Discord. Over it: 429 with ``"global": true``,
  ``X-RateLimit-Global: true`` and ``X-RateLimit-Scope: global``.
- **Per route**: every route has a bucket per major parameter (channel, guild or webhook), a
  fixed window opened by its first request: sending messages is 5 per 5 s per channel, as on
  Discord. Every answer carries the bucket's headers (``X-RateLimit-Limit``, ``-Remaining``,
  ``-Reset``, ``-Reset-After``, ``-Bucket``); over it: 429 with ``"global": false`` and
  ``X-RateLimit-Scope: user``.

Every 429 has a JSON body with ``retry_after`` (seconds, fractional) and ``global``, the
``Retry-After`` header (whole seconds, rounded up) and a ``Via`` header (discord.py takes a 429
without one for a Cloudflare ban). A refused request uses up nothing. discord.py paces itself
by the bucket headers; nothing tells it about the global limit before a 429.
"""

from __future__ import annotations

import collections
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]

MESSAGES = ("POST", "/channels/{channel_id}/messages")
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id")


@dataclass(frozen=True)
class Limit:
    """``count`` requests per ``per`` seconds."""

    count: int
    per: float


DEFAULT_ROUTES: dict[tuple[str, str], Limit] = {
    MESSAGES: Limit(5, 5.0),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): Limit(5, 5.0),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"): Limit(5, 1.0),
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads"): Limit(10, 10.0),
    ("POST", "/channels/{channel_id}/threads"): Limit(10, 10.0),
    ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"): Limit(1, 0.25),
}


@dataclass(frozen=True)
class RateLimits:
    """What the server enforces: the global limit per bot token, a limit per route template
    (``routes``; any other route gets ``default``)."""

    global_per_second: int = 50
    routes: dict[tuple[str, str], Limit] = field(default_factory=lambda: dict(DEFAULT_ROUTES))
    default: Limit = Limit(10, 1.0)

    def limit(self, method: str, template: str) -> Limit:
        return self.routes.get((method, template), self.default)


@dataclass(frozen=True)
class Refusal:
    """One request answered 429: when (on the limiter's clock), which bucket, how long to wait."""

    at: float
    method: str
    path: str
    is_global: bool
    retry_after: float


@dataclass(frozen=True)
class Verdict:
    """The answer to one request: ``refusal`` None lets it through with ``headers``."""

    headers: dict[str, str]
    refusal: Refusal | None = None

    @property
    def body(self) -> dict:
        assert self.refusal is not None
        return {
            "message": "You are being rate limited.",
            "retry_after": round(self.refusal.retry_after, 3),
            "global": self.refusal.is_global,
        }


@dataclass
class _Bucket:
    count: int = 0
    resets_at: float = 0.0


class RateLimiter:
    """Counts requests per bot token and per bucket; ``check`` answers each one. ``clock`` is
    monotonic seconds, ``wall`` Unix seconds (for ``X-RateLimit-Reset``); both injectable."""

    def __init__(
        self, limits: RateLimits, *, clock: Clock = time.monotonic, wall: Clock = time.time
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.wall = wall
        self.refusals: list[Refusal] = []
        self.accepted = 0
        self._sent: dict[str, collections.deque[float]] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def check(
        self, method: str, path: str, template: str, params: dict[str, str], token: str
    ) -> Verdict:
        """Count the request ``method path`` (route ``template`` with its ``params``) made
        with ``token``, or refuse it."""
        now = self.clock()
        limit = self.limits.limit(method, template)
        name = bucket_hash(method, template)
        major = next((params[p] for p in MAJOR_PARAMETERS if p in params), "")
        bucket = self._buckets.setdefault((name, major), _Bucket())
        if now >= bucket.resets_at:
            bucket.count, bucket.resets_at = 0, now + limit.per
        sent = self._sent.setdefault(token, collections.deque())
        counted = not exempt(template)
        if counted:
            while sent and sent[0] <= now - 1.0:
                sent.popleft()
            if len(sent) >= self.limits.global_per_second:
                return self._refuse(now, method, path, sent[0] + 1.0 - now, True, {})
        headers = self._headers(limit, bucket, name, now)
        if bucket.count >= limit.count:
            return self._refuse(now, method, path, bucket.resets_at - now, False, headers)
        bucket.count += 1
        if counted:
            sent.append(now)
        self.accepted += 1
        return Verdict(self._headers(limit, bucket, name, now))

    def _headers(self, limit: Limit, bucket: _Bucket, name: str, now: float) -> dict[str, str]:
        reset_after = max(bucket.resets_at - now, 0.0)
        return {
            "X-RateLimit-Limit": str(limit.count),
            "X-RateLimit-Remaining": str(max(limit.count - bucket.count, 0)),
            "X-RateLimit-Reset": f"{self.wall() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": name,
        }

    def _refuse(
        self,
        now: float,
        method: str,
        path: str,
        retry_after: float,
        is_global: bool,
        headers: dict[str, str],
    ) -> Verdict:
        retry_after = max(retry_after, 0.001)
        refusal = Refusal(now, method, path, is_global, retry_after)
        self.refusals.append(refusal)
        headers = {
            **headers,
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Scope": "global" if is_global else "user",
            "Via": "1.1 google",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return Verdict(headers, refusal)


def exempt(template: str) -> bool:
    """Interaction callbacks and token webhooks are outside the global limit, as on Discord."""
    return template.startswith(("/interactions/", "/webhooks/{webhook_id}/{webhook_token}"))


def bucket_hash(method: str, template: str) -> str:
    """A stable opaque bucket id per route, as Discord's ``X-RateLimit-Bucket`` is."""
    return hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
