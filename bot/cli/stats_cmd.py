"""``python -m bot stats --guild ID [--days N]``: the server report in the shell."""

from __future__ import annotations

import argparse
import asyncio
import importlib

from bot.app import app_for
from bot.cli.database_args import add_db_arguments, database_setting, window
from bot.config.settings import Settings
from bot.reports.builders import server_report
from bot.reports.types import ServerReport
from bot.store import database_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("stats", help="participation report (or chart) for a server")
    add_db_arguments(parser, days_default="7; 28 for a chart")
    importlib.import_module("bot.cli.stats_chart").add_chart_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    database = database_setting(args)
    if args.chart is not None:
        return importlib.import_module("bot.cli.stats_chart").run_chart(args, database)
    since, now = window(args.days)

    async def go() -> ServerReport:
        async with app_for(Settings(database=database)) as app:
            return await server_report(app.stores.reports, args.guild, since, now)

    with database_errors(database):
        report = asyncio.run(go())
    print(format_report(report, args.days or 7))
    return 0


def format_report(r: ServerReport, days: int) -> str:
    lines = [
        f"Server {r.guild_id}, last {days} days",
        f"  active members   {r.active_members} ({r.new_members} new, {r.returning_members}"
        " returning)",
        f"  answers          {r.answers}",
        f"  reactions        {r.reactions}",
        f"  prompts posted   {r.posts}",
    ]
    if r.starters:
        lines.append(f"  starters asked   {r.starters}  (/starter; not posts)")
    for title, ranked in r.rankings():
        lines.append(f"  {title.lower()} (answers per post):")
        lines += [f"    {x.key}  {x.per_post:.1f}  ({x.answers}/{x.posts})" for x in ranked]
        if not ranked:
            lines.append("    none")
    return "\n".join(lines)
