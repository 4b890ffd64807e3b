"""Config values that say when something runs: cron expressions, timezones, durations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError
from yaml.nodes import Node

from bot.config.values import is_ascii_number
from bot.yaml_nodes import NodeReader

_DURATION = re.compile(r"(\d+h)?\s*(\d+m)?\s*(\d+s)?")


def cron_problem(expr: str) -> str | None:
    """Why ``expr`` is not a usable five-field cron expression, or None if it is fine."""
    if len(expr.split()) != 5:
        return "a cron expression has five fields: minute hour day-of-month month day-of-week"
    try:
        next(CronSim(expr, datetime(2000, 1, 1, tzinfo=UTC)))
    except CronSimError as exc:
        return str(exc)
    except StopIteration:
        return "this schedule never fires"
    return None


class ScheduleValues:
    """Checks for a schedule's cron, timezone and catch-up window, on the shared node reader."""

    def __init__(self, nodes: NodeReader) -> None:
        self.nodes = nodes

    def cron(self, node: Node, key: str) -> str | None:
        value = self.nodes.string(node, key)
        if value is None:
            return None
        problem = cron_problem(value)
        if problem:
            self.nodes.problem(node, f"{key} {value!r}: {problem}")
            return None
        return value

    def timezone(self, node: Node, key: str) -> str | None:
        value = self.nodes.string(node, key)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a long name
            self.nodes.problem(
                node, f"{key} {value!r} is not an IANA timezone name (e.g. Europe/London)"
            )
            return None
        return value

    def duration(self, node: Node, key: str) -> timedelta | None:
        """``1h``, ``30m``, ``90s``, ``1h30m``, or a bare number of minutes."""
        value = self.nodes.scalar(node)
        if isinstance(value, str) and is_ascii_number(value.strip()):
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = f"{value}m"
        match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
        if not match or not any(match.groups()):
            self.nodes.problem(
                node, f"{key} must be a duration like 1h, 30m, 90s or 1h30m (or minutes)"
            )
            return None
        h, m, s = (int(g[:-1]) if g else 0 for g in match.groups())
        try:
            return timedelta(hours=h, minutes=m, seconds=s)
        except OverflowError:
            self.nodes.problem(node, f"{key} is far too long")
            return None
