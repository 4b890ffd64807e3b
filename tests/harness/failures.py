"""What the in-process transport adds to the model's requests: discord.py's multipart bodies,
scripted failures, and the exceptions discord.py raises for error statuses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import discord

from bot.devserver.payloads import Payload


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
