"""The tables of the latest schema, the same on every backend, in an order that puts a
referenced table before the tables that point at it (a copy fills them in this order)."""

from __future__ import annotations

TABLES = (
    "posts",
    "channel_state",
    "participation",
    "opt_outs",
    "participation_day_totals",
    "participation_post_totals",
    "participation_first_seen",
    "post_cursor",
    "reactions_not_recovered",
    "suggestions",
    "draft_decisions",
    "anonymous_answers",
    "anonymous_stopped",
    "anonymous_relays",
    "interaction_claims",
    "act_claims",
    "thread_steps",
    "starters",
)

# Tables whose ``id`` the database numbers (an identity on PostgreSQL, a rowid on SQLite).
IDENTITY_TABLES = ("posts", "participation", "suggestions", "anonymous_relays", "starters")
