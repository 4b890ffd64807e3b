"""Conversation starters (``/starter``): claiming a channel's turn under its cooldown in one
statement (two members asking at once, or two processes, get one starter), the prompts
recently used in a channel (posted there or started there), and counts for reports."""

from __future__ import annotations

from bot.store.sqlite.queries import Queries


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
        async with self.db.execute(
            "INSERT INTO starters (guild_id, channel_id, prompt_id, theme_id, replaces, started_at)"
            " SELECT ?, ?, ?, ?, NULL, ? WHERE NOT EXISTS (SELECT 1 FROM starters"
            "  WHERE channel_id = ? AND replaces IS NULL AND started_at > ?)",
            (guild_id, channel_id, prompt_id, theme_id, now, channel_id, now - cooldown),
        ) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def replace(self, starter_id: int, prompt_id: str, theme_id: str, now: int) -> int | None:
        """Record "Another one" shown in place of starter ``starter_id``; the new id, or None
        if there is no such starter."""
        async with self.db.execute(
            "INSERT INTO starters (guild_id, channel_id, prompt_id, theme_id, replaces, started_at)"
            " SELECT guild_id, channel_id, ?, ?, id, ? FROM starters WHERE id = ?",
            (prompt_id, theme_id, now, starter_id),
        ) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def starter(self, starter_id: int) -> tuple[int, int, str] | None:
        """(guild id, channel id, prompt id) of a starter."""
        row = await self._one(
            "SELECT guild_id, channel_id, prompt_id FROM starters WHERE id = ?", (starter_id,)
        )
        return (row[0], row[1], row[2]) if row is not None else None

    async def last_asked(self, channel_id: int) -> int | None:
        """When the channel's latest starter was asked for (not counting "Another one")."""
        row = await self._one(
            "SELECT max(started_at) FROM starters WHERE channel_id = ? AND replaces IS NULL",
            (channel_id,),
        )
        return row[0] if row is not None else None

    async def last_uses(self, channel_id: int) -> dict[str, int]:
        """Each prompt's latest use in the channel: posted there (scheduled or by a moderator)
        or shown there as a starter."""
        rows = await self._all(
            "SELECT prompt_id, max(at) FROM ("
            " SELECT prompt_id, coalesce(posted_at, claimed_at) AS at FROM posts"
            "  WHERE channel_id = ? AND prompt_id IS NOT NULL AND status IN ('posted', 'claimed')"
            " UNION ALL"
            " SELECT prompt_id, started_at FROM starters WHERE channel_id = ?"
            ") GROUP BY prompt_id",
            (channel_id, channel_id),
        )
        return {prompt_id: at for prompt_id, at in rows}

    async def count(self, guild_id: int, since: int, now: int) -> int:
        """Starters asked for in the guild in ``[since, now]`` ("Another one" not counted)."""
        return await self._scalar(
            "SELECT count(*) FROM starters WHERE guild_id = ? AND replaces IS NULL"
            " AND started_at BETWEEN ? AND ?",
            (guild_id, since, now),
        )
