"""A local Discord-compatible server, for running the bot with no Discord account.

One model of Discord (``state``: guilds, channels, members, messages, threads and the REST
answers for them; ``app_routes``: login, application commands, interactions) with payloads in
Discord's shapes (``payloads``, ``events``), served over real HTTP and WebSocket by
``server.DevServer`` (``python -m bot demo`` runs the bot against it; ``python -m bot.devserver``
serves it on its own). Discord's rate limits are emulated when asked for (``ratelimits``). The
tests drive the same model in-process as well. Nothing here imports
discord.py: it speaks Discord's wire format only.
"""

from .app_routes import Interaction
from .control import Hold
from .ratelimits import Limit, RateLimits
from .server import APPLICATION_ID, BOT_USER_ID, DevServer

__all__ = [
    "APPLICATION_ID",
    "BOT_USER_ID",
    "DevServer",
    "Hold",
    "Interaction",
    "Limit",
    "RateLimits",
]
