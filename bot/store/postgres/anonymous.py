"""Anonymous answers in PostgreSQL: the link from each relayed message to its author, and each
server's kill switch. The text of an answer is never stored, only its length.

The link is read only to let the author delete their answer, to let a reveal role look it up,
and to count the member's own participation; reports and the export never read the member.
Where links are deleted or unsigned (a deleted message, a member's erasure, retention), the
tables that held them are rewritten afterwards, so the old rows do not stay in the files'
free space (``scrub``), as SQLite's ``secure_delete`` zeroes them.
"""

from __future__ import annotations

import asyncpg

from bot.anonymity.types import UNLINKED, AnonymousAnswer, PostTarget
from bot.store.member_rows import ANSWER_COLUMNS, anonymous_answer
from bot.store.postgres.connection import changed
from bot.store.postgres.queries import Queries
from bot.store.postgres.scrub import erase_traces

_ANSWER = f"SELECT {ANSWER_COLUMNS} FROM anonymous_answers"
_LINKS = ("anonymous_relays", "anonymous_answers")  # the tables holding links to authors
# A deleted answer's relay keeps only the member and the time (its hour still counts).
_FORGET_WORDS = (
    "UPDATE anonymous_relays SET message_id = NULL, post_id = NULL, channel_id = NULL,"
    " token = NULL, digest = NULL"
)


class AnonymousStore(Queries):
    async def post_target(self, post_id: int) -> PostTarget | None:
        """A posted prompt's guild, channel, message and thread; None if it was never posted."""
        row = await self._one(
            "SELECT id, guild_id, channel_id, message_id, thread_id FROM posts"
            " WHERE id = $1 AND status = 'posted'",
            post_id,
        )
        return PostTarget(*row) if row else None

    async def record(self, answer: AnonymousAnswer) -> None:
        await self._write(
            "INSERT INTO anonymous_answers (message_id, guild_id, post_id, channel_id,"
            " member_id, counted, created_at, length) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            " ON CONFLICT DO NOTHING",
            answer.message_id, answer.guild_id, answer.post_id, answer.channel_id,
            answer.member_id, int(answer.counted), answer.created_at, answer.length,
        )  # fmt: skip

    async def answer(self, message_id: int) -> AnonymousAnswer | None:
        row = await self._one(_ANSWER + " WHERE message_id = $1", message_id)
        return anonymous_answer(row) if row else None

    async def delete(self, message_ids: list[int]) -> int:
        """Forget relayed messages that were deleted (by their author or a moderator)."""
        if not message_ids:
            return 0
        return await self._unlink(
            "DELETE FROM anonymous_answers WHERE message_id = ANY($1::bigint[])",
            _FORGET_WORDS + " WHERE message_id = ANY($1::bigint[])",
            message_ids,
        )

    async def delete_in_channel(self, channel_id: int) -> int:
        """Forget every relayed message of a deleted thread."""
        return await self._unlink(
            "DELETE FROM anonymous_answers WHERE channel_id = $1",
            _FORGET_WORDS + " WHERE state = 'done' AND channel_id = $1",
            channel_id,
        )

    async def _unlink(self, answers: str, relays: str, which: int | list[int]) -> int:
        """Delete answers' links and their relays' words in one transaction (``which`` is the
        statements' one parameter); the answers deleted. The tables are rewritten after."""

        async def unlink(con: asyncpg.Connection) -> tuple[int, int]:
            removed = changed(await con.execute(answers, which))
            return removed, changed(await con.execute(relays, which))

        removed, cleared = await self.db.in_transaction(unlink)
        if removed or cleared:
            await erase_traces(self.db, _LINKS)
        return removed

    async def recent_count(self, guild_id: int, member_id: int, since: int) -> int:
        """The member's anonymous answers in a server after ``since`` (the rate limit)."""
        return await self._scalar(
            "SELECT count(*) FROM anonymous_answers"
            " WHERE guild_id = $1 AND member_id = $2 AND created_at > $3",
            guild_id,
            member_id,
            since,
        )

    async def member_answers(self, guild_id: int, member_id: int) -> list[AnonymousAnswer]:
        rows = await self._all(
            _ANSWER + " WHERE guild_id = $1 AND member_id = $2 ORDER BY created_at",
            guild_id,
            member_id,
        )
        return [anonymous_answer(r) for r in rows]

    async def forget(self, guild_id: int, member_id: int) -> int:
        """Erase every link to the member in a server: the messages stay, unsigned, and so do
        their rows, with no member (``UNLINKED``) and uncounted, so the moderators' counts and
        export do not change and cannot show which answers were the member's. The member's
        relays of the last hour go too (their times would match the answers'), and so do
        relays not yet linked: those answers stay unsigned. Both tables are then rewritten, so
        no copy of the old rows is left in their files (``scrub``)."""

        async def forget(con: asyncpg.Connection) -> tuple[int, int]:
            relays = changed(
                await con.execute(
                    "DELETE FROM anonymous_relays WHERE guild_id = $1 AND member_id = $2",
                    guild_id,
                    member_id,
                )
            )
            links = changed(
                await con.execute(
                    "UPDATE anonymous_answers SET member_id = $1, counted = 0"
                    " WHERE guild_id = $2 AND member_id = $3",
                    UNLINKED,
                    guild_id,
                    member_id,
                )
            )
            return relays, links

        relays, links = await self.db.in_transaction(forget)
        if relays or links:
            await erase_traces(self.db, _LINKS)
        return links

    async def uncount(self, guild_id: int, member_id: int) -> int:
        """The member's anonymous answers stop counting as their participation; links stay."""
        return await self._write(
            "UPDATE anonymous_answers SET counted = 0"
            " WHERE guild_id = $1 AND member_id = $2 AND counted = 1",
            guild_id,
            member_id,
        )

    async def purge_older_than(self, cutoff: int) -> int:
        """Retention: links created before ``cutoff`` (Unix seconds) are deleted."""
        purged = await self._write("DELETE FROM anonymous_answers WHERE created_at < $1", cutoff)
        if purged:
            await erase_traces(self.db, ("anonymous_answers",))
        return purged

    async def stop(self, guild_id: int, moderator_id: int, now: int) -> bool:
        """Turn the server's kill switch on; False if it already was."""
        changed = await self._write(
            "INSERT INTO anonymous_stopped (guild_id, stopped_by, stopped_at)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            guild_id,
            moderator_id,
            now,
        )
        return changed == 1

    async def resume(self, guild_id: int) -> bool:
        """Turn the kill switch off; False if it was not on."""
        return await self._write("DELETE FROM anonymous_stopped WHERE guild_id = $1", guild_id) == 1

    async def is_stopped(self, guild_id: int) -> bool:
        row = await self._one("SELECT 1 FROM anonymous_stopped WHERE guild_id = $1", guild_id)
        return row is not None
