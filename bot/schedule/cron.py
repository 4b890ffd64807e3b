"""Cron expression + IANA timezone → slot times (pure; no I/O, no clock).

Every function takes and returns timezone-aware datetimes; results are in UTC.

Daylight-saving changes follow Debian cron, as implemented by cronsim:

* A job at a fixed local time keeps that wall-clock time across the change: a daily ``0 9 * * *``
  fires at 09:00 local both before and after (so 14:00 UTC then 13:00 UTC in New York).
* Fall-back (a local hour happens twice): a fixed-time job in the repeated hour fires once, at the
  first occurrence (``30 1 * * *`` on the New York fall-back day fires at 01:30 EDT only).
* Spring-forward (a local hour does not exist): a fixed-time job in the missing hour fires once,
  at the first valid minute after the gap (``30 2 * * *`` in New York → 03:00 EDT; ``30 1 * * *``
  in London → 02:00 BST). ``30 1 * * *`` in New York is not affected: 01:30 exists there.
* Jobs with a wildcard minute or hour (``*/30 * * * *``, ``0 * * * *``) follow real elapsed time:
  they fire in both copies of a repeated hour and not at all in a skipped one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

DEFAULT_LOOKBACK = timedelta(days=366)


def _aware(dt: datetime, name: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {dt!r}")
    return dt.astimezone(UTC)


def _iter_slots(cron: str, tz: str, start: datetime) -> Iterator[datetime]:
    """Slots strictly after ``start``, in UTC, strictly increasing."""
    start = _aware(start, "start")
    last = start
    for local in CronSim(cron, start.astimezone(ZoneInfo(tz))):
        slot = local.astimezone(UTC)
        # cronsim evaluates fixed-time jobs on naive local time, so a start inside a repeated
        # hour can yield the first copy of that hour again; never go backwards.
        if slot > last:
            last = slot
            yield slot


def slots_between(cron: str, tz: str, start: datetime, end: datetime) -> list[datetime]:
    """Every slot in ``(start, end]`` — start exclusive, end inclusive — in UTC."""
    end = _aware(end, "end")
    found = []
    for slot in _iter_slots(cron, tz, start):
        if slot > end:
            break
        found.append(slot)
    return found


def next_slot(cron: str, tz: str, after: datetime) -> datetime:
    """The first slot strictly after ``after``, in UTC."""
    return next(_iter_slots(cron, tz, after))


def latest_slot(
    cron: str, tz: str, at: datetime, lookback: timedelta = DEFAULT_LOOKBACK
) -> datetime | None:
    """The most recent slot at or before ``at`` (in UTC), or None if none in ``lookback``.

    Searches windows of growing size with the forward iterator, so the answer always agrees with
    :func:`slots_between` and costs little for frequent schedules.
    """
    at = _aware(at, "at")
    window = timedelta(hours=1)
    while True:
        window = min(window, lookback)
        found = slots_between(cron, tz, at - window, at)
        if found:
            return found[-1]
        if window >= lookback:
            return None
        window *= 8
