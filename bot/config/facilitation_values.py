"""A channel's pacing of follow-ups and nudges (``followups``, ``followup_after_answers``,
``followup_after_hours``, ``quiet_hours``, ``nudge_after_hours``) and a guild's welcome for first
answers (``welcome_first_answer``, ``welcome_emoji``)."""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import Node

from bot.config.model import ChannelConfig, GuildConfig
from bot.config.values import ConfigValues
from bot.yaml_nodes import NodeReader

CHANNEL_FACILITATION_KEYS = (
    "followups",
    "followup_after_answers",
    "followup_after_hours",
    "quiet_hours",
    "nudge_after_hours",
)
GUILD_WELCOME_KEYS = ("welcome_first_answer", "welcome_emoji")
FOLLOWUP_MODES = ("paced", "at_once")
_QUIET = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_CUSTOM_EMOJI = re.compile(r"<a?:\w{2,32}:\d{1,20}>")
MAX_HOURS = 24 * 365


class FacilitationValues:
    """Reads the keys above, on the shared node reader with the config's value checks."""

    def __init__(self, nodes: NodeReader, values: ConfigValues) -> None:
        self.nodes = nodes
        self.values = values

    def channel(self, fields: dict[str, Node]) -> dict[str, Any]:
        nodes, values = self.nodes, self.values
        return {
            "followups": nodes.get(fields, "followups", self.mode, ChannelConfig.followups),
            "followup_after_answers": nodes.get(
                fields,
                "followup_after_answers",
                values.positive,
                ChannelConfig.followup_after_answers,
            ),
            "followup_after_hours": nodes.get(
                fields, "followup_after_hours", self.hours, ChannelConfig.followup_after_hours
            ),
            "quiet_hours": nodes.get(fields, "quiet_hours", self.quiet_hours, None),
            "nudge_after_hours": (
                nodes.get(fields, "nudge_after_hours", self.hours, None)
                if "nudge_after_hours" in fields
                else ChannelConfig.nudge_after_hours
            ),
        }

    def guild(self, fields: dict[str, Node]) -> dict[str, Any]:
        nodes, values = self.nodes, self.values
        return {
            "welcome_first_answer": nodes.get(
                fields, "welcome_first_answer", values.boolean, GuildConfig.welcome_first_answer
            ),
            "welcome_emoji": nodes.get(
                fields, "welcome_emoji", self.emoji, GuildConfig.welcome_emoji
            ),
        }

    def mode(self, node: Node, key: str) -> str | None:
        value = self.nodes.scalar(node)
        if not isinstance(value, str) or value.strip().lower() not in FOLLOWUP_MODES:
            self.nodes.problem(node, f"{key} must be paced or at_once")
            return None
        return value.strip().lower()

    def hours(self, node: Node, key: str) -> float | None:
        """A number of hours greater than 0 (``1.5`` is an hour and a half); null is None."""
        value = self.nodes.scalar(node)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            self.nodes.problem(node, f"{key} must be a number of hours greater than 0")
            return None
        if value > MAX_HOURS:
            self.nodes.problem(node, f"{key} must be at most {MAX_HOURS} hours")
            return None
        return float(value)

    def quiet_hours(self, node: Node, key: str) -> tuple[int, int] | None:
        """``"23:00-08:00"``: minutes after midnight at which the quiet starts and ends."""
        value = self.nodes.scalar(node)
        if value is None:
            return None
        match = _QUIET.fullmatch(value.strip()) if isinstance(value, str) else None
        times = [int(g) for g in match.groups()] if match else []
        if not match or times[0] > 23 or times[2] > 23 or times[1] > 59 or times[3] > 59:
            self.nodes.problem(node, f'{key} must be two times like "23:00-08:00"')
            return None
        start, end = times[0] * 60 + times[1], times[2] * 60 + times[3]
        if start == end:
            self.nodes.problem(node, f"{key} must start and end at different times")
            return None
        return start, end

    def emoji(self, node: Node, key: str) -> str | None:
        """A unicode emoji, or a custom one written as Discord shows it (``<:name:id>``)."""
        value = self.nodes.string(node, key)
        if value is None:
            return None
        value = value.strip()
        unicode = 0 < len(value) <= 16 and not any(c.isascii() for c in value)
        if not (unicode or _CUSTOM_EMOJI.fullmatch(value)):
            self.nodes.problem(
                node, f"{key} must be one emoji (like 🌱) or a custom one written <:name:id>"
            )
            return None
        return value
