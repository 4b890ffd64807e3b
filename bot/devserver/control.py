"""What the server transport adds around the model: the log of requests, scripted failures,
held requests, and JSON responses the way Discord sends them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

BODY = web.RequestKey("body", tuple)  # (json, files) a request carried, read once
HOLD_LIMIT_S = 30.0  # a held request is answered after this even if never released

DEFAULT_ERRORS = {
    400: ("Invalid Form Body", 50035),
    401: ("401: Unauthorized", 0),
    403: ("Missing Permissions", 50013),
    404: ("Unknown Channel", 10003),
}


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``, as discord.py needs
    (aiohttp's ``json_response`` appends a charset, and discord.py then treats the body as text).
    ``None`` is an empty 204."""
    if data is None:
        return web.Response(status=204, headers=headers)
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


def error(
    status: int, message: str, code: int = 0, headers: dict[str, str] | None = None
) -> web.Response:
    return reply({"message": message, "code": code}, status, headers)


@dataclass
class LoggedRequest:
    """One REST request the bot made. ``path`` is below /api/v10; ``status`` and
    ``answered_at`` (``time.monotonic()``) are None until answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    status: int | None = None
    answered_at: float | None = None

    def matches(self, method: str | None, pattern: re.Pattern) -> bool:
        return (method is None or self.method == method.upper()) and bool(pattern.search(self.path))


@dataclass
class Failure:
    method: str
    pattern: re.Pattern
    status: int
    body: dict | None
    retry_after: float
    times: int


@dataclass
class Hold:
    method: str
    pattern: re.Pattern
    apply_first: bool
    request: LoggedRequest | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    async def arrived(self, timeout: float = 5.0) -> LoggedRequest:
        """Wait until the held request has come in (and, with apply_first, taken effect)."""
        try:
            await asyncio.wait_for(self._arrived.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"fake Discord: no held request within {timeout} s") from None
        assert self.request is not None
        return self.request

    def release(self) -> None:
        self._released.set()

    async def wait(self, request: LoggedRequest) -> None:
        self.request = request
        self._arrived.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), HOLD_LIMIT_S)


def scripted_error(failure: Failure) -> web.Response:
    """The response Discord gives for ``failure.status``. A 429 carries Retry-After, the
    X-RateLimit headers and a ``Via`` header: without ``Via`` discord.py takes a 429 for a
    Cloudflare ban and raises instead of waiting."""
    if failure.status == 429:
        body = failure.body or {
            "message": "You are being rate limited.",
            "retry_after": failure.retry_after,
            "global": False,
        }
        headers = {
            "Retry-After": str(math.ceil(failure.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(failure.retry_after),
            "X-RateLimit-Bucket": "fake-bucket",
            "X-RateLimit-Scope": "user",
            "Via": "1.1 google",
        }
        return reply(body, 429, headers)
    if failure.body is not None:
        return reply(failure.body, failure.status)
    message, code = DEFAULT_ERRORS.get(failure.status, (f"{failure.status}: Server Error", 0))
    return error(failure.status, message, code)


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """The JSON a request carries and its attached files: a JSON body, or the ``payload_json``
    and file parts of a multipart upload (how discord.py sends messages with files)."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "application/json":
        return await request.json(), []
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # a nested multipart: discord.py sends none
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data)
            elif part.filename:
                files.append((part.filename, bytes(data)))
        return payload, files
    await request.read()
    return None, []
