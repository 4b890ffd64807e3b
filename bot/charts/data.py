"""The data behind each chart, from the chart and report stores.

A chart covers whole local days in the guild's display timezone, today included. Answers and
reactions come per quarter-hour from the window's index entries and are placed in local days and
hours here, so any timezone and daylight-saving change is counted right. Privacy follows the text
reports: anonymous answers are only ever a count of their own (never in member figures, theme
rankings or the heatmap), and an erased member's records are gone from every figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.charts.ports import ChartRecords
from bot.charts.types import (
    FIRST_ANSWER_HOURS,
    ActivityData,
    ActivityDay,
    ChartData,
    ChartKind,
    ChartWindow,
    PostingTime,
    ThemesData,
    TimesData,
)
from bot.participation.rules import rank_by_answers_per_post
from bot.participation.types import ANSWER, REACTION
from bot.reports.ports import ReportRecords
from bot.schedule.cron import slots_between

HOUR = 3600


def _midnight(day: date, tz: ZoneInfo) -> int:
    return int(datetime.combine(day, time(0), tz).timestamp())


def chart_window(timezone: str, now: int, days: int) -> ChartWindow:
    """The last ``days`` local days in ``timezone``, today (up to ``now``) included."""
    tz = ZoneInfo(timezone)
    last = datetime.fromtimestamp(now, tz).date()
    first = last - timedelta(days=days - 1)
    return ChartWindow(timezone, first, last, _midnight(first, tz), now)


def day_spans(window: ChartWindow) -> list[tuple[int, int]]:
    """``[start, end)`` in Unix seconds of each local day of the window (today ends at now)."""
    tz = ZoneInfo(window.timezone)
    days = [window.first + timedelta(days=i) for i in range(window.days)]
    starts = [_midnight(d, tz) for d in days]
    return [(s, min(e, window.now)) for s, e in zip(starts, [*starts[1:], window.now], strict=True)]


class _Local:
    """Unix seconds → local day index, weekday and hour in the window's timezone."""

    def __init__(self, window: ChartWindow) -> None:
        self.tz = ZoneInfo(window.timezone)
        self.first = window.first

    def at(self, ts: int) -> datetime:
        return datetime.fromtimestamp(ts, UTC).astimezone(self.tz)

    def day(self, ts: int) -> int:
        return (self.at(ts).date() - self.first).days


async def _activity_count(reports: ReportRecords, guild_id: int, window: ChartWindow) -> int:
    answers, reactions = await reports.kind_totals(guild_id, window.since, window.now)
    anonymous = await reports.anonymous_answers(guild_id, window.since, window.now)
    return answers + reactions + anonymous


async def activity_data(store: ChartRecords, guild_id: int, window: ChartWindow) -> ActivityData:
    """Answers, anonymous answers, reactions, active members and posts per local day."""
    local, n = _Local(window), window.days
    answers, reactions, anonymous, posts = ([0] * n for _ in range(4))
    for at, kind, count in await store.buckets(guild_id, window.since, window.now):
        target = answers if kind == ANSWER else reactions if kind == REACTION else None
        if target is not None:
            target[local.day(at)] += count
    for at, count in await store.anonymous_buckets(guild_id, window.since, window.now):
        anonymous[local.day(at)] += count
    for at in await store.posted_times(guild_id, window.since, window.now):
        posts[local.day(at)] += 1
    active = await store.active_members(guild_id, day_spans(window))
    days = tuple(
        ActivityDay(window.first + timedelta(days=i), *figures)
        for i, figures in enumerate(zip(answers, anonymous, reactions, active, posts, strict=True))
    )
    return ActivityData(window, days)


async def themes_data(reports: ReportRecords, guild_id: int, window: ChartWindow) -> ThemesData:
    """Themes by answers per post over the prompts posted in the window (the post totals)."""
    posts = await reports.post_answers(guild_id, window.since, window.now)
    ranked = rank_by_answers_per_post((p.theme_id or "(no theme)", p.answers) for p in posts)
    return ThemesData(window, tuple(ranked), await _activity_count(reports, guild_id, window))


async def times_data(
    store: ChartRecords,
    reports: ReportRecords,
    guild_id: int,
    window: ChartWindow,
    posting_times: tuple[PostingTime, ...],
) -> TimesData:
    """Answers by local weekday and hour; members' first answers within 3 hours of a post by
    local hour of day."""
    local = _Local(window)
    grid = [[0] * 24 for _ in range(7)]
    for at, kind, count in await store.buckets(guild_id, window.since, window.now):
        if kind == ANSWER:
            t = local.at(at)
            grid[t.weekday()][t.hour] += count
    first = [0] * 24
    within = FIRST_ANSWER_HOURS * HOUR
    for at, count in await store.first_answers(guild_id, window.since, window.now, within):
        first[local.at(at).hour] += count
    return TimesData(
        window,
        tuple(map(tuple, grid)),
        posting_times,
        tuple(first),
        await _activity_count(reports, guild_id, window),
    )


def posting_times(
    schedules: Iterable[tuple[str, str]], timezone: str, now: int
) -> tuple[PostingTime, ...]:
    """The posting times of the channels' schedules (cron, timezone) over the coming week, in
    ``timezone``, each weekday and time once, Monday first."""
    start = datetime.fromtimestamp(now, UTC)
    slots = [
        slot
        for cron, tz in schedules
        for slot in slots_between(cron, tz, start, start + timedelta(days=7))
    ]
    return _times(slots, timezone)


def posted_slot_times(slots: Iterable[int], timezone: str) -> tuple[PostingTime, ...]:
    """The posting times of scheduled posts' slots (Unix seconds), in ``timezone``."""
    return _times((datetime.fromtimestamp(s, UTC) for s in slots), timezone)


def _times(slots: Iterable[datetime], timezone: str) -> tuple[PostingTime, ...]:
    tz = ZoneInfo(timezone)
    local = (s.astimezone(tz) for s in slots)
    return tuple(sorted({PostingTime(t.weekday(), t.hour, t.minute) for t in local}, key=_key))


def _key(t: PostingTime) -> tuple[int, int, int]:
    return t.weekday, t.hour, t.minute


async def chart_data(
    kind: ChartKind,
    store: ChartRecords,
    reports: ReportRecords,
    guild_id: int,
    window: ChartWindow,
    times: tuple[PostingTime, ...] | None = None,
) -> ChartData:
    """The data of one chart. ``times``: the channels' posting times in the window's timezone;
    None takes them from the scheduled posts of the window's last week."""
    if kind == "activity":
        return await activity_data(store, guild_id, window)
    if kind == "themes":
        return await themes_data(reports, guild_id, window)
    if times is None:
        week = max(window.since, window.now - 7 * 86_400)
        slots = await store.scheduled_slots(guild_id, week, window.now)
        times = posted_slot_times(slots, window.timezone)
    return await times_data(store, reports, guild_id, window, times)
