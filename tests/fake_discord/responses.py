"""JSON responses the way Discord sends them."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``, as discord.py needs
    (aiohttp's ``json_response`` appends a charset, and discord.py then treats the body as text).
    ``None`` is an empty 204."""
    if data is None:
        return web.Response(status=204, headers=headers)
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


def error(status: int, message: str, code: int = 0, headers: dict[str, str] | None = None):
    return reply({"message": message, "code": code}, status, headers)
