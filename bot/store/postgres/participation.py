"""Participation rows and opt-outs in PostgreSQL. Metadata only: never message content.

The same rules as the SQLite store (``bot.store.sqlite.participation``): ``forget`` erases every
participation row of a member in a server and keeps the opt-out record (it honours the
request); ``opt_in`` deletes it. A batch is written by one statement over arrays
(``unnest``), so the same event delivered twice is stored once (``ON CONFLICT DO NOTHING`` on
the unique key) and the report totals move in the same transaction (the migrations' triggers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg

from bot.participation.types import ANSWER, REACTION, ParticipationRow, PromptPost
from bot.store.postgres.connection import PgDatabase, changed
from bot.store.postgres.queries import Queries
from bot.store.postgres.scrub import erase_traces
from bot.store.records import OptedOut, record_in_chunks

# Rows per statement: one round trip, one transaction. Arrays have no parameter limit; the
# bound is what one refused chunk costs when it is retried row by row.
CHUNK = 5000

# One array per column, in ``ParticipationRow`` order. A member opted out in the row's server
# is left out by the statement itself: the database, not a process's memory, decides, so an
# opt-out made through another process on the same database holds at once.
_INSERT = """
INSERT INTO participation
    (guild_id, post_id, prompt_id, theme_id, member_id, message_id, kind, created_at, length)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[],
                     $6::bigint[], $7::text[], $8::bigint[], $9::integer[])
    AS s(guild_id, post_id, prompt_id, theme_id, member_id, message_id, kind, created_at, length)
WHERE NOT EXISTS (
    SELECT 1 FROM opt_outs o WHERE o.guild_id = s.guild_id AND o.member_id = s.member_id)
ON CONFLICT (message_id, member_id, kind) DO NOTHING"""

_REBUILD_TOTALS = (
    "DELETE FROM participation_day_totals",
    "DELETE FROM participation_post_totals",
    "DELETE FROM participation_first_seen",
    "INSERT INTO participation_first_seen (guild_id, member_id, first_at)"
    " SELECT guild_id, member_id, min(created_at) FROM participation GROUP BY 1, 2",
    "INSERT INTO participation_day_totals (guild_id, day, kind, n)"
    " SELECT guild_id, created_at / 86400, kind, count(*) FROM participation GROUP BY 1, 2, 3",
    "INSERT INTO participation_post_totals (post_id, answers, reactions)"
    " SELECT post_id, count(*) FILTER (WHERE kind = 'answer'),"
    " count(*) FILTER (WHERE kind = 'reaction') FROM participation GROUP BY post_id",
)

_ADVANCE_CURSORS = """
INSERT INTO post_cursor (post_id, message_id)
SELECT s.post_id, s.message_id FROM unnest($1::bigint[], $2::bigint[]) AS s(post_id, message_id)
WHERE EXISTS (SELECT 1 FROM posts WHERE id = s.post_id)
ON CONFLICT (post_id) DO UPDATE
SET message_id = greatest(post_cursor.message_id, excluded.message_id)"""

# The posts where a member being forgotten had a reaction: queued ($1) or stored.
_NOT_RECOVERED = """
INSERT INTO reactions_not_recovered (post_id)
SELECT m.post_id FROM (
    SELECT unnest($1::bigint[]) AS post_id
    UNION SELECT post_id FROM participation
    WHERE guild_id = $2 AND member_id = $3 AND kind = 'reaction') AS m
