"""Charts as Discord attachments, for ``/stats server chart:`` and the weekly digest: the data
read from the stores on the event loop (quick queries), the drawing in the chart worker process,
the PNG attached with its alt text as Discord's attachment description."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.charts.data import chart_data, chart_window, posting_times
from bot.charts.render import enough_activity
from bot.charts.types import DEFAULT_DAYS, MAX_DAYS, Chart, ChartKind

if TYPE_CHECKING:
    from bot.app import Services
    from bot.config.settings import GuildConfig


@dataclass(frozen=True)
class ChartReply:
    """A drawn chart, or why there is none (``note``; ``quiet``: too little activity)."""

    chart: Chart | None
    note: str | None = None
    quiet: bool = False
    activity: int = 0  # answers and reactions in the window
    days: int = 0  # the window's days


def chart_file(chart: Chart) -> discord.File:
    """The chart as an attachment; its alt text is the attachment's description."""
    return discord.File(io.BytesIO(chart.png), filename=chart.filename, description=chart.alt_text)


def quiet_note(total: int, days: int, kind: str | None = None) -> str:
    """Why there is no chart: too little activity in the window."""
    what = f"the {kind} chart" if kind else "charts"
    return f"Not enough activity yet for {what} ({total} answer(s) and reaction(s) in {days} days)."


async def draw_chart(
    services: Services,
    guild: GuildConfig | None,
    guild_id: int,
    kind: ChartKind,
    now: int,
    days: int = DEFAULT_DAYS,
) -> ChartReply:
    """One chart of the server over the last ``days`` (at most ``MAX_DAYS``) local days, in
    its display timezone (UTC for a server missing from the config)."""
    from bot.charts.worker import ChartError

    tz = guild.display_timezone if guild else "UTC"
    window = chart_window(tz, now, min(days, MAX_DAYS))
    channels = guild.channels if guild else ()
    times = posting_times([(c.cron, c.timezone) for c in channels], tz, now)
    data = await chart_data(
        kind, services.stores.charts, services.stores.reports, guild_id, window, times
    )
    if not enough_activity(data):
        note = quiet_note(data.total, window.days, kind)
        return ChartReply(None, note, quiet=True, activity=data.total, days=window.days)
    try:
        return ChartReply(await services.chart_renderer.render(data))
    except ChartError as exc:
        return ChartReply(None, f"The {kind} chart could not be drawn: {exc}.")
