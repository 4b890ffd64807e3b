"""Participation rows and opt-outs in SQLite. Metadata only: never message content.

Privacy rules kept here:
- ``forget`` erases every participation row of a member in a server. An opt-out record is kept
  (and only exists) while the member is opted out, because it is what honours the request.
- ``opt_in`` deletes the opt-out record; nothing else about the member is stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

import aiosqlite

from bot.participation.types import ANSWER, REACTION, ParticipationRow, PromptPost
from bot.store.records import OptedOut, record_in_chunks
from bot.store.sqlite.queries import Queries
from bot.store.sqlite.scrub import erase_traces

_COLUMNS = "guild_id, post_id, prompt_id, theme_id, member_id, message_id, kind, created_at, length"
_ONE = "(" + ",".join("?" * len(ParticipationRow._fields)) + ")"
CHUNK = 500  # rows per INSERT statement (well under SQLite's bound-parameter limit)


_REBUILD_TOTALS = """
BEGIN;
DELETE FROM participation_day_totals;
DELETE FROM participation_post_totals;
DELETE FROM participation_first_seen;
INSERT INTO participation_first_seen (guild_id, member_id, first_at)
SELECT guild_id, member_id, min(created_at) FROM participation GROUP BY 1, 2;
INSERT INTO participation_day_totals (guild_id, day, kind, n)
SELECT guild_id, created_at / 86400, kind, count(*) FROM participation GROUP BY 1, 2, 3;
INSERT INTO participation_post_totals (post_id, answers, reactions)
SELECT post_id, count(*) FILTER (WHERE kind = 'answer'), count(*) FILTER (WHERE kind = 'reaction')
FROM participation GROUP BY post_id;
COMMIT;
"""


_ADVANCE_CURSOR = """
INSERT INTO post_cursor (post_id, message_id)
SELECT ?, ? WHERE EXISTS (SELECT 1 FROM posts WHERE id = ?)
ON CONFLICT (post_id) DO UPDATE SET message_id = max(message_id, excluded.message_id)
"""


_NOT_RECOVERED = """
INSERT OR IGNORE INTO reactions_not_recovered (post_id)
SELECT ?1 WHERE EXISTS (SELECT 1 FROM posts WHERE id = ?1)
"""


def _insert_sql(n: int) -> str:
    """One statement for ``n`` rows. A member opted out in the row's server is left out by the
    statement itself: the database, not a process's memory, decides, so an opt-out made through
    another process on the same file holds at once."""
    return (
        f"INSERT OR IGNORE INTO participation ({_COLUMNS}) SELECT * FROM (VALUES "
        + ",".join([_ONE] * n)
        + ") AS v WHERE NOT EXISTS (SELECT 1 FROM opt_outs o"
        " WHERE o.guild_id = v.column1 AND o.member_id = v.column5)"
    )


# Posts that carry a posted prompt, as PromptPost fields.
_POSTED_PROMPTS = (
    "SELECT id, guild_id, channel_id, prompt_id, coalesce(theme_id, ''), message_id, thread_id,"
    " posted_at FROM posts WHERE status = 'posted' AND message_id IS NOT NULL"
    " AND prompt_id IS NOT NULL"
)


class ParticipationStore(Queries):
    """Participation reads and writes on an open ``aiosqlite`` connection (``open_database``)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        super().__init__(db)
        self._opted_out = OptedOut(self._read_opted_out)
        self._sql: dict[int, str] = {}

    async def record_many(self, rows: Sequence[ParticipationRow]) -> int:
        """Insert rows, ignoring ones already stored; returns how many were new.

        Each chunk is one statement, hence one transaction. A chunk refused as a whole (a row
        pointing at a deleted post) is retried row by row so the valid rows are kept.
        """
        return await record_in_chunks(rows, self._insert, sqlite3.IntegrityError, CHUNK)

    async def _insert(self, chunk: Sequence[ParticipationRow]) -> int:
        sql = self._sql.get(len(chunk)) or self._sql.setdefault(len(chunk), _insert_sql(len(chunk)))
        return await self._write(sql, tuple(value for row in chunk for value in row))

    async def delete_message(self, message_id: int) -> int:
        """Remove the answer stored for a deleted message; returns rows removed."""
        return await self._write(
            "DELETE FROM participation WHERE message_id = ? AND kind = ?", (message_id, ANSWER)
        )

    async def delete_reaction(self, message_id: int, member_id: int) -> int:
        """Remove a member's reaction on a prompt message (they took back their last reaction)."""
        return await self._write(
            "DELETE FROM participation WHERE message_id = ? AND member_id = ? AND kind = ?",
            (message_id, member_id, REACTION),
        )

    async def delete_reactions(self, message_id: int) -> int:
        """Remove every reaction stored on a prompt message (a moderator cleared its reactions)."""
        return await self._write(
            "DELETE FROM participation WHERE message_id = ? AND kind = ?", (message_id, REACTION)
        )

    async def forget(
        self, guild_id: int, member_id: int, queued_reactions: Iterable[int] = ()
    ) -> int:
        """Erase every participation row of a member in a server; returns rows erased.

        The posts where the member had a reaction (stored, or queued: ``queued_reactions``
        post ids) are marked so their reactions are not read back from Discord after a restart.
        No copy of the member's id is left in the database files afterwards (``scrub``)."""
        marks = [(p,) for p in queued_reactions]
        sql = (
            "SELECT DISTINCT post_id FROM participation"
            " WHERE guild_id = ? AND member_id = ? AND kind = ?"
        )
        marks += [tuple(row) for row in await self._all(sql, (guild_id, member_id, REACTION))]
        if marks:
            await self.db.executemany(_NOT_RECOVERED, marks)
        erased = await self._write(
            "DELETE FROM participation WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        )
        await erase_traces(self.db, member_id)
        return erased

    async def reactions_not_recovered(self) -> set[int]:
        """Posts whose reactions must not be read back from Discord (see ``forget``)."""
        return {
            post_id for (post_id,) in await self._all("SELECT post_id FROM reactions_not_recovered")
        }

    async def purge_older_than(self, cutoff: int) -> int:
        """Retention: delete rows created before ``cutoff`` (Unix seconds); returns how many."""
        return await self._write("DELETE FROM participation WHERE created_at < ?", (cutoff,))

    async def opt_out(self, guild_id: int, member_id: int, now: int) -> None:
        """Stop recording a member in a server (idempotent; keeps the first opt-out time)."""
        await self.db.execute(
            "INSERT OR IGNORE INTO opt_outs (guild_id, member_id, since) VALUES (?, ?, ?)",
            (guild_id, member_id, now),
        )
        (await self.opted_out_members(guild_id)).add(member_id)

    async def opt_in(self, guild_id: int, member_id: int) -> None:
        """Record a member again; their opt-out record is deleted."""
        await self.db.execute(
            "DELETE FROM opt_outs WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        )
        (await self.opted_out_members(guild_id)).discard(member_id)

    async def is_opted_out(self, guild_id: int, member_id: int) -> bool:
        """Whether the member is opted out in the server now, as the database says (another
        process may have recorded the opt-out or the opt-in); the cached set follows."""
        row = await self._one(
            "SELECT 1 FROM opt_outs WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        )
        self._opted_out.note(guild_id, member_id, row is not None)
        return row is not None

    def opted_out_cached(self, guild_id: int) -> set[int] | None:
        """The server's opted-out members if already read (the live set), else None."""
        return self._opted_out.cached(guild_id)

    async def opted_out_members(self, guild_id: int) -> set[int]:
        """Opted-out members of a server; read once, then served from memory (hot path).

        The returned set is live: ``opt_out``/``opt_in`` on this store update it.
        """
        return await self._opted_out.members(guild_id)

    async def _read_opted_out(self, guild_id: int) -> set[int]:
        sql = "SELECT member_id FROM opt_outs WHERE guild_id = ?"
        return {member_id for (member_id,) in await self._all(sql, (guild_id,))}

    async def rebuild_totals(self) -> None:
        """Recompute the report totals and first times from the rows, in one transaction (after
        a bulk load)."""
        await self.db.executescript(_REBUILD_TOTALS)

    async def advance_cursors(self, seen: dict[int, int]) -> None:
        """Move each post's read cursor forward to the newest answer message seen there
        (``{post_id: message_id}``); a cursor never moves back, a deleted post is skipped."""
        await self.db.executemany(_ADVANCE_CURSOR, [(p, m, p) for p, m in seen.items()])

    async def cursors(self) -> dict[int, int]:
        """Every post's read cursor: the newest answer message seen in it (backfill after it)."""
        rows = await self._all("SELECT post_id, message_id FROM post_cursor")
        return {post_id: message_id for post_id, message_id in rows}

    async def posted_prompt(
        self, *, post_id: int | None = None, message_id: int | None = None
    ) -> PromptPost | None:
        """The posted prompt with this post id or prompt message id; None if there is none
        (or it is not posted, or carries no prompt)."""
        column, value = ("id", post_id) if post_id is not None else ("message_id", message_id)
        row = await self._one(f"{_POSTED_PROMPTS} AND {column} = ?", (value,))
        return None if row is None else PromptPost(*row)

    async def open_posts(self, posted_since: int) -> list[PromptPost]:
        """Posted prompts (any guild) posted at or after ``posted_since``: the index at start."""
        sql = f"{_POSTED_PROMPTS} AND posted_at >= ? ORDER BY posted_at"
        return [PromptPost(*row) for row in await self._all(sql, (posted_since,))]
