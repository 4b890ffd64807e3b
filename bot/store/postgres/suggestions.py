"""Members' suggestions and the claims on draft prompts being decided, in PostgreSQL.

Suggestion numbers come from an identity column: a number is never given twice, also after the
member erased theirs (the sequence is never reset). Deciding is claimed in one conditional
statement (pending → deciding, or a new row in ``draft_decisions`` keyed by the prompt), so when
two moderators press at the same time, in one process or in two on the same database, exactly
one decision is made: the second statement waits for the first to commit and then finds the
row taken. A claim never finished can be taken again after ``STALE_CLAIM`` seconds.

A member's limits are checked in the statement that stores the suggestion, under a lock on that
member held until the transaction ends, so two suggestions sent at once cannot both pass them.
"""

from __future__ import annotations

import asyncpg

from bot.store.member_rows import followups_json, suggestion
from bot.store.postgres.queries import Queries
from bot.store.postgres.scrub import erase_traces
from bot.suggestions.types import DECIDING, PENDING, STALE_CLAIM, WITHDRAWN, Limits, Suggestion

DAY = 86_400
_OPEN = f"(status = '{PENDING}' OR (status = '{DECIDING}' AND decided_at < $%d))"
# One member's suggestions in a server are added one at a time (the lock ends with the
# transaction); the key is a hash of the member, so unrelated members rarely share one.
_MEMBER_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"
_ADD = (
    "INSERT INTO suggestions (guild_id, member_id, question, theme_id, note, credit_name,"
    " created_at) SELECT $1, $2, $3, $4, $5, $6, $7"
    " WHERE (SELECT count(*) FROM suggestions WHERE guild_id = $1 AND member_id = $2"
    f"  AND status IN ('{PENDING}', '{DECIDING}')) < $8"
    " AND (SELECT count(*) FROM suggestions WHERE guild_id = $1 AND member_id = $2"
    "  AND created_at > $9) < $10"
    " RETURNING id"
)


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

        async def add(con: asyncpg.Connection) -> int | None:
            # The lock first, in its own statement: the insert's snapshot is then taken after
            # the member's previous suggestion (if any) was committed.
            await con.execute(_MEMBER_LOCK, f"suggestions:{guild_id}:{member_id}")
            return await con.fetchval(
                _ADD,
                guild_id, member_id, question, theme_id, note, credit_name, now,
                limits.pending, now - DAY, limits.per_day,
            )  # fmt: skip

        return await self.db.in_transaction(add)

    async def counts(self, guild_id: int, member_id: int, now: int) -> tuple[int, int]:
        """(pending, suggested in the last 24 hours) for one member."""
        row = await self._one(
            f"SELECT count(*) FILTER (WHERE status IN ('{PENDING}', '{DECIDING}')),"
            " count(*) FILTER (WHERE created_at > $1)"
            " FROM suggestions WHERE guild_id = $2 AND member_id = $3",
            now - DAY,
            guild_id,
            member_id,
        )
        return (row[0], row[1]) if row else (0, 0)

    async def get(self, suggestion_id: int) -> Suggestion | None:
        row = await self._one("SELECT * FROM suggestions WHERE id = $1", suggestion_id)
        return suggestion(row) if row else None

    async def of_member(self, guild_id: int, member_id: int) -> list[Suggestion]:
        rows = await self._all(
            "SELECT * FROM suggestions WHERE guild_id = $1 AND member_id = $2 ORDER BY id",
            guild_id,
            member_id,
        )
        return [suggestion(r) for r in rows]

    async def pending(self, guild_id: int, now: int) -> list[Suggestion]:
        """Suggestions waiting for a decision, oldest first (stale claims included)."""
        rows = await self._all(
            f"SELECT * FROM suggestions WHERE guild_id = $1 AND {_OPEN % 2} ORDER BY id",
            guild_id,
            now - STALE_CLAIM,
        )
        return [suggestion(r) for r in rows]

    async def withdraw(self, suggestion_id: int, member_id: int, now: int) -> bool:
        changed = await self._write(
            f"UPDATE suggestions SET status = '{WITHDRAWN}', decided_at = $1"
            f" WHERE id = $2 AND member_id = $3 AND status = '{PENDING}'",
            now,
            suggestion_id,
            member_id,
        )
        return changed == 1

    async def edit(
        self, suggestion_id: int, question: str, followups: tuple[str, ...], theme_id: str | None
    ) -> bool:
        changed = await self._write(
            "UPDATE suggestions SET question = $1, followups = $2, theme_id = $3"
            f" WHERE id = $4 AND status = '{PENDING}'",
            question,
            followups_json(followups),
            theme_id,
            suggestion_id,
        )
        return changed == 1

    async def claim(self, suggestion_id: int, moderator_id: int, now: int) -> bool:
        """Start deciding; False when another decision was made or is being made."""
        changed = await self._write(
            f"UPDATE suggestions SET status = '{DECIDING}', decided_at = $1, decided_by = $2"
            f" WHERE id = $3 AND {_OPEN % 4}",
            now,
            moderator_id,
            suggestion_id,
            now - STALE_CLAIM,
        )
        return changed == 1

    async def release(self, suggestion_id: int) -> None:
        """The decision could not be written: the suggestion is pending again."""
        await self._write(
            f"UPDATE suggestions SET status = '{PENDING}', decided_at = NULL, decided_by = NULL"
            f" WHERE id = $1 AND status = '{DECIDING}'",
            suggestion_id,
        )

    async def finish(
        self, suggestion_id: int, status: str, reason: str | None, prompt_id: str | None
    ) -> None:
        await self._write(
            "UPDATE suggestions SET status = $1, reason = $2, prompt_id = $3"
            f" WHERE id = $4 AND status = '{DECIDING}'",
            status,
            reason,
            prompt_id,
            suggestion_id,
        )

    async def forget(self, guild_id: int, member_id: int) -> list[Suggestion]:
        """Erase every suggestion of the member; returns what was erased. The table is then
        rewritten, so no copy of the erased rows is left in its files (``scrub``)."""
        rows = await self._all(
            "DELETE FROM suggestions WHERE guild_id = $1 AND member_id = $2 RETURNING *",
            guild_id,
            member_id,
        )
        if rows:
            await erase_traces(self.db, ("suggestions",))
        return [suggestion(r) for r in rows]

    async def set_card(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """Remember the mod-log card that announced the suggestion (an erase edits it)."""
        await self._write(
            "UPDATE suggestions SET card_channel_id = $1, card_message_id = $2 WHERE id = $3",
            channel_id,
            message_id,
            suggestion_id,
        )

    async def claim_draft(self, prompt_id: str, moderator_id: int, now: int) -> bool:
        """The first press claims the draft (the primary key decides between processes); a
        claim older than ``STALE_CLAIM`` is taken over."""
        changed = await self._write(
            "INSERT INTO draft_decisions (prompt_id, decided_by, decided_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (prompt_id) DO UPDATE SET decided_by = excluded.decided_by,"
            " decided_at = excluded.decided_at WHERE draft_decisions.decided_at < $4",
            prompt_id,
            moderator_id,
            now,
            now - STALE_CLAIM,
        )
        return changed == 1

    async def draft_claimed_at(self, prompt_id: str) -> int | None:
        """When the draft's decision was claimed (None: no claim)."""
        row = await self._one(
            "SELECT decided_at FROM draft_decisions WHERE prompt_id = $1", prompt_id
        )
        return row[0] if row else None

    async def release_draft(self, prompt_id: str) -> None:
        await self._write("DELETE FROM draft_decisions WHERE prompt_id = $1", prompt_id)
