"""Acknowledging an interaction before acting on it.

Discord accepts one acknowledgement per interaction and refuses any other with 400, code 40060
("Interaction has already been acknowledged"). When several processes of the bot receive one
interaction, the one whose acknowledgement Discord takes owns it; a handler that acknowledges
before it acts, and stops when refused, cannot act twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
import discord

log = logging.getLogger(__name__)

ALREADY_ACKNOWLEDGED = 40060  # Discord's error code for a second acknowledgement
UNKNOWN_INTERACTION = 10062  # the token expired (3 s for the first answer), or never existed
NO_PINGS = discord.AllowedMentions.none()


def acknowledged_elsewhere(error: BaseException) -> bool:
    """Whether ``error`` (or what it wraps) is Discord refusing a second acknowledgement."""
    cause = getattr(error, "original", error)
    return isinstance(cause, discord.HTTPException) and cause.code == ALREADY_ACKNOWLEDGED


@dataclass(frozen=True, slots=True)
class Acknowledged:
    reply_id: int | None  # the reply the member sees (when Discord said), to edit it later


async def acknowledge(
    interaction: discord.Interaction, *, ephemeral: bool = True, thinking: bool = True
) -> Acknowledged | None:
    """Defer the interaction (the member sees the bot thinking); None when Discord refuses
    because another process took it, it expired, or the connection dropped before Discord's
    answer: the caller must then do nothing."""
    try:
        callback = await interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
    except discord.HTTPException as exc:
        if exc.code == ALREADY_ACKNOWLEDGED:
            log.info("interaction %s was acknowledged by another process", interaction.id)
            return None
        if exc.code == UNKNOWN_INTERACTION:
            log.warning("interaction %s expired before it was acknowledged", interaction.id)
            return None
        raise
    except (aiohttp.ClientError, OSError) as exc:
        # The connection dropped (the bot stopping, a network fault): whether Discord took the
        # acknowledgement is unknown, so act as if another process did (never act twice).
        log.warning(
            "interaction %s could not be acknowledged (%s); left alone",
            interaction.id,
            type(exc).__name__,
        )
        return None
    return Acknowledged(callback.message_id if callback is not None else None)


async def tell(
    interaction: discord.Interaction, text: str, view: discord.ui.View | None = None
) -> None:
    """Replace the acknowledged interaction's "thinking" with ``text`` (and ``view``), seen
    only by the member when it was deferred as ephemeral, pinging nobody."""
    if view is None:  # the message keeps what it has
        await interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS)
    else:
        await interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS, view=view)
