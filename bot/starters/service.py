"""``/starter``: a member asks for a conversation starter in one of the guild's
``starter_channels`` and gets a prompt from that channel's pool (the channel's configured
themes and prompts when it is also a prompt channel, else the whole library), the one least
recently used there — posted on the schedule, by a moderator or as an earlier starter — never a
sensitive one (heavy subjects are posted by moderators, with their care note) nor a draft.

Limits: one starter per channel per ``starter_cooldown`` (claimed in the database, so two
members asking at once get one), and ``starter_daily_limit`` per member in any 24 hours (kept in
memory only: the bot stores nothing about who asked). "Another one" shows a different prompt in
place of the first; it counts toward neither limit. Starters never enter the scheduled
rotation's history.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config.settings import GuildConfig, Settings
from bot.posting.rotation import pool_for
from bot.prompts.model import Library, Prompt
from bot.starters.ports import StarterRecords

log = logging.getLogger(__name__)

DAY = 86400


@dataclass(frozen=True)
class Starter:
    """A prompt shown as starter ``starter_id`` (or a refusal: ``prompt`` None, ``why`` the
    member's private explanation)."""

    starter_id: int | None
    prompt: Prompt | None
    why: str = ""


def refusal(why: str) -> Starter:
    return Starter(None, None, why)


def when(seconds: int) -> str:
    return f"<t:{seconds}:R>"


def choose(pool: list[Prompt], last_uses: dict[str, int], exclude: str | None) -> Prompt | None:
    """The least recently used prompt of the pool (never used first, then file order)."""
    candidates = [p for p in pool if p.id != exclude] or pool
    if not candidates:
        return None
    order = {p.id: n for n, p in enumerate(candidates)}
    return min(candidates, key=lambda p: (last_uses.get(p.id, -1), order[p.id]))


class StarterService:
    def __init__(
        self, settings: Settings, store: StarterRecords, library: Callable[[], Library]
    ) -> None:
        self.settings = settings
        self.store = store
        self.library = library
        self.asked: dict[tuple[int, int], deque[int]] = {}  # (guild, member) → times, memory only

    def pool(self, guild: GuildConfig, channel_id: int) -> list[Prompt]:
        library = self.library()
        channel = next((c for c in guild.channels if c.channel_id == channel_id), None)
        prompts = pool_for(library, channel) if channel else library.enabled_prompts()
        return [p for p in prompts if p.may_post and not p.sensitive]

    async def ask(
        self, guild_id: int | None, channel_id: int, member_id: int, now: datetime
    ) -> Starter:
        guild = self.settings.guild(guild_id)
        if guild is None or not guild.starter_channels:
            return refusal("Conversation starters are not turned on in this server.")
        if channel_id not in guild.starter_channels:
            places = ", ".join(f"<#{c}>" for c in guild.starter_channels)
            return refusal(f"Not here: /starter works in {places}.")
        at = int(now.timestamp())
        times = self._recent(guild.guild_id, member_id, at)
        if len(times) >= guild.starter_daily_limit:
            return refusal(
                f"You have asked for {len(times)} starters in the last 24 hours, the most"
                f" allowed; you can ask again {when(times[0] + DAY)}."
            )
        pool = self.pool(guild, channel_id)
        prompt = choose(pool, await self.store.last_uses(channel_id), None)
        if prompt is None:
            return refusal("There are no prompts to start a conversation with here yet.")
        cooldown = int(guild.starter_cooldown.total_seconds())
        starter_id = await self.store.claim(
            guild.guild_id, channel_id, prompt.id, prompt.theme_id, at, cooldown
        )
        if starter_id is None:
            last = await self.store.last_asked(channel_id) or at
            return refusal(
                f"A conversation starter was posted here {when(last)}; the next one can be"
                f" asked for {when(last + cooldown)} (one every {minutes(guild.starter_cooldown)}"
                " in this channel)."
            )
        times.append(at)
        log.info("starter %s in channel %s: %s", starter_id, channel_id, prompt.id)
        return Starter(starter_id, prompt)

    async def again(self, starter_id: int, now: datetime) -> Starter:
        """Another prompt in place of starter ``starter_id``."""
        found = await self.store.starter(starter_id)
        guild = self.settings.guild(found[0]) if found else None
        if found is None or guild is None:
            return refusal("This starter is no longer available; use /starter for a new one.")
        _, channel_id, shown = found
        pool = self.pool(guild, channel_id)
        prompt = choose(pool, await self.store.last_uses(channel_id), shown)
        if prompt is None:
            return refusal("There are no other prompts here yet.")
        at = int(now.timestamp())
        new_id = await self.store.replace(starter_id, prompt.id, prompt.theme_id, at)
        return Starter(new_id, prompt)

    def _recent(self, guild_id: int, member_id: int, at: int) -> deque[int]:
        times = self.asked.setdefault((guild_id, member_id), deque())
        while times and times[0] <= at - DAY:
            times.popleft()
        return times


def minutes(span: timedelta) -> str:
    total = int(span.total_seconds())
    if total % 60:
        return f"{total} seconds"
    return "minute" if total == 60 else f"{total // 60} minutes"
