"""Leaving no copy of an erased member's rows in the database's table files.

PostgreSQL never overwrites a row in place: a ``DELETE`` or ``UPDATE`` leaves the old version
in its page, and ``VACUUM`` (by hand or autovacuum) only marks its space free: it does not zero
it, so the old bytes stay in the table's and its indexes' files until a later row happens to be
written over them (measured: after ``DELETE`` and ``VACUUM`` a deleted id was still in the heap
and index files, as were 992 of 1,000 deleted rows filling whole pages). ``VACUUM FULL`` writes
the live rows into new files and truncates the old ones, so no copy is left in any table file;
its ``ANALYZE`` also samples the column statistics again, which may otherwise hold the erased id
as a common value or a histogram bound.

So after a member's rows are erased, the tables that held them are rewritten. The rewrite takes
an exclusive lock on the table for as long as it runs (a few milliseconds for these small
tables); it waits at most ``LOCK_WAIT`` for readers to finish, so that the bot's other work never
queues behind it, and otherwise is left to the next erase, with a warning.

What this does not reach (the README's "Erasure on PostgreSQL" says the same to operators):
the write-ahead log and its archives, streaming replicas' WAL, backups, the blocks the
filesystem gets back from truncated files, and a row version still visible to a transaction
that began before the erase (it is copied by the rewrite until that transaction ends).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import asyncpg

from bot.store.postgres.connection import LOST_CONNECTION, PgDatabase

log = logging.getLogger(__name__)

LOCK_WAIT = "2s"  # how long the rewrite waits for the table (``lock_timeout``)

# The tables a member's erasure may touch: only these are ever rewritten.
ERASABLE = frozenset(
    {"participation", "suggestions", "anonymous_answers", "anonymous_relays", "opt_outs"}
)


async def erase_traces(db: PgDatabase, tables: Sequence[str]) -> bool:
    """Rewrite ``tables`` (after a member's rows there were deleted or overwritten) so that no
    copy of the old rows is left in their files; True if every one was rewritten. A table that
    could not be rewritten (busy past ``LOCK_WAIT``, not owned by the bot's user, the connection
    lost) is logged and skipped: the erase itself is already committed."""
    unknown = set(tables) - ERASABLE
    if unknown:
        raise ValueError(f"not a table a member's erasure touches: {sorted(unknown)}")
    complaints: list[str] = []

    def heard(_con: object, message: asyncpg.PostgresLogMessage) -> None:
        # VACUUM reports a table it may not rewrite as a warning, not as an error.
        if getattr(message, "severity", "") == "WARNING":
            complaints.append(str(message))

    done = True
    try:
        async with db.connection() as con:
            con.add_log_listener(heard)
            try:
                await con.execute(f"SET lock_timeout = '{LOCK_WAIT}'")
                for table in tables:
                    complaints.clear()
                    try:
                        await con.execute(f"VACUUM (FULL, ANALYZE) {table}")
                    except asyncpg.exceptions.LockNotAvailableError:
                        complaints.append(f"the table was busy for {LOCK_WAIT}")
                    if complaints:
                        done = False
                        log.warning(
                            "%s not rewritten after an erase; copies of the erased rows may stay"
                            " in its free space until the next erase: %s",
                            table,
                            "; ".join(complaints),
                        )
                await con.execute("RESET lock_timeout")
            finally:
                con.remove_log_listener(heard)
    except LOST_CONNECTION as exc:
        log.warning("tables %s not rewritten after an erase: %s", ", ".join(tables), exc)
        return False
    return done
