"""One gateway event discord.py cannot read must not end the bot.

discord.py parses each gateway dispatch with the connection state's ``parse_*`` method; an
exception there (a payload shape Discord changed, e.g. a CHANNEL_UPDATE without ``position``)
rises out of ``Client.connect`` and ends the process. Each parser is wrapped so that such an
event is logged with its type and dropped, and the connection carries on. READY and RESUMED
are left alone: without them the session is not usable, and failing loudly is right.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

UNGUARDED = frozenset({"READY", "RESUMED"})


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Wrap every parser in ``parsers`` (event type → parser), in place."""
    for event, parser in list(parsers.items()):
        if event not in UNGUARDED and not getattr(parser, "guarded", False):
            parsers[event] = _guarded(event, parser)


def _guarded(event: str, parser: Callable[[Any], None]) -> Callable[[Any], None]:
    @functools.wraps(parser)
    def parse(data: Any) -> None:
        try:
            parser(data)
        except Exception as exc:
            # The payload is not logged (it may hold message text or interaction tokens). Where
            # reading it failed (discord.py, or a listener it called) is logged at DEBUG.
            log.error(
                "dropped a %s gateway event that could not be read (%s: %s); still connected",
                event,
                type(exc).__name__,
                exc,
            )
            log.debug("where the %s event failed", event, exc_info=exc)

    parse.guarded = True  # type: ignore[attr-defined]
    return parse
