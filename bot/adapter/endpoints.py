"""Point discord.py at a Discord-compatible server instead of discord.com.

discord.py builds every REST URL (interaction responses and follow-ups included) from
``discord.http.Route.BASE``, and a plain, non-sharded client opens its first gateway connection to
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``. Both are class attributes, so this module sets
them once, before the client logs in. It touches nothing else in discord.py.

Facts about discord.py 2.7.1 that shape the accepted values:

- ``api_base`` replaces ``https://discord.com/api/v10`` as a whole, so it carries the version path,
  e.g. ``http://127.0.0.1:8080/api/v10``. Plain ``http://`` works: the client's connector only uses
  TLS for ``https://`` URLs.
- The client adds ``?v=10&encoding=json&compress=zlib-stream`` to the gateway URL itself and
  replaces any query given, so ``gateway_url`` is a bare ``ws://`` or ``wss://`` URL.
- After READY the client resumes at the ``resume_gateway_url`` the server sent; after an
  invalidated session it goes back to ``gateway_url``. The server decides the resume address.
- ``AutoShardedClient`` connects every shard to ``DEFAULT_GATEWAY`` too when it is given a
  ``shard_count`` (the sharded bot always is); only without one does it ask the server
  (GET /gateway/bot) for the shard count and a gateway URL, and use that URL instead.
"""

from __future__ import annotations

import logging

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
DISCORD_WEB_BASE = "https://discord.com"


def apply_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Send the bot's REST calls to ``api_base`` and its gateway connection to ``gateway_url``.

    ``None`` means Discord's own address. Call before the client logs in; raises ``ValueError``
    for a URL that cannot work, naming the setting.
    """
    base = _checked(api_base, "api_base", ("http", "https")) if api_base else DISCORD_API_BASE
    gateway = _checked(gateway_url, "gateway_url", ("ws", "wss")) if gateway_url else None
    Route.BASE = base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = (
        yarl.URL(gateway).with_query(None).with_fragment(None)
        if gateway
        else yarl.URL(DISCORD_GATEWAY_URL)
    )
    if api_base or gateway_url:
        log.info("Using API %s and gateway %s", Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


def web_base(api_base: str | None) -> str:
    """Where links to messages point: Discord's web app, or the self-hosted server's own
    address (``api_base`` without its API path)."""
    if not api_base:
        return DISCORD_WEB_BASE
    return str(yarl.URL(api_base).origin())


def message_link(api_base: str | None, guild_id: int, channel_id: int, message_id: int) -> str:
    return f"{web_base(api_base)}/channels/{guild_id}/{channel_id}/{message_id}"


def _checked(url: str, setting: str, schemes: tuple[str, ...]) -> str:
    """The URL if usable; a refusal never repeats it, since it may hold a secret."""
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{setting}: not a URL") from exc
    if parsed.user is not None or parsed.password is not None:
        raise ValueError(f"{setting}: must not hold a user name or password")
    if parsed.scheme not in schemes or not parsed.host:
        wanted = " or ".join(f"{s}://" for s in schemes)
        raise ValueError(f"{setting}: expected a {wanted} URL with a host")
    return url
