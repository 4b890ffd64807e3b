"""Members' suggestions and the claims on draft prompts being decided.

Deciding is claimed in one conditional statement (pending → deciding, or a new draft claim), so
when two moderators press at the same time exactly one decision is made; a claim the process
never finished (it stopped meanwhile) can be taken again after ``STALE_CLAIM`` seconds.
"""

from __future__ import annotations

from bot.store.member_rows import followups_json, suggestion
from bot.store.sqlite.queries import Queries
from bot.suggestions.types import DECIDING, PENDING, STALE_CLAIM, WITHDRAWN, Limits, Suggestion

DAY = 86_400
_OPEN = f"(status = '{PENDING}' OR (status = '{DECIDING}' AND decided_at < ?))"


class SuggestionStore(Queries):
    async def add(
        self,
        guild_id: int,
        member_id: int,
        question: str,
        theme_id: str | None,
        note: str | None,
        credit_name: str | None,
        now: int,
        limits: Limits,
    ) -> int | None:
        """Store a pending suggestion unless the member is at a limit; its id, or None."""
        async with self.db.execute(
            "INSERT INTO suggestions (guild_id, member_id, question, theme_id, note,"
            " credit_name, created_at) SELECT ?, ?, ?, ?, ?, ?, ?"
            " WHERE (SELECT count(*) FROM suggestions WHERE guild_id = ? AND member_id = ?"
            f"  AND status IN ('{PENDING}', '{DECIDING}')) < ?"
            " AND (SELECT count(*) FROM suggestions WHERE guild_id = ? AND member_id = ?"
            "  AND created_at > ?) < ?",
            (
                guild_id,
                member_id,
                question,
                theme_id,
                note,
                credit_name,
                now,
                guild_id,
                member_id,
                limits.pending,
                guild_id,
                member_id,
                now - DAY,
                limits.per_day,
            ),
        ) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def counts(self, guild_id: int, member_id: int, now: int) -> tuple[int, int]:
        """(pending, suggested in the last 24 hours) for one member."""
        row = await self._one(
            f"SELECT sum(status IN ('{PENDING}', '{DECIDING}')), sum(created_at > ?)"
            " FROM suggestions WHERE guild_id = ? AND member_id = ?",
            (now - DAY, guild_id, member_id),
        )
        return (row[0] or 0, row[1] or 0) if row else (0, 0)

    async def get(self, suggestion_id: int) -> Suggestion | None:
        row = await self._one("SELECT * FROM suggestions WHERE id = ?", (suggestion_id,))
        return suggestion(row) if row else None

    async def of_member(self, guild_id: int, member_id: int) -> list[Suggestion]:
        rows = await self._all(
            "SELECT * FROM suggestions WHERE guild_id = ? AND member_id = ? ORDER BY id",
            (guild_id, member_id),
        )
        return [suggestion(r) for r in rows]

    async def pending(self, guild_id: int, now: int) -> list[Suggestion]:
        """Suggestions waiting for a decision, oldest first (stale claims included)."""
        rows = await self._all(
            f"SELECT * FROM suggestions WHERE guild_id = ? AND {_OPEN} ORDER BY id",
            (guild_id, now - STALE_CLAIM),
        )
        return [suggestion(r) for r in rows]

    async def withdraw(self, suggestion_id: int, member_id: int, now: int) -> bool:
        changed = await self._write(
            f"UPDATE suggestions SET status = '{WITHDRAWN}', decided_at = ?"
            f" WHERE id = ? AND member_id = ? AND status = '{PENDING}'",
            (now, suggestion_id, member_id),
        )
        return changed == 1

    async def edit(
        self, suggestion_id: int, question: str, followups: tuple[str, ...], theme_id: str | None
    ) -> bool:
        changed = await self._write(
            "UPDATE suggestions SET question = ?, followups = ?, theme_id = ?"
            f" WHERE id = ? AND status = '{PENDING}'",
            (question, followups_json(followups), theme_id, suggestion_id),
        )
        return changed == 1

    async def claim(self, suggestion_id: int, moderator_id: int, now: int) -> bool:
        """Start deciding; False when another decision was made or is being made."""
        changed = await self._write(
            f"UPDATE suggestions SET status = '{DECIDING}', decided_at = ?, decided_by = ?"
            f" WHERE id = ? AND {_OPEN}",
            (now, moderator_id, suggestion_id, now - STALE_CLAIM),
        )
        return changed == 1

    async def release(self, suggestion_id: int) -> None:
        """The decision could not be written: the suggestion is pending again."""
        await self._write(
            f"UPDATE suggestions SET status = '{PENDING}', decided_at = NULL, decided_by = NULL"
            f" WHERE id = ? AND status = '{DECIDING}'",
            (suggestion_id,),
        )

    async def finish(
        self, suggestion_id: int, status: str, reason: str | None, prompt_id: str | None
    ) -> None:
        await self._write(
            "UPDATE suggestions SET status = ?, reason = ?, prompt_id = ?"
            f" WHERE id = ? AND status = '{DECIDING}'",
            (status, reason, prompt_id, suggestion_id),
        )

    async def forget(self, guild_id: int, member_id: int) -> list[Suggestion]:
        """Erase every suggestion of the member; returns what was erased."""
        rows = await self._all(
            "DELETE FROM suggestions WHERE guild_id = ? AND member_id = ? RETURNING *",
            (guild_id, member_id),
        )
        return [suggestion(r) for r in rows]

    async def set_card(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """Remember the mod-log card that announced the suggestion (an erase edits it)."""
        await self._write(
            "UPDATE suggestions SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
            (channel_id, message_id, suggestion_id),
        )

    async def claim_draft(self, prompt_id: str, moderator_id: int, now: int) -> bool:
        changed = await self._write(
            "INSERT INTO draft_decisions (prompt_id, decided_by, decided_at) VALUES (?, ?, ?)"
            " ON CONFLICT (prompt_id) DO UPDATE SET decided_by = excluded.decided_by,"
            " decided_at = excluded.decided_at WHERE draft_decisions.decided_at < ?",
            (prompt_id, moderator_id, now, now - STALE_CLAIM),
        )
        return changed == 1

    async def draft_claimed_at(self, prompt_id: str) -> int | None:
        """When the draft's decision was claimed (None: no claim)."""
        row = await self._one(
            "SELECT decided_at FROM draft_decisions WHERE prompt_id = ?", (prompt_id,)
        )
        return row[0] if row else None

    async def release_draft(self, prompt_id: str) -> None:
        await self._write("DELETE FROM draft_decisions WHERE prompt_id = ?", (prompt_id,))
