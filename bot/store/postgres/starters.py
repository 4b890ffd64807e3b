"""Conversation starters (``/starter``) in PostgreSQL: claiming a channel's turn under its
cooldown (two members asking at once, or two processes, get one starter), the prompts recently
used in a channel, and counts for reports.

SQLite runs one writer at a time, so its check-and-insert is one statement. Here two
transactions could both find the channel free and both insert; the claim therefore holds a
transaction-scoped advisory lock on the channel while it checks and inserts.
"""

from __future__ import annotations

import asyncpg

from bot.store.postgres.queries import Queries

# The advisory lock's first key: this kind of lock ('star'); the second is the channel (its id
# folded into 31 bits: two channels sharing a key only wait for each other).
_LOCK_SPACE = 0x73746172

_CLAIM = """
INSERT INTO starters (guild_id, channel_id, prompt_id, theme_id, replaces, started_at)
SELECT $1::bigint, $2::bigint, $3::text, $4::text, NULL::bigint, $5::bigint
WHERE NOT EXISTS (SELECT 1 FROM starters
    WHERE channel_id = $2 AND replaces IS NULL AND started_at > $6)
RETURNING id"""


class StarterStore(Queries):
    async def claim(
        self,
        guild_id: int,
        channel_id: int,
        prompt_id: str,
        theme_id: str,
        now: int,
        cooldown: int,
    ) -> int | None:
        """Record a starter asked for in the channel unless one was asked for there in the last
        ``cooldown`` seconds; its id, or None (the channel is cooling down)."""

        async def claim(con: asyncpg.Connection) -> int | None:
            await con.execute(
                "SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::integer)",
                _LOCK_SPACE,
                channel_id,
            )
            return await con.fetchval(
                _CLAIM, guild_id, channel_id, prompt_id, theme_id, now, now - cooldown
            )

        return await self.db.in_transaction(claim)

    async def replace(self, starter_id: int, prompt_id: str, theme_id: str, now: int) -> int | None:
        """Record "Another one" shown in place of starter ``starter_id``; the new id, or None
        if there is no such starter."""
        row = await self._one(
            "INSERT INTO starters (guild_id, channel_id, prompt_id, theme_id, replaces, started_at)"
            " SELECT guild_id, channel_id, $1::text, $2::text, id, $3::bigint"
            " FROM starters WHERE id = $4"
            " RETURNING id",
            prompt_id,
            theme_id,
            now,
            starter_id,
        )
        return row[0] if row is not None else None

    async def starter(self, starter_id: int) -> tuple[int, int, str] | None:
        """(guild id, channel id, prompt id) of a starter."""
        row = await self._one(
            "SELECT guild_id, channel_id, prompt_id FROM starters WHERE id = $1", starter_id
        )
        return (row[0], row[1], row[2]) if row is not None else None

    async def last_asked(self, channel_id: int) -> int | None:
        """When the channel's latest starter was asked for (not counting "Another one")."""
        return await self._scalar(
            "SELECT max(started_at) FROM starters WHERE channel_id = $1 AND replaces IS NULL",
            channel_id,
        )

    async def last_uses(self, channel_id: int) -> dict[str, int]:
        """Each prompt's latest use in the channel: posted there (scheduled or by a moderator)
        or shown there as a starter."""
        rows = await self._all(
            "SELECT prompt_id, max(at) FROM ("
            " SELECT prompt_id, coalesce(posted_at, claimed_at) AS at FROM posts"
            "  WHERE channel_id = $1 AND prompt_id IS NOT NULL AND status IN ('posted', 'claimed')"
            " UNION ALL"
            " SELECT prompt_id, started_at FROM starters WHERE channel_id = $1"
            ") AS uses GROUP BY prompt_id",
            channel_id,
        )
        return {prompt_id: at for prompt_id, at in rows}

    async def count(self, guild_id: int, since: int, now: int) -> int:
        """Starters asked for in the guild in ``[since, now]`` ("Another one" not counted)."""
        return int(
            await self._scalar(
                "SELECT count(*) FROM starters WHERE guild_id = $1 AND replaces IS NULL"
                " AND started_at BETWEEN $2 AND $3",
                guild_id,
                since,
                now,
            )
        )
