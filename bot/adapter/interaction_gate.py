"""One interaction, one process: with several bot processes on one database, each interaction is
handled by the process that claims it first in the database (``InteractionClaims``).

discord.py reads an INTERACTION_CREATE and at once starts the command, the button's or form's
callback and the ``on_interaction`` listeners. The gate puts one step in front: claim the
interaction's id, then let discord.py read it; a process that finds it claimed drops it, so no
act (a post, a mod-log notice, a decision) can happen twice. Acts that reply first keep Discord's
own rule as a second guard: a second acknowledgement is refused (400, code 40060).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

EVENT = "INTERACTION_CREATE"

Claim = Callable[[int], Awaitable[bool]]


class InteractionGate:
    """Replaces the INTERACTION_CREATE parser in ``parsers`` (discord.py's, in place).
    ``claim_of()`` gives the claim to use (None before the database is open: every interaction
    goes through); ``claim(interaction_id)`` is True for the first process only."""

    def __init__(
        self,
        parsers: dict[str, Callable[[Any], None]],
        claim_of: Callable[[], Claim | None],
    ) -> None:
        self._parse = parsers[EVENT]
        self._claim_of = claim_of
        self._tasks: set[asyncio.Task] = set()
        parsers[EVENT] = self.receive

    def receive(self, data: Any) -> None:
        task = asyncio.get_running_loop().create_task(self._claimed(data), name="interaction")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _claimed(self, data: Any) -> None:
        claim = self._claim_of()
        if claim is not None:
            try:
                first = await claim(int(data["id"]))
            except Exception:  # the database failing must not cost the member their answer
                log.exception("could not claim interaction %s; handling it here", data.get("id"))
                first = True
            if not first:
                log.info("interaction %s is handled by another process", data.get("id"))
                return
        self._parse(data)
