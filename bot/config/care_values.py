"""A guild's settings for anonymous answers and heavy topics: ``anonymous_answers``,
``reveal_role_ids``, ``anonymous_per_hour``, ``care_note`` and ``support_links``.

The care note and the support links are shown together as one embed field with every
sensitive prompt, so together they must fit one field (1024 characters); neither may mention
anyone.
"""

from __future__ import annotations

import logging
from typing import Any

from yaml.nodes import Node

from bot.prompts.schema import MENTION
from bot.yaml_nodes import NodeReader

log = logging.getLogger(__name__)

CARE_KEYS = (
    "anonymous_answers",
    "reveal_role_ids",
    "anonymous_per_hour",
    "care_note",
    "support_links",
)
CARE_NOTE_MAX = 600
SUPPORT_LINK_MAX = 200
CARE_FIELD_MAX = 1024  # a Discord embed field
_MODES = {False: "off", True: "all", "sensitive": "sensitive"}


class CareValues(NodeReader):
    """Reads the keys above from a guild's fields (``snowflakes`` and ``positive`` come from
    the config value checks the reader also has)."""

    def care(self, fields: dict[str, Node], guild: Node) -> dict[str, Any]:
        note = self.get(fields, "care_note", self.care_text, None)
        links = tuple(
            link
            for link in (
                self.care_text(item, "each entry of support_links", SUPPORT_LINK_MAX)
                for item in self.items(fields.get("support_links"), "support_links")
            )
            if link
        )
        if len(note or "") + sum(len(x) + 1 for x in links) > CARE_FIELD_MAX:
            self.problem(
                guild,
                f"care_note and support_links together must fit {CARE_FIELD_MAX} characters",
            )
        return {
            "anonymous_answers": self.get(fields, "anonymous_answers", self.anonymous_mode, "off"),
            "reveal_role_ids": self.snowflakes(fields.get("reveal_role_ids"), "reveal_role_ids"),
            "anonymous_per_hour": self.get(fields, "anonymous_per_hour", self.positive, 5),
            "care_note": note,
            "support_links": links,
        }

    def anonymous_mode(self, node: Node, key: str) -> str | None:
        value = self.scalar(node)
        if isinstance(value, str):
            value = value.strip().lower()
        if not isinstance(value, bool | str) or value not in _MODES:
            self.problem(node, f"{key} must be false, true or sensitive")
            return None
        return _MODES[value]

    def care_text(self, node: Node, key: str, limit: int = CARE_NOTE_MAX) -> str | None:
        value = self.string(node, key)
        if value is None:
            return None
        if len(value) > limit:
            self.problem(node, f"{key} is {len(value)} characters long; the limit is {limit}")
            return None
        if MENTION.search(value):
            self.problem(node, f"{key} must not mention @everyone, @here, roles or members")
            return None
        return value
