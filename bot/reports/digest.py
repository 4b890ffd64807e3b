"""The weekly digest's text, and how reports write times."""

from __future__ import annotations

import time

from bot.participation.types import Ranked
from bot.reports.types import ServerReport

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
        counts = f"{counted(r.answers, 'answer')}, {counted(r.posts, 'post')}"
        lines.append(f"  {key}: {r.per_post:.1f} ({counts})")
    return lines


def weekly_digest_text(report: ServerReport) -> str:
    """The digest posted to the mod-log channel: plain text, no mentions, at most 2000 chars."""
    lines = [
        f"Discussion digest {iso(report.since)[:10]} to {iso(report.now)[:10]} (UTC)",
        f"Active members: {report.active_members} ({report.new_members} new,"
        f" {report.returning_members} returning)",
        f"Answers: {report.answers}, reactions: {report.reactions}, prompts posted: {report.posts}"
        + anonymous_note(report.anonymous_answers)
        + starters_note(report.starters),
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


def starters_note(count: int) -> str:
    """Starters asked for with /starter: their own kind, never counted as posts."""
    return f", conversation starters: {count}" if count else ""


def counted(n: int, word: str) -> str:
    """``1 answer``, ``2 answers``: a count with its noun in the right number."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def iso(ts: int) -> str:
    """Unix seconds as ISO 8601 UTC, e.g. 2026-05-04T09:00:00Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
