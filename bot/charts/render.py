"""A chart from its data: the PNG, its alt text and its file name. Runs anywhere (the shell
commands call it directly; the bot runs it in a worker process, see ``worker``)."""

from __future__ import annotations

from bot.charts.alt_text import alt_text
from bot.charts.types import MIN_ACTIVITY, Chart, ChartData


def enough_activity(data: ChartData) -> bool:
    return data.total >= MIN_ACTIVITY


def chart_filename(data: ChartData) -> str:
    return f"{data.kind}-{data.window.last.isoformat()}.png"


def render_chart(data: ChartData) -> Chart:
    """Draw ``data``'s chart, or the "not enough activity yet" image when the window holds
    fewer than ``MIN_ACTIVITY`` answers and reactions."""
    from bot.charts.draw import draw

    enough = enough_activity(data)
    png, (width, height), texts = draw(data, enough)
    return Chart(
        data.kind, png, alt_text(data, enough), chart_filename(data), width, height, texts, enough
    )
