"""REST answers for pinned messages, as Discord gives them (API v10): pin and unpin
(``PUT`` / ``DELETE /channels/{id}/messages/pins/{message_id}``, and the older
``/channels/{id}/pins/{message_id}`` paths), and the list of a channel's pins
(``GET /channels/{id}/messages/pins``: ``{"items": [{"pinned_at", "message"}], "has_more"}``).

A channel holds at most 50 pins: one more is refused with code 30003. A pin or an unpin sets
the message's ``pinned`` flag and announces CHANNEL_PINS_UPDATE and MESSAGE_UPDATE.
"""

from __future__ import annotations

from datetime import UTC, datetime

from . import payloads
from .payloads import Payload
from .requests import Request
from .state import NOT_FOUND_CHANNEL, NOT_FOUND_MESSAGE, Answer, DiscordState, Handler

MAX_PINS = 50
TOO_MANY_PINS = (400, {"message": "Maximum number of pins reached (50)", "code": 30003})


class PinRoutes:
    def __init__(self, state: DiscordState) -> None:
        self.s = state

    def routes(self) -> dict[tuple[str, str], Handler]:
        new, old = "/channels/{channel_id}/messages/pins", "/channels/{channel_id}/pins"
        return {
            ("GET", new): self.list_pins,
            ("PUT", new + "/{message_id}"): self.pin,
            ("DELETE", new + "/{message_id}"): self.unpin,
            ("PUT", old + "/{message_id}"): self.pin,
            ("DELETE", old + "/{message_id}"): self.unpin,
        }

    def pinned(self, channel_id: int) -> list[int]:
        """Ids of the channel's pinned messages, the latest pinned first (as Discord lists)."""
        return [mid for mid, _ in reversed(self.s.pins.get(channel_id, []))]

    def _message(self, p: dict[str, str]) -> tuple[Payload | None, Answer | None]:
        channel_id, message_id = int(p["channel_id"]), int(p["message_id"])
        if channel_id not in self.s.channels:
            return None, NOT_FOUND_CHANNEL
        message = self.s.messages.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            return None, NOT_FOUND_MESSAGE
        return message, None

    def pin(self, req: Request, p: dict[str, str]) -> Answer:
        message, refused = self._message(p)
        if message is None:
            return refused or NOT_FOUND_MESSAGE
        pins = self.s.pins.setdefault(int(p["channel_id"]), [])
        if any(mid == int(message["id"]) for mid, _ in pins):
            return 204, ""
        if len(pins) >= MAX_PINS:
            return TOO_MANY_PINS
        pins.append((int(message["id"]), payloads.iso(datetime.now(UTC))))
        self._changed(message, True)
        return 204, ""

    def unpin(self, req: Request, p: dict[str, str]) -> Answer:
        message, refused = self._message(p)
        if message is None:
            return refused or NOT_FOUND_MESSAGE
        channel_id = int(p["channel_id"])
        self.s.pins[channel_id] = [
            (mid, at) for mid, at in self.s.pins.get(channel_id, []) if mid != int(message["id"])
        ]
        self._changed(message, False)
        return 204, ""

    def list_pins(self, req: Request, p: dict[str, str]) -> Answer:
        channel_id = int(p["channel_id"])
        if channel_id not in self.s.channels:
            return NOT_FOUND_CHANNEL
        items = [
            {"pinned_at": at, "message": self.s.messages[mid]}
            for mid, at in reversed(self.s.pins.get(channel_id, []))
            if mid in self.s.messages
        ]
        return 200, {"items": items, "has_more": False}

    def _changed(self, message: Payload, pinned: bool) -> None:
        if message.get("pinned") == pinned:
            return
        message["pinned"] = pinned
        channel_id = int(message["channel_id"])
        guild_id = self.s.guild_of(channel_id)
        last = self.s.pins.get(channel_id)
        update = {
            "channel_id": str(channel_id),
            "last_pin_timestamp": last[-1][1] if last else None,
        }
        if guild_id is not None:
            update["guild_id"] = str(guild_id)
        self.s.announce("CHANNEL_PINS_UPDATE", update)
        self.s.announce("MESSAGE_UPDATE", self.s.with_bot_member(message))