WHERE EXISTS (SELECT 1 FROM posts WHERE id = m.post_id)
ON CONFLICT DO NOTHING"""

# Posts that carry a posted prompt, as PromptPost fields.
_POSTED_PROMPTS = (
    "SELECT id, guild_id, channel_id, prompt_id, coalesce(theme_id, ''), message_id, thread_id,"
    " posted_at FROM posts WHERE status = 'posted' AND message_id IS NOT NULL"
    " AND prompt_id IS NOT NULL"
)


class ParticipationStore(Queries):
    """Participation reads and writes over the pool."""

    def __init__(self, db: PgDatabase) -> None:
        super().__init__(db)
        self._opted_out = OptedOut(self._read_opted_out)

    async def record_many(self, rows: Sequence[ParticipationRow]) -> int:
        """Insert rows, ignoring ones already stored; returns how many were new.

        Each chunk is one statement, hence one transaction. A chunk refused as a whole (a row
        pointing at a deleted post) is retried row by row so the valid rows are kept.
        """
        return await record_in_chunks(
            rows, self._insert, asyncpg.exceptions.ForeignKeyViolationError, CHUNK
        )

    async def _insert(self, chunk: Sequence[ParticipationRow]) -> int:
        return await self._write(_INSERT, *(list(column) for column in zip(*chunk, strict=True)))

    async def delete_message(self, message_id: int) -> int:
        """Remove the answer stored for a deleted message; returns rows removed."""
        return await self._write(
            "DELETE FROM participation WHERE message_id = $1 AND kind = $2", message_id, ANSWER
        )

    async def delete_reaction(self, message_id: int, member_id: int) -> int:
        """Remove a member's reaction on a prompt message (they took back their last reaction)."""
        return await self._write(
            "DELETE FROM participation WHERE message_id = $1 AND member_id = $2 AND kind = $3",
            message_id,
            member_id,
            REACTION,
        )

    async def delete_reactions(self, message_id: int) -> int:
        """Remove every reaction stored on a prompt message (a moderator cleared its reactions)."""
        return await self._write(
            "DELETE FROM participation WHERE message_id = $1 AND kind = $2", message_id, REACTION
        )

    async def forget(
        self, guild_id: int, member_id: int, queued_reactions: Iterable[int] = ()
    ) -> int:
        """Erase every participation row of a member in a server; returns rows erased.

        The posts where the member had a reaction (stored, or queued: ``queued_reactions``
        post ids) are marked so their reactions are not read back from Discord after a restart,
        in the same transaction as the erasure. No copy of the member's id is left in the
        table's files afterwards (``scrub``)."""
        queued = list(queued_reactions)

        async def erase(con: asyncpg.Connection) -> int:
            await con.execute(_NOT_RECOVERED, queued, guild_id, member_id)
            return changed(
                await con.execute(
                    "DELETE FROM participation WHERE guild_id = $1 AND member_id = $2",
                    guild_id,
                    member_id,
                )
            )

        erased = await self.db.in_transaction(erase)
        # Rewritten even when the id is still kept elsewhere on purpose (an opt-out): a deleted
        # row stays whole in its page (what the member answered, and when) until then.
        if erased:
            await erase_traces(self.db, ("participation", "participation_first_seen"))
        return erased

    async def reactions_not_recovered(self) -> set[int]:
        """Posts whose reactions must not be read back from Discord (see ``forget``)."""
        return {
            post_id for (post_id,) in await self._all("SELECT post_id FROM reactions_not_recovered")
        }

    async def purge_older_than(self, cutoff: int) -> int:
        """Retention: delete rows created before ``cutoff`` (Unix seconds); returns how many."""
        return await self._write("DELETE FROM participation WHERE created_at < $1", cutoff)

    async def opt_out(self, guild_id: int, member_id: int, now: int) -> None:
        """Stop recording a member in a server (idempotent; keeps the first opt-out time)."""
        await self._write(
            "INSERT INTO opt_outs (guild_id, member_id, since) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            guild_id,
            member_id,
            now,
        )
        (await self.opted_out_members(guild_id)).add(member_id)

    async def opt_in(self, guild_id: int, member_id: int) -> None:
        """Record a member again; their opt-out record is deleted."""
        await self._write(
            "DELETE FROM opt_outs WHERE guild_id = $1 AND member_id = $2", guild_id, member_id
        )
        (await self.opted_out_members(guild_id)).discard(member_id)

    async def is_opted_out(self, guild_id: int, member_id: int) -> bool:
        """Whether the member is opted out in the server now, as the database says (another
        process may have recorded the opt-out or the opt-in); the cached set follows."""
        opted_out = bool(
            await self._scalar(
                "SELECT EXISTS (SELECT 1 FROM opt_outs WHERE guild_id = $1 AND member_id = $2)",
                guild_id,
                member_id,
            )
        )
        self._opted_out.note(guild_id, member_id, opted_out)
        return opted_out

    def opted_out_cached(self, guild_id: int) -> set[int] | None:
        """The server's opted-out members if already read (the live set), else None."""
        return self._opted_out.cached(guild_id)

    async def opted_out_members(self, guild_id: int) -> set[int]:
        """Opted-out members of a server; read once, then served from memory (hot path).

        The returned set is live: ``opt_out``/``opt_in`` on this store update it.
        """
        return await self._opted_out.members(guild_id)

    async def _read_opted_out(self, guild_id: int) -> set[int]:
        sql = "SELECT member_id FROM opt_outs WHERE guild_id = $1"
        return {member_id for (member_id,) in await self._all(sql, guild_id)}

    async def rebuild_totals(self) -> None:
        """Recompute the report totals and first times from the rows, in one transaction (after
        a bulk load)."""

        async def rebuild(con: asyncpg.Connection) -> None:
            for sql in _REBUILD_TOTALS:
                await con.execute(sql)

        await self.db.in_transaction(rebuild)

    async def advance_cursors(self, seen: dict[int, int]) -> None:
        """Move each post's read cursor forward to the newest answer message seen there
        (``{post_id: message_id}``); a cursor never moves back, a deleted post is skipped."""
        if seen:
            await self._write(_ADVANCE_CURSORS, list(seen), list(seen.values()))

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
        row = await self._one(f"{_POSTED_PROMPTS} AND {column} = $1", value)
        return None if row is None else PromptPost(*row)

    async def open_posts(self, posted_since: int) -> list[PromptPost]:
        """Posted prompts (any guild) posted at or after ``posted_since``: the index at start."""
        sql = f"{_POSTED_PROMPTS} AND posted_at >= $1 ORDER BY posted_at"
        return [PromptPost(*row) for row in await self._all(sql, posted_since)]
