"""One interaction, one process: with several bot processes on one database, each interaction is
handled by the process that claims it first in the database (``InteractionClaims``).

discord.py reads an INTERACTION_CREATE and at once starts the command, the button's or form's
callback and the ``on_interaction`` listeners. The gate puts one step in front: claim the
interaction's id, then let discord.py read it; a process that finds it claimed drops it, so no
act (a post, a mod-log notice, a decision) can happen twice. Acts that reply first keep Discord's
own rule as a second guard: a second acknowledgement is refused (400, code 40060).

Only interactions this process can handle are claimed: commands, autocomplete, buttons of
registered dynamic items and persistent views, and forms and views it holds in memory (opened
by this process; another process knows nothing of them and must not take them). The rest go
through unclaimed: a process without a handler ignores them, and the handlers that go by their
custom id (the anonymous answer form) acknowledge before they act.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from discord.ui.view import ViewStore

log = logging.getLogger(__name__)

EVENT = "INTERACTION_CREATE"
COMMAND, COMPONENT, AUTOCOMPLETE, MODAL = 2, 3, 4, 5  # Discord's interaction types

Claim = Callable[[int], Awaitable[bool]]


class InteractionGate:
    """Replaces the INTERACTION_CREATE parser in ``parsers`` (discord.py's, in place).
    ``claim_of()`` gives the claim to use (None before the database is open: every interaction
    goes through); ``claim(interaction_id)`` is True for the first process only."""

    def __init__(
        self,
        parsers: dict[str, Callable[[Any], None]],
        claim_of: Callable[[], Claim | None],
        views: ViewStore,
        closing: Callable[[], bool] = lambda: False,
    ) -> None:
        self._parse = parsers[EVENT]
        self._claim_of = claim_of
        self._views = views
        self._closing = closing
        self._tasks: set[asyncio.Task] = set()
        parsers[EVENT] = self.receive

    def receive(self, data: Any) -> None:
        task = asyncio.get_running_loop().create_task(self._claimed(data), name="interaction")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _claimed(self, data: Any) -> None:
        if self._closing():  # a stopping process takes nothing new; another one may
            return
        claim = self._claim_of() if handled_here(self._views, data) else None
        if claim is not None:
            try:
                first = await claim(int(data["id"]))
            except Exception:  # the database failing must not cost the member their answer
                if self._closing():
                    return
                log.exception("could not claim interaction %s; handling it here", data.get("id"))
                first = True
            if not first:
                log.info("interaction %s is handled by another process", data.get("id"))
                return
        if self._closing():  # the bot stopped while the claim was written
            return
        self._parse(data)


def handled_here(views: ViewStore, data: Any) -> bool:
    """Whether discord.py in this process has a handler for the interaction: a command, or a
    component or form it would dispatch (the lookups of discord.py 2.7.1's ``ViewStore``)."""
    kind = data.get("type")
    if kind in (COMMAND, AUTOCOMPLETE):
        return True
    inner = data.get("data") or {}
    custom_id = str(inner.get("custom_id", ""))
    if kind == MODAL:
        return custom_id in views._modals
    if kind != COMPONENT:
        return False
    if any(pattern.fullmatch(custom_id) for pattern in views._dynamic_items):
        return True
    key = (inner.get("component_type"), custom_id)
    message_id = int((data.get("message") or {}).get("id") or 0) or None
    return key in views._views.get(message_id, {}) or key in views._views.get(None, {})
