"""``python -m bot preview``: the next scheduled posts per channel, offline.

Times are shown in each channel's own timezone; prompts follow the rotation from the history in
the database, honouring paused channels and pending moderator skips. Nothing is written: without
a database file the history is empty.
"""

from __future__ import annotations

import argparse
import asyncio
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import app_for
from bot.config.settings import ChannelConfig, Settings, load_config
from bot.posting.rotation import plan_posts, pool_for
from bot.posting.types import HistoryEntry
from bot.prompts.model import Library
from bot.schedule.cron import slots_between
from bot.store import database_errors, database_exists

QUESTION_WIDTH = 70


@dataclass(frozen=True)
class ChannelState:
    history: list[HistoryEntry] = field(default_factory=list)
    paused: bool = False
    skips: int = 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("preview", help="show the next scheduled posts per channel (offline)")
    parser.add_argument("--config", default="config.yaml", help="config file (config.yaml)")
    parser.add_argument("--days", type=_positive, default=7, help="how many days ahead (7)")
    parser.add_argument("--now", default=None, help=argparse.SUPPRESS)  # ISO time, for tests
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    now = parse_now(args.now)
    settings = load_config(Path(args.config))
    library = load_prompts(settings)
    known_prompts = {p.id for t in library.themes for p in t.prompts}
    known_themes = {t.id for t in library.themes}
    settings = load_config(Path(args.config), known_themes, known_prompts)
    print("\n".join(asyncio.run(preview(settings, library, now, args.days))))
    return 0


MAX_DAYS = 366


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be a whole number of days, from 1 to {MAX_DAYS}")
    return int(text)


def parse_now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    when = datetime.fromisoformat(text)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def load_prompts(settings: Settings) -> Library:
    from bot.prompts.loader import load_library  # the prompt files' reader

    return load_library(settings.prompts_dir)


async def preview(settings: Settings, library: Library, now: datetime, days: int) -> list[str]:
    """Lines describing every channel's posts in ``(now, now + days]``."""
    states = await read_states(settings)
    lines: list[str] = []
    for guild in settings.guilds:
        for channel in guild.channels:
            state = states.get(channel.channel_id, ChannelState())
            if lines:
                lines.append("")
            lines += channel_lines(guild.guild_id, channel, library, state, now, days)
    return lines or ["no channels configured"]


async def read_states(settings: Settings) -> dict[int, ChannelState]:
    if not database_exists(settings.database):
        return {}
    with database_errors(settings.database):
        return await _read_states(settings)


async def _read_states(settings: Settings) -> dict[int, ChannelState]:
    async with app_for(settings) as app:
        store = app.stores.posting
        states = {}
        for guild in settings.guilds:
            for ch in guild.channels:
                states[ch.channel_id] = ChannelState(
                    history=await store.posts.history(ch.channel_id),
                    paused=await store.channels.is_paused(ch.channel_id),
                    skips=await store.channels.pending_skips(ch.channel_id),
                )
        return states


def channel_lines(
    guild_id: int,
    channel: ChannelConfig,
    library: Library,
    state: ChannelState,
    now: datetime,
    days: int,
) -> list[str]:
    header = (
        f"guild {guild_id} · channel {channel.channel_id} · {channel.cron} ({channel.timezone})"
    )
    if state.paused:
        return [header, "  paused: no scheduled posts until a moderator resumes it"]
    pool = pool_for(library, channel)
    slots = slots_between(channel.cron, channel.timezone, now, now + timedelta(days=days))
    if not slots:
        return [header, f"  no posts in the next {days} days"]
    zone = ZoneInfo(channel.timezone)
    lines = [header]
    for planned in plan_posts(pool, state.history, slots, state.skips):
        when = planned.slot.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if planned.skipped:
            what = "skipped (a moderator asked to skip it)"
        elif planned.prompt is None:
            what = "nothing to post: no enabled prompts for this channel"
        else:
            p = planned.prompt
            what = f"{p.theme_id}/{p.id}  {shorten(p.question)}"
        lines.append(f"  {when}  {what}")
    return lines


def shorten(text: str, width: int = QUESTION_WIDTH) -> str:
    return textwrap.shorten(text, width, placeholder="…")
