"""``python -m bot stats --guild ID --chart activity|themes|times --out FILE.png``: a chart of
the server's participation written as a PNG (see ``bot.charts``).

The display timezone and the posting times marked on the ``times`` chart come from the guild's
config when ``--config`` (or ./config.yaml without ``--db``) names it; else ``--timezone``
(default UTC) and the slots of the scheduled prompts posted in the window's last week.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.app import app_for
from bot.charts.data import chart_data, chart_window, posting_times
from bot.charts.render import render_chart
from bot.charts.types import CHART_KINDS, DEFAULT_DAYS, MAX_DAYS, Chart, ChartData, PostingTime
from bot.cli.output import check_target, put_in_place
from bot.config.database import Database
from bot.config.settings import Settings
from bot.errors import InputError, Problem
from bot.store import database_errors

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def add_chart_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--chart", choices=CHART_KINDS, help="write this chart as a PNG instead (needs --out)"
    )
    parser.add_argument("--out", type=Path, help="PNG file to write (with --chart)")
    parser.add_argument(
        "--timezone", help="IANA timezone of the chart's days and hours (default: from the config)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing non-PNG file")


def _problem(where: str, message: str) -> InputError:
    return InputError([Problem(where, None, message)])


def _guild_settings(args: argparse.Namespace) -> tuple[str, tuple[PostingTime, ...] | None]:
    """(display timezone, the guild's posting times or None) from the config, if one is read."""
    config = args.config
    if config is None and args.db is None and Path("config.yaml").exists():
        config = Path("config.yaml")
    guild = None
    if config is not None:
        from bot.config.settings import load_config

        guild = load_config(config).guild(args.guild)
    tz = args.timezone or (guild.display_timezone if guild else "UTC")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"{tz!r} is not an IANA timezone name (e.g. Europe/London)"
        raise _problem("--timezone", message) from None
    if guild is None or not guild.channels:
        return tz, None
    schedules = [(c.cron, c.timezone) for c in guild.channels]
    return tz, posting_times(schedules, tz, int(time.time()))


def check_png_target(target: Path, force: bool) -> None:
    """As the export: only a regular file in an existing folder; an existing file is replaced
    when it is a PNG (a chart drawn before), anything else only with ``--force``."""
    is_png = False
    if target.is_file() and not target.is_symlink():
        try:
            with target.open("rb") as f:
                is_png = f.read(8) == PNG_SIGNATURE
        except OSError:
            pass
    check_target(target, force or is_png)


def run_chart(args: argparse.Namespace, database: Database) -> int:
    if args.out is None:
        raise _problem("--chart", "needs --out FILE.png (where to write the chart)")
    days = args.days or DEFAULT_DAYS
    if days > MAX_DAYS:
        raise _problem("--days", f"a chart covers 1 to {MAX_DAYS} days, not {days}")
    target = args.out
    check_png_target(target, args.force)
    tz, times = _guild_settings(args)
    window = chart_window(tz, int(time.time()), days)

    async def go() -> ChartData:
        async with app_for(Settings(database=database)) as app:
            stores = app.stores
            return await chart_data(
                args.chart, stores.charts, stores.reports, args.guild, window, times
            )

    with database_errors(database):
        data = asyncio.run(go())
    chart = render_chart(data)
    _write(chart, target)
    _describe(chart, target)
    return 0


def _write(chart: Chart, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(chart.png)
        put_in_place(Path(tmp), target, force=True)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _describe(chart: Chart, target: Path) -> None:
    print(
        f"{target}: {chart.kind} chart, {chart.width}x{chart.height} px, "
        f"{len(chart.png) / 1024:.0f} KiB"
    )
    if not chart.enough:
        print("Not enough activity yet: the image says so.")
    print(f"Alt text: {chart.alt_text}")
