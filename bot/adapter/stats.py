"""Moderator reports: ``/stats server [days]``, ``/stats prompt <id>``, ``/stats member
<member>`` and ``/export [days]`` (a CSV attachment). Both moderator gates on every command;
every reply is ephemeral and pings nobody. The weekly digest and the daily retention purge
live in ``report_tasks``.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.charts import chart_file, draw_chart
from bot.adapter.checks import ModGroup, mod_command
from bot.adapter.context import guild_id_of
from bot.adapter.mod_log import post_to_mod_log
from bot.adapter.report_tasks import ReportTasks
from bot.adapter.tree import BoundedInt
from bot.charts.types import DEFAULT_DAYS, ChartKind
from bot.participation.types import Ranked
from bot.reports.builders import member_report, prompt_report, server_report
from bot.reports.digest import anonymous_note, counted, iso, starters_note
from bot.reports.export import export_csv

if TYPE_CHECKING:
    from bot.adapter.client import DiscussionBot
    from bot.app import Services
    from bot.reports.ports import ReportRecords
    from bot.reports.types import PromptReport, ServerReport


DAY = 86400
NO_PINGS = discord.AllowedMentions.none()
Days = app_commands.Transform[int, BoundedInt(1, 3650)]


def _ranked(title: str, ranked: Iterable[Ranked]) -> list[str]:
    return [f"{title}: " + ", ".join(f"{r.key} ({r.per_post:.1f}/post)" for r in ranked)]


def server_text(r: ServerReport, days: int) -> str:
    lines = [
        f"Last {days} day(s): {r.active_members} active members ({r.new_members} new, "
        f"{r.returning_members} returning)",
        f"Answers: {r.answers}, reactions: {r.reactions}, prompts posted: {r.posts}"
        + anonymous_note(r.anonymous_answers)
        + starters_note(r.starters),
    ]
    for title, ranked in r.rankings():
        if ranked:
            lines += _ranked(title, ranked)
    return "\n".join(lines)[:2000]


def prompt_text(r: PromptReport) -> str:
    if not r.posts:  # the id as typed, shortened: the reply must stay within 2000 characters
        shown = r.prompt_id if len(r.prompt_id) <= 100 else r.prompt_id[:99] + "…"
        return f"Prompt {shown} was never posted in this server."
    mean = "unknown" if r.mean_length is None else f"{r.mean_length:.0f} characters"
    return (
        f"Prompt {r.prompt_id}: posted {r.posts} time(s), first {iso(r.first_posted or 0)}, "
        f"last {iso(r.last_posted or 0)}\n"
        f"Answers: {r.answers} ({r.answers_per_post:.1f} per post), reactions: {r.reactions}, "
        f"members: {r.members}, mean answer length: {mean}" + anonymous_note(r.anonymous_answers)
    )


class StatsCog(commands.Cog, name="Stats"):
    stats = ModGroup(name="stats", description="Participation reports for moderators")

    def __init__(self, bot: DiscussionBot, services: Services) -> None:
        self.bot = bot
        self.services = services

    async def _note(self, interaction: discord.Interaction, text: str) -> None:
        """Tell the mod-log that a moderator read members' records (who, what, when); a
        missing or refusing mod-log does not stop the report."""
        guild = self.services.settings.guild(interaction.guild_id)
        note = f"<@{interaction.user.id}> {text} (<t:{self.services.now_seconds()}:f>)."
        await post_to_mod_log(self.bot, guild, note)

    async def _fresh(self) -> None:
        """Reports include what is still queued for writing."""
        await self.services.writer.flush()

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @stats.command(name="server", description="Activity over the last days (default 7)")
    @app_commands.describe(
        days="How many days back (1-3650, default 7; a chart: default 28, at most 90)",
        chart="Also attach a chart: activity per day, themes, or when members answer",
    )
    async def server(
        self,
        interaction: discord.Interaction,
        days: Optional[Days] = None,  # noqa: UP045 (a transformer does not support |)
        chart: Optional[Literal["activity", "themes", "times"]] = None,  # noqa: UP045
    ) -> None:
        if chart is not None:
            await interaction.response.defer(ephemeral=True, thinking=True)
        await self._fresh()
        now = self.services.now_seconds()
        shown = days or 7
        end = now + 1  # what was recorded in the current second counts (the end is excluded)
        report = await server_report(
            self.services.stores.reports, guild_id_of(interaction), end - shown * DAY, end
        )
        paced = await self.services.facilitation.figures(
            guild_id_of(interaction), now - shown * DAY
        )
        text = "\n".join([server_text(report, shown), *paced.lines()])
        if chart is None:
            await self._reply(interaction, text[:2000])
            return
        await self._send_chart(interaction, text, chart, now, days)

    async def _send_chart(
        self,
        interaction: discord.Interaction,
        text: str,
        kind: ChartKind,
        now: int,
        days: int | None,
    ) -> None:
        """The report with the chart attached, or with a line saying why there is none."""
        guild = self.services.settings.guild(interaction.guild_id)
        drawn = await draw_chart(
            self.services, guild, guild_id_of(interaction), kind, now, days or DEFAULT_DAYS
        )
        if drawn.chart is None:
            note = drawn.note or ""
            text = text[: 2000 - len(note) - 1] + "\n" + note
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await interaction.followup.send(
            text[:2000], file=chart_file(drawn.chart), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @stats.command(name="prompt", description="All-time figures of one prompt")
    @app_commands.describe(prompt="The prompt's id (suggested as you type)")
    async def prompt(self, interaction: discord.Interaction, prompt: str) -> None:
        await self._fresh()
        report = await prompt_report(
            self.services.stores.reports, guild_id_of(interaction), prompt.strip()
        )
        await self._reply(interaction, prompt_text(report))

    @prompt.autocomplete("prompt")
    async def prompt_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.lower()
        found = []
        for theme in self.services.library.library.themes:
            for p in theme.prompts:
                if needle in p.id.lower() or needle in p.question.lower():
                    name = f"{p.id}: {p.question}"
                    found.append(app_commands.Choice(name=name[:100], value=p.id))
        return found[:25]

    @stats.command(name="member", description="A member's participation")
    @app_commands.describe(member="Whose participation to show")
    async def member(self, interaction: discord.Interaction, member: discord.User) -> None:
        await self._fresh()
        r = await member_report(self.services.stores.reports, guild_id_of(interaction), member.id)
        last = iso(r.last_at) if r.last_at else "never"
        text = (
            f"{member.mention}: {counted(r.answers, 'answer')} on"
            f" {counted(r.prompts_answered, 'prompt')}, {counted(r.reactions, 'reaction')},"
            f" {counted(r.themes_touched, 'theme')}; current streak "
            f"{r.current_streak}, best {r.best_streak}; last seen {last}"
        )
        await self._reply(interaction, text)
        await self._note(interaction, f"looked up the participation of <@{member.id}>")

    @app_commands.command(name="export", description="Participation as a CSV file")
    @app_commands.describe(days="Only the last N days (1-3650; default: all records)")
    @mod_command
    async def export(
        self,
        interaction: discord.Interaction,
        days: Optional[Days] = None,  # noqa: UP045 (a transformer does not support |)
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._fresh()
        now = self.services.now_seconds()
        since = now - days * DAY if days else 0
        await send_export(self.services.stores.reports, interaction, since, now)
        span = f"the last {days} day(s)" if days else "all time"
        await self._note(interaction, f"exported the participation records of {span}")


async def send_export(
    store: ReportRecords, interaction: discord.Interaction, since: int, now: int
) -> None:
    """Write the CSV to a private temporary file, then attach it to an ephemeral follow-up.

    Each export has its own file, written only from the event loop (the database thread hands
    rows over in batches), so concurrent exports cannot mix. A file over the server's upload
    limit (``filesize_limit``: 10 MiB, up to 100 MiB with boosts) is not sent: the reply says to
    use fewer days or ``python -m bot export``.
    """
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        rows = await export_csv(store, guild_id_of(interaction), since, text)
        text.flush()
        size = raw.tell()
        text.detach()
        if size > interaction.filesize_limit:
            await interaction.followup.send(
                f"The export has {rows} rows ({size / 2**20:.1f} MiB), more than this server "
                "accepts as an upload. Use fewer days, or `python -m bot export` on the host.",
                ephemeral=True,
            )
            return
        raw.seek(0)
        name = f"participation-{interaction.guild_id}-{iso(now)[:10]}.csv"
        await interaction.followup.send(
            f"{rows} records.", file=discord.File(raw, filename=name), ephemeral=True
        )


COGS = [StatsCog, ReportTasks]
