"""Moderator state per channel (``channel_state`` rows): pause and pending skips.

A row is created by the first request for its channel; a channel without one is running, with no
skips pending. Taking a skip is one conditional update, so two processes never take the same one.
"""

from __future__ import annotations

import logging

from bot.store.queries import Queries

log = logging.getLogger(__name__)


class ChannelStateStore(Queries):
    async def set_paused(self, guild_id: int, channel_id: int, paused: bool, now: int) -> None:
        await self._write(
            "INSERT INTO channel_state (channel_id, guild_id, paused, updated_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel_id) DO UPDATE SET paused = excluded.paused,"
            " updated_at = excluded.updated_at",
            (channel_id, guild_id, int(paused), now),
        )

    async def is_paused(self, channel_id: int) -> bool:
        row = await self._one(
            "SELECT paused FROM channel_state WHERE channel_id = ?", (channel_id,)
        )
        return bool(row and row[0])

    async def request_skip(self, guild_id: int, channel_id: int, now: int) -> int:
        """Skip one more upcoming scheduled post; returns how many skips are now pending."""
        await self._write(
            "INSERT INTO channel_state (channel_id, guild_id, skip_next, updated_at)"
            " VALUES (?, ?, 1, ?) ON CONFLICT (channel_id) DO UPDATE"
            " SET skip_next = skip_next + 1, updated_at = excluded.updated_at",
            (channel_id, guild_id, now),
        )
        return await self.pending_skips(channel_id)

    async def pending_skips(self, channel_id: int) -> int:
        row = await self._one(
            "SELECT skip_next FROM channel_state WHERE channel_id = ?", (channel_id,)
        )
        return row[0] if row else 0

    async def take_skip(self, channel_id: int) -> bool:
        """Consume one pending skip, atomically; True if there was one."""
        changed = await self._write(
            "UPDATE channel_state SET skip_next = skip_next - 1"
            " WHERE channel_id = ? AND skip_next > 0",
            (channel_id,),
        )
        return changed == 1
