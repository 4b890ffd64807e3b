"""Charts as Discord attachments, for ``/stats server chart:`` and the weekly digest: the data
read from the stores on the event loop (quick queries), the drawing in the chart worker process,
the PNG attached with its alt text as Discord's attachment description."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.charts.data import chart_data, chart_window, posting_times
from bot.charts.render import enough_activity
from bot.charts.types import DEFAULT_DAYS, MAX_DAYS, Chart, ChartKind

if TYPE_CHECKING:
    from bot.adapter.services import Services
    from bot.config.settings import GuildConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChartReply:
    """A drawn chart, or why there is none (``note``)."""

    chart: Chart | None
    note: str | None = None


def chart_file(chart: Chart) -> discord.File:
    """The chart as an attachment; its alt text is the attachment's description."""
    return discord.File(io.BytesIO(chart.png), filename=chart.filename, description=chart.alt_text)


async def draw_chart(
    services: Services, guild: GuildConfig, kind: ChartKind, now: int, days: int = DEFAULT_DAYS
) -> ChartReply:
    """One chart of ``guild`` over the last ``days`` (at most ``MAX_DAYS``) local days."""
    from bot.charts.worker import ChartError

    tz = guild.display_timezone
    window = chart_window(tz, now, min(days, MAX_DAYS))
    times = posting_times([(c.cron, c.timezone) for c in guild.channels], tz, now)
    data = await chart_data(kind, services.charts, services.reports, guild.guild_id, window, times)
    if not enough_activity(data):
        counts = f"{data.total} answer(s) and reaction(s) in {window.days} days"
        return ChartReply(None, f"Not enough activity yet for the {kind} chart ({counts}).")
    try:
        return ChartReply(await services.chart_renderer.render(data))
    except ChartError as exc:
        return ChartReply(None, f"The {kind} chart could not be drawn: {exc}.")
