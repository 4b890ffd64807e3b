"""A guild's settings for anonymous answers and heavy topics: ``anonymous_answers``,
``reveal_role_ids``, ``anonymous_per_hour``, ``care_note`` and ``support_links``.

The care note and the support links are shown together as one embed field with every
sensitive prompt, so together they must fit one field (1024 characters); neither may mention
anyone.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import Node

from bot.config.values import ConfigValues
from bot.prompts.schema import MENTION
from bot.yaml_nodes import NodeReader

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


class CareValues:
    """Reads the keys above from a guild's fields, on the shared node reader and with the
    config's value checks (ids, whole numbers) it is handed."""

    def __init__(self, nodes: NodeReader, values: ConfigValues) -> None:
        self.nodes = nodes
        self.values = values

    def care(self, fields: dict[str, Node], guild: Node) -> dict[str, Any]:
        nodes, values = self.nodes, self.values
        note = nodes.get(fields, "care_note", self.care_text, None)
        links = tuple(
            link
            for link in (
                self.care_text(item, "each entry of support_links", SUPPORT_LINK_MAX)
                for item in nodes.items(fields.get("support_links"), "support_links")
            )
            if link
        )
        if len(note or "") + sum(len(x) + 1 for x in links) > CARE_FIELD_MAX:
            nodes.problem(
                guild,
                f"care_note and support_links together must fit {CARE_FIELD_MAX} characters",
            )
        return {
            "anonymous_answers": nodes.get(fields, "anonymous_answers", self.anonymous_mode, "off"),
            "reveal_role_ids": values.snowflakes(fields.get("reveal_role_ids"), "reveal_role_ids"),
            "anonymous_per_hour": nodes.get(fields, "anonymous_per_hour", values.positive, 5),
            "care_note": note,
            "support_links": links,
        }

    def anonymous_mode(self, node: Node, key: str) -> str | None:
        value = self.nodes.scalar(node)
        if isinstance(value, str):
            value = value.strip().lower()
        if not isinstance(value, bool | str) or value not in _MODES:
            self.nodes.problem(node, f"{key} must be false, true or sensitive")
            return None
        return _MODES[value]

    def care_text(self, node: Node, key: str, limit: int = CARE_NOTE_MAX) -> str | None:
        value = self.nodes.string(node, key)
        if value is None:
            return None
        if len(value) > limit:
            self.nodes.problem(node, f"{key} is {len(value)} characters long; the limit is {limit}")
            return None
        if MENTION.search(value):
            self.nodes.problem(node, f"{key} must not mention @everyone, @here, roles or members")
            return None
        return value
