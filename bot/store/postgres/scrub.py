"""Leaving no copy of erased rows in the database's table files on PostgreSQL.

PostgreSQL never overwrites a row in place: a ``DELETE`` or ``UPDATE`` leaves the old version
in its page, and ``VACUUM`` (by hand or autovacuum) only marks its space free without zeroing
it, so the old bytes stay in the table's and its indexes' files until a later row happens to be
written over them (measured on PostgreSQL 15: after ``DELETE`` and ``VACUUM``, 992 of 1,000
deleted ids were still in the table's file and 976 in an index's). ``VACUUM FULL`` writes the
live rows into new files and truncates the old ones at commit, so no copy is left in any table
or index file; with ``ANALYZE`` it also samples the column statistics again, which may
otherwise hold an erased id as a common value or a histogram bound.

So after a member's rows are erased (``forget``), or the link of an anonymous answer to its
author is deleted, the tables that held them are rewritten. The rewrite locks the table while it
runs (milliseconds for the small tables; seconds for a participation table of a million rows):
the bot's statements on it wait, the event loop does not. It waits at most ``LOCK_WAIT`` for
statements already running on the table, so the bot's work never queues long behind it, and a
member's button that deleted their answer is still answered within Discord's three seconds.
A table left unrewritten (with a warning) is rewritten by the next erase from it, or by an
operator's ``VACUUM FULL``.

A row version that a transaction begun before the erase can still see (a long report, a
``pg_dump`` running, a replica's feedback through its slot) is copied by the rewrite, not
dropped: the rewrite first waits up to ``SNAPSHOT_WAIT`` for such snapshots to go, and says so
in a warning when one is still there; the next rewrite of that table then drops the copy.

What this does not reach (the README says the same to operators): the write-ahead log and its
archives, streaming replicas' WAL, backups and dumps, disk blocks the file system got back
from the truncated files, and the sampled statistics' old row in the system catalog (the bot's
user cannot rewrite catalogs; autovacuum frees it in time, as plain ``VACUUM`` does).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import asyncpg

from bot.store.postgres.connection import LOST_CONNECTION, PgDatabase

log = logging.getLogger(__name__)

LOCK_WAIT = "1s"  # how long a rewrite waits for statements running on its table
SNAPSHOT_WAIT = 1.0  # seconds to wait for snapshots older than the erase to go
_POLL = 0.05

# The tables erased rows are taken out of: only these are ever rewritten.
ERASABLE = frozenset({
    "participation", "participation_first_seen", "suggestions", "anonymous_answers",
    "anonymous_relays",
})  # fmt: skip

# Sessions of this database (of any user, autovacuum aside) and replication slots whose
# snapshot or transaction is older than the transaction id ``$1``: a row version deleted
# before it may still be visible to them, and a rewrite would copy it.
_OLDER_TRANSACTIONS = (
    "SELECT (SELECT count(*) FROM pg_stat_activity"
    "        WHERE datname = current_database() AND pid <> pg_backend_pid()"
    "        AND usename IS NOT NULL"
    "        AND (age(backend_xmin) > age($1::xid) OR age(backend_xid) > age($1::xid)))"
    " + (SELECT count(*) FROM pg_replication_slots"
    "    WHERE (database IS NULL OR database = current_database())"
    "    AND age(xmin) > age($1::xid))"
)
# The first transaction id not yet given: every erase committed before now has a lower one.
_NEXT_TRANSACTION = "SELECT pg_snapshot_xmax(pg_current_snapshot())::xid"


async def erase_traces(db: PgDatabase, tables: Sequence[str]) -> bool:
    """Rewrite ``tables``, whose erased rows are already deleted (or overwritten) and
    committed, so that no copy of them is left in their files; True if every table was
    rewritten with nothing older than the erase in the way. What could not be done (a table
    busy past ``LOCK_WAIT``, not owned by the bot's user, no disk room for the new copy, a
    transaction older than the erase still open, the connection lost) is logged as a warning:
    the erase itself stands."""
    unknown = set(tables) - ERASABLE
    if unknown:
        raise ValueError(f"not a table erased rows are taken out of: {sorted(unknown)}")
    complaints: list[str] = []

    def heard(_con: object, message: asyncpg.PostgresLogMessage) -> None:
        # VACUUM reports a table it may not rewrite (another owner) as a warning, not an error.
        if getattr(message, "severity", "") == "WARNING":
            complaints.append(str(message))

    try:
        async with db.connection() as con:
            con.add_log_listener(heard)
            try:
                clean = await _older_transactions_ended(con)
                await con.execute(f"SET lock_timeout = '{LOCK_WAIT}'")
                for table in tables:
                    complaints.clear()
                    try:
                        await con.execute(f"VACUUM (FULL, ANALYZE) {table}")
                    except asyncpg.exceptions.LockNotAvailableError:
                        complaints.append(f"the table stayed busy for {LOCK_WAIT}")
                    except asyncpg.PostgresError as exc:  # e.g. no disk room for the copy
                        complaints.append(str(exc))
                    if complaints:
                        clean = False
                        log.warning(
                            "table %s not rewritten after an erase: copies of the erased rows"
                            " may stay in its free space until the next erase: %s",
                            table,
                            "; ".join(complaints),
                        )
                await con.execute("RESET lock_timeout")
            finally:
                con.remove_log_listener(heard)
    except LOST_CONNECTION as exc:
        log.warning("tables %s not rewritten after an erase: %s", ", ".join(tables), exc)
        return False
    return clean


async def _older_transactions_ended(con: asyncpg.Connection) -> bool:
    """Wait up to ``SNAPSHOT_WAIT`` for snapshots and transactions older than now (so perhaps
    than the erase) to end; False, with a warning, if one is still there."""
    since = await con.fetchval(_NEXT_TRANSACTION)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SNAPSHOT_WAIT
    while await con.fetchval(_OLDER_TRANSACTIONS, since):
        if loop.time() >= deadline:
            log.warning(
                "a transaction begun before an erase is still open after %.0f s: the erased rows"
                " it can see are kept until it ends and the table is rewritten again",
                SNAPSHOT_WAIT,
            )
            return False
        # The pause is a statement on the server, not a timer here: whoever waits for the
        # bot's database work to finish (a shutdown, a test) sees it as work in progress.
        await con.execute(f"SELECT pg_sleep({_POLL})")
    return True
