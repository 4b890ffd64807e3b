"""Moderator state per channel on PostgreSQL (the same contract as
``bot.store.sqlite.channel_state``): taking a skip and claiming a cycle's notice are each one
conditional statement, so two processes never take the same skip or both send one notice."""

from __future__ import annotations

from bot.store.postgres.queries import Queries


class ChannelStateStore(Queries):
    async def set_paused(self, guild_id: int, channel_id: int, paused: bool, now: int) -> None:
        await self._write(
            "INSERT INTO channel_state (channel_id, guild_id, paused, updated_at)"
            " VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (channel_id) DO UPDATE SET paused = excluded.paused,"
            " updated_at = excluded.updated_at",
            channel_id,
            guild_id,
            int(paused),
            now,
        )

    async def is_paused(self, channel_id: int) -> bool:
        row = await self._one("SELECT paused FROM channel_state WHERE channel_id = $1", channel_id)
        return bool(row and row[0])

    async def request_skip(self, guild_id: int, channel_id: int, now: int) -> int:
        """Skip one more upcoming scheduled post; returns how many skips are now pending."""
        row = await self._one(
            "INSERT INTO channel_state (channel_id, guild_id, skip_next, updated_at)"
            " VALUES ($1, $2, 1, $3) ON CONFLICT (channel_id) DO UPDATE"
            " SET skip_next = channel_state.skip_next + 1, updated_at = excluded.updated_at"
            " RETURNING skip_next",
            channel_id,
            guild_id,
            now,
        )
        return int(row[0]) if row else 0

    async def pending_skips(self, channel_id: int) -> int:
        row = await self._one(
            "SELECT skip_next FROM channel_state WHERE channel_id = $1", channel_id
        )
        return int(row[0]) if row else 0

    async def take_skip(self, channel_id: int) -> bool:
        """Consume one pending skip, atomically; True if there was one."""
        changed = await self._write(
            "UPDATE channel_state SET skip_next = skip_next - 1"
            " WHERE channel_id = $1 AND skip_next > 0",
            channel_id,
        )
        return changed == 1

    async def claim_low_pool_notice(
        self, guild_id: int, channel_id: int, cycle: int, now: int
    ) -> bool:
        """Record that the low-pool notice goes out for ``cycle``; False if it was sent for
        this cycle (or a later one) already, by this process or another."""
        return (
            await self._write(
                "INSERT INTO channel_state (channel_id, guild_id, low_pool_cycle, updated_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id) DO UPDATE"
                " SET low_pool_cycle = excluded.low_pool_cycle, updated_at = excluded.updated_at"
                " WHERE channel_state.low_pool_cycle IS NULL"
                " OR channel_state.low_pool_cycle < excluded.low_pool_cycle",
                channel_id,
                guild_id,
                cycle,
                now,
            )
            == 1
        )
