"""Anonymous relays in PostgreSQL: the hourly limit reserved before a post, the pending record
that lets an interrupted relay be found and linked again, and the link written once it is
posted.

A relay is reserved in one transaction that first takes a lock on the member (held until it
ends), then counts the member's relays of the last hour and writes the pending row in one
statement. Under PostgreSQL's READ COMMITTED a bare ``INSERT … SELECT … WHERE count < limit``
is not enough: two such statements started at once both count from a snapshot without the
other's row, and both insert. With the lock taken first, the second transaction's count is
read after the first committed, so answers submitted at once by one member (in one process or
several on the same database) cannot together pass the limit. Rows of finished relays keep the
member, the time, the message and the digest of its words (never the words), and go when their
hour is over; a deleted message's row keeps only the member and the time.
"""

from __future__ import annotations

import asyncpg

from bot.anonymity.types import AnonymousAnswer, PendingRelay
from bot.store.member_rows import ANSWER_COLUMNS, PENDING_COLUMNS, anonymous_answer, pending_relay
from bot.store.postgres.queries import Queries

_PENDING = f"SELECT {PENDING_COLUMNS} FROM anonymous_relays WHERE state = 'pending'"
_BY_TOKEN = f"SELECT {PENDING_COLUMNS}, state FROM anonymous_relays WHERE token = $1"
# One member's relays in a server are reserved one at a time (the lock ends with the
# transaction); the key is a hash of the member, so unrelated members rarely share one.
_MEMBER_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"
_RESERVE = (
    "INSERT INTO anonymous_relays (guild_id, member_id, created_at, state, post_id,"
    " channel_id, length, token, digest, interaction_token, reply_id)"
    " SELECT $1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10"
    " WHERE (SELECT count(*) FROM anonymous_relays"
    "        WHERE guild_id = $1 AND member_id = $2 AND created_at > $11) < $12"
    f" RETURNING {PENDING_COLUMNS}"
)


class RelayStore(Queries):
    async def used(self, guild_id: int, member_id: int, since: int) -> int:
        """The member's finished relays in a server after ``since`` (posted, deleted or not).
        Unfinished ones count only when a relay is reserved: the member may be sending one of
        them again."""
        return await self._scalar(
            "SELECT count(*) FROM anonymous_relays"
            " WHERE guild_id = $1 AND member_id = $2 AND created_at > $3 AND state = 'done'",
            guild_id,
            member_id,
            since,
        )

    async def expire(self, since: int) -> int:
        """Finished relays older than ``since`` no longer count toward the limit: deleted."""
        return await self._write(
            "DELETE FROM anonymous_relays WHERE state = 'done' AND created_at <= $1", since
        )

    async def reserve(self, relay: PendingRelay, *, since: int, limit: int) -> PendingRelay | None:
        """Record ``relay`` as pending if the member has fewer than ``limit`` relays after
        ``since``; None when the limit is reached. Finished relays older than ``since`` are
        deleted first (they no longer count). Reserving the same relay (its token) again, as a
        retry after a lost connection does, returns the reservation already made."""
        await self.expire(since)

        async def reserve(con: asyncpg.Connection) -> asyncpg.Record | None:
            await con.execute(_MEMBER_LOCK, f"relays:{relay.guild_id}:{relay.member_id}")
            made = await con.fetchrow(_BY_TOKEN, relay.token)
            if made is not None:  # made before: the same reservation, or none once posted
                return made if made["state"] == "pending" else None
            return await con.fetchrow(
                _RESERVE,
                relay.guild_id, relay.member_id, relay.created_at, relay.post_id,
                relay.channel_id, relay.length, relay.token, relay.digest,
                relay.interaction_token, relay.reply_id, since, limit,
            )  # fmt: skip

        row = await self.db.in_transaction(reserve)
        return None if row is None else pending_relay(row)

    async def pending_of(self, guild_id: int, member_id: int, post_id: int) -> list[PendingRelay]:
        """The member's unfinished relays to one post, oldest first."""
        rows = await self._all(
            _PENDING + " AND guild_id = $1 AND member_id = $2 AND post_id = $3 ORDER BY id",
            guild_id,
            member_id,
            post_id,
        )
        return [pending_relay(r) for r in rows]

    async def pending_before(self, before: int) -> list[PendingRelay]:
        """Unfinished relays started at or before ``before``, oldest first."""
        rows = await self._all(_PENDING + " AND created_at <= $1 ORDER BY id", before)
        return [pending_relay(r) for r in rows]

    async def link(self, relay: PendingRelay, message_id: int, counted: bool, now: int) -> None:
        """The relayed message is posted: link it to its author and keep of the relay only what
        the hourly limit needs, in one transaction. It is counted as the member's own
        participation only if ``counted`` and they are not opted out in the server as the
        database says now (an opt-out made through another process included)."""

        async def link(con: asyncpg.Connection) -> None:
            await con.execute(
                "INSERT INTO anonymous_answers (message_id, guild_id, post_id, channel_id,"
                " member_id, counted, created_at, length)"
                " SELECT $1, $2, $3, $4, $5, CASE WHEN EXISTS (SELECT 1 FROM opt_outs"
                " WHERE guild_id = $2 AND member_id = $5) THEN 0 ELSE $6::integer END, $7, $8"
                " ON CONFLICT DO NOTHING",
                message_id, relay.guild_id, relay.post_id, relay.channel_id, relay.member_id,
                int(counted), now, relay.length,
            )  # fmt: skip
            await con.execute(_FINISH, message_id, relay.relay_id)

        await self.db.in_transaction(link)

    async def finish(self, relay_id: int, message_id: int) -> None:
        """Done: the relay keeps the member and the time, and (for its hour, until the message
        is deleted) the post, the message and the token and digest that recognise its words."""
        await self._write(_FINISH, message_id, relay_id)

    async def posted_of(
        self, guild_id: int, member_id: int, post_id: int, since: int
    ) -> list[tuple[int, str, str]]:
        """The member's answers to one post relayed after ``since`` and not deleted: (message
        id, token, digest), newest first."""
        rows = await self._all(
            "SELECT message_id, token, digest FROM anonymous_relays"
            " WHERE state = 'done' AND guild_id = $1 AND member_id = $2 AND post_id = $3"
            " AND created_at > $4 AND message_id IS NOT NULL AND digest IS NOT NULL"
            " ORDER BY id DESC",
            guild_id,
            member_id,
            post_id,
            since,
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def release(self, relay_id: int) -> bool:
        """Nothing was posted: the relay is dropped and no longer counts toward the limit."""
        return (
            await self._write(
                "DELETE FROM anonymous_relays WHERE id = $1 AND state = 'pending'", relay_id
            )
            == 1
        )

    async def forget_token(self, relay_id: int) -> None:
        """The member was told (or can no longer be): the interaction's token is not kept."""
        await self._write(
            "UPDATE anonymous_relays SET interaction_token = NULL, reply_id = NULL WHERE id = $1",
            relay_id,
        )

    async def link_of(self, message_id: int) -> AnonymousAnswer | None:
        row = await self._one(
            f"SELECT {ANSWER_COLUMNS} FROM anonymous_answers WHERE message_id = $1", message_id
        )
        return None if row is None else anonymous_answer(row)


_FINISH = (
    "UPDATE anonymous_relays SET state = 'done', message_id = $1, length = NULL,"
    " interaction_token = NULL, reply_id = NULL"
    " WHERE id = $2 AND state = 'pending'"
)
