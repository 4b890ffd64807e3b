"""Moderator and member reports, the weekly digest text, and the CSV export.

Times are Unix seconds (UTC). A report window is ``since <= time < now``.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from bot.participation.rules import (
    ANSWER,
    Ranked,
    Streak,
    best_of,
    rank_by_answers_per_post,
    streak,
)
from bot.store import reports as sql
from bot.store.db import Connection

log = logging.getLogger(__name__)

TOP = 3  # prompts and themes listed as most and as least discussed


@dataclass(frozen=True)
class ServerReport:
    guild_id: int
    since: int
    now: int
    active_members: int  # members with any answer or reaction in the window
    new_members: int  # active members whose first participation ever is in the window
    returning_members: int  # active members who had taken part before the window
    answers: int
    reactions: int
    posts: int  # prompts posted in the window
    most_discussed_prompts: tuple[Ranked, ...]  # by answers per post, over posts in the window
    least_discussed_prompts: tuple[Ranked, ...]  # not repeating the most discussed ones
    most_discussed_themes: tuple[Ranked, ...]
    least_discussed_themes: tuple[Ranked, ...]
    anonymous_answers: int = 0  # relayed anonymous answers (not in ``answers``, never linked)

    def rankings(self) -> list[tuple[str, tuple[Ranked, ...]]]:
        """The four rankings with their headings, in the order every report shows them."""
        return [
            ("Most discussed prompts", self.most_discussed_prompts),
            ("Least discussed prompts", self.least_discussed_prompts),
            ("Most discussed themes", self.most_discussed_themes),
            ("Least discussed themes", self.least_discussed_themes),
        ]


def _most_least(ranked: list[Ranked], top: int) -> tuple[tuple[Ranked, ...], tuple[Ranked, ...]]:
    """The ``top`` most and least discussed; with fewer than ``2 * top`` items they are split
    between the two lists (the upper half is "most"), so a small server still sees both ends."""
    head = min(top, (len(ranked) + 1) // 2)
    rest = sorted(ranked[head:], key=lambda r: (r.per_post, r.answers, r.key))
    return tuple(ranked[:head]), tuple(rest[:top])


async def server_report(
    db: Connection, guild_id: int, since: int, now: int, top: int = TOP
) -> ServerReport:
    """Figures for ``/stats server`` and ``python -m bot stats``; ``top`` entries per list."""
    answers, reactions, active, new = await sql.window_totals(db, guild_id, since, now)
    posts = await sql.post_answers(db, guild_id, since, now)
    prompts = _most_least(rank_by_answers_per_post((p[1], p[3]) for p in posts), top)
    themes = _most_least(rank_by_answers_per_post((p[2], p[3]) for p in posts), top)
    anonymous = await sql.anonymous_answers(db, guild_id, since, now)
    return ServerReport(
        guild_id, since, now, active, new, active - new, answers, reactions, len(posts),
        *prompts, *themes, anonymous,
    )  # fmt: skip


@dataclass(frozen=True)
class PromptReport:
    guild_id: int
    prompt_id: str
    posts: int
    answers: int
    reactions: int
    members: int  # distinct members who answered or reacted
    mean_length: float | None  # mean answer length in characters, when known
    first_posted: int | None
    last_posted: int | None
    anonymous_answers: int = 0  # relayed anonymous answers (not in ``answers``, never linked)

    @property
    def answers_per_post(self) -> float:
        return self.answers / self.posts if self.posts else 0.0


async def prompt_report(db: Connection, guild_id: int, prompt_id: str) -> PromptReport:
    """All-time figures of one prompt in a server (``/stats prompt``)."""
    posts, first, last, answers, reactions, members, mean = await sql.prompt_figures(
        db, guild_id, prompt_id
    )
    anonymous = await sql.prompt_anonymous_answers(db, guild_id, prompt_id)
    return PromptReport(
        guild_id, prompt_id, posts, answers, reactions, members, mean, first, last, anonymous
    )


@dataclass(frozen=True)
class MemberReport:
    guild_id: int
    member_id: int
    answers: int
    reactions: int
    prompts_answered: int  # distinct prompts the member answered
    themes_touched: int  # distinct themes of prompts the member answered or reacted to
    current_streak: int
    best_streak: int
    first_at: int | None
    last_at: int | None


async def member_report(
    db: Connection, guild_id: int, member_id: int, include_anonymous: bool = False
) -> MemberReport:
    """A member's figures: the same for ``/participation me`` and ``/stats member``, except
    that only the member's own view (``include_anonymous``) counts their anonymous answers.

    Streaks are counted per channel over scheduled prompts (see ``participation.streak``);
    the report shows the highest current and the highest best streak across channels.
    """
    rows = await sql.member_rows(db, guild_id, member_id, include_anonymous)
    answers = [r for r in rows if r[3] == ANSWER]
    answered = {r[0] for r in answers if r[5] == "scheduled"}
    channels = {r[4] for r in answers if r[5] == "scheduled"}
    streaks = [streak(await sql.scheduled_posts(db, c), answered) for c in sorted(channels)]
    best = best_of(streaks) if streaks else Streak(0, 0)
    times = [r[6] for r in rows]
    return MemberReport(
        guild_id, member_id, len(answers), len(rows) - len(answers),
        len({r[1] for r in answers}), len({r[2] for r in rows}), best.current, best.best,
        min(times, default=None), max(times, default=None),
    )  # fmt: skip


MAX_MESSAGE = 2000  # Discord's limit for a message


def _no_mentions(text: str) -> str:
    """Neutralise @everyone, @here, and user/role mentions with a zero-width space."""
    return text.replace("@", "@\u200b")


def _ranked_lines(title: str, ranked: tuple[Ranked, ...]) -> list[str]:
    if not ranked:
        return []
    lines = [f"{title} (answers per post):"]
    for r in ranked:
        key = r.key if len(r.key) <= 80 else r.key[:79] + "…"
        lines.append(f"  {key}: {r.per_post:.1f} ({r.answers} answers, {r.posts} posts)")
    return lines


def weekly_digest_text(report: ServerReport) -> str:
    """The digest posted to the mod-log channel: plain text, no mentions, at most 2000 chars."""
    lines = [
        f"Discussion digest {iso(report.since)[:10]} to {iso(report.now)[:10]} (UTC)",
        f"Active members: {report.active_members} ({report.new_members} new,"
        f" {report.returning_members} returning)",
        f"Answers: {report.answers}, reactions: {report.reactions}, prompts posted: {report.posts}"
        + anonymous_note(report.anonymous_answers),
    ]
    for title, ranked in report.rankings():
        lines += _ranked_lines(title, ranked)
    text = _no_mentions("\n".join(lines))
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1].rsplit("\n", 1)[0] + "\n…"
    return text


def anonymous_note(count: int) -> str:
    """How reports mention anonymous answers: a count only, and only when there are some."""
    return f" (and {count} anonymous answer(s))" if count else ""


def iso(ts: int) -> str:
    """Unix seconds as ISO 8601 UTC, e.g. 2026-05-04T09:00:00Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


async def export_csv(
    db: Connection,
    guild_id: int,
    since: int,
    out: TextIO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a server's participation since ``since`` as CSV; returns rows written.

    Columns: ``sql.EXPORT_COLUMNS``; ``created_at`` in ISO 8601 UTC; ``length`` empty when
    unknown; an anonymous answer has ``anonymous`` "yes" and an empty ``member_id``. Rows are
    streamed from the database in batches, so memory does not grow with size.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(sql.EXPORT_COLUMNS)
    written = 0
    async for batch in sql.export_rows(db, guild_id, since):
        writer.writerows(
            (*r[:8], iso(r[8]), "" if r[9] is None else r[9], "yes" if r[10] else "") for r in batch
        )
        written += len(batch)
        if progress is not None:
            progress(written)
    return written
