"""Report and export queries over participation (read-only). Times are Unix seconds, UTC.

A window is ``since <= created_at < now``. Posts count for a window when posted inside it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiosqlite

log = logging.getLogger(__name__)

_WINDOW = "guild_id = :g AND created_at >= :s AND created_at < :n"

_TOTALS = f"""
SELECT count(*) FILTER (WHERE kind = 'answer'), count(*) FILTER (WHERE kind = 'reaction')
FROM participation WHERE {_WINDOW}"""

_MEMBERS = f"""
WITH active AS (SELECT member_id FROM participation WHERE {_WINDOW} GROUP BY member_id)
SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (
    SELECT 1 FROM participation p
    WHERE p.guild_id = :g AND p.member_id = active.member_id AND p.created_at < :s))
FROM active"""

_POST_ANSWERS = """
SELECT po.id, po.prompt_id, coalesce(po.theme_id, ''),
       (SELECT count(*) FROM participation p
        WHERE p.post_id = po.id AND p.kind = 'answer' AND p.created_at < :n)
FROM posts po
WHERE po.guild_id = :g AND po.status = 'posted' AND po.prompt_id IS NOT NULL
  AND po.posted_at >= :s AND po.posted_at < :n"""


async def _one(db: aiosqlite.Connection, sql: str, params: dict | tuple) -> tuple:
    async with db.execute(sql, params) as cur:
        return tuple(await cur.fetchone())


async def window_totals(db: aiosqlite.Connection, guild_id: int, since: int, now: int) -> tuple:
    """(answers, reactions, active members, new members) in the window.

    A member is new when their first participation ever in the server falls in the window.
    """
    params = {"g": guild_id, "s": since, "n": now}
    answers, reactions = await _one(db, _TOTALS, params)
    active, new = await _one(db, _MEMBERS, params)
    return answers, reactions, active, new


async def post_answers(
    db: aiosqlite.Connection, guild_id: int, since: int, now: int
) -> list[tuple[int, str, str, int]]:
    """(post id, prompt id, theme id, answers) for each post posted in the window."""
    async with db.execute(_POST_ANSWERS, {"g": guild_id, "s": since, "n": now}) as cur:
        return [tuple(row) async for row in cur]


_PROMPT = """
SELECT count(DISTINCT po.id), min(po.posted_at), max(po.posted_at),
       count(p.id) FILTER (WHERE p.kind = 'answer'), count(p.id) FILTER (WHERE p.kind = 'reaction'),
       count(DISTINCT p.member_id), avg(p.length) FILTER (WHERE p.kind = 'answer')
FROM posts po LEFT JOIN participation p ON p.post_id = po.id
WHERE po.guild_id = ? AND po.prompt_id = ? AND po.status = 'posted'"""


async def prompt_figures(db: aiosqlite.Connection, guild_id: int, prompt_id: str) -> tuple:
    """(posts, first posted, last posted, answers, reactions, members, mean answer length)."""
    return await _one(db, _PROMPT, (guild_id, prompt_id))


_MEMBER = """
SELECT p.post_id, p.prompt_id, p.theme_id, p.kind, po.channel_id, po.kind, p.created_at
FROM participation p JOIN posts po ON po.id = p.post_id
WHERE p.guild_id = ? AND p.member_id = ?"""


async def member_rows(db: aiosqlite.Connection, guild_id: int, member_id: int) -> list[tuple]:
    """(post, prompt, theme, kind, channel, post kind, created_at) for each of a member's rows."""
    async with db.execute(_MEMBER, (guild_id, member_id)) as cur:
        return [tuple(row) async for row in cur]


async def scheduled_posts(db: aiosqlite.Connection, channel_id: int) -> list[int]:
    """Ids of a channel's posted scheduled prompts, oldest first (the streak sequence)."""
    sql = (
        "SELECT id FROM posts WHERE channel_id = ? AND status = 'posted' AND kind = 'scheduled'"
        " ORDER BY posted_at, id"
    )
    async with db.execute(sql, (channel_id,)) as cur:
        return [row[0] async for row in cur]


EXPORT_COLUMNS = (
    "post_id", "prompt_id", "theme_id", "channel_id", "thread_id", "member_id", "kind",
    "message_id", "created_at", "length",
)  # fmt: skip

_EXPORT = """
SELECT p.post_id, p.prompt_id, p.theme_id, po.channel_id, po.thread_id, p.member_id, p.kind,
       p.message_id, p.created_at, p.length
FROM participation p JOIN posts po ON po.id = p.post_id
WHERE p.guild_id = ? AND p.created_at >= ?
ORDER BY p.created_at"""


async def export_rows(
    db: aiosqlite.Connection, guild_id: int, since: int, batch: int = 2000
) -> AsyncIterator[list[tuple]]:
    """Rows in ``EXPORT_COLUMNS`` order, oldest first, ``batch`` at a time (memory stays flat)."""
    async with db.execute(_EXPORT, (guild_id, since)) as cur:
        while rows := await cur.fetchmany(batch):
            yield rows
