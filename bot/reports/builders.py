"""Moderator and member reports, built from the reports store. Times are Unix seconds (UTC);
a report window is ``since <= time < now``."""

from __future__ import annotations

from bot.participation.rules import best_of, rank_by_answers_per_post, streak
from bot.participation.types import ANSWER, Ranked, Streak
from bot.reports.ports import ReportRecords
from bot.reports.types import MemberReport, PromptReport, ServerReport

TOP = 3  # prompts and themes listed as most and as least discussed


def _most_least(ranked: list[Ranked], top: int) -> tuple[tuple[Ranked, ...], tuple[Ranked, ...]]:
    """The ``top`` most and least discussed; with fewer than ``2 * top`` items they are split
    between the two lists (the upper half is "most"), so a small server still sees both ends.
    A prompt or theme without answers is only ever among the least discussed."""
    answered = sum(1 for r in ranked if r.answers)  # nothing unanswered is "most discussed"
    head = min(top, (len(ranked) + 1) // 2, answered)
    rest = sorted(ranked[head:], key=lambda r: (r.per_post, r.answers, r.key))
    return tuple(ranked[:head]), tuple(rest[:top])


async def server_report(
    store: ReportRecords, guild_id: int, since: int, now: int, top: int = TOP
) -> ServerReport:
    """Figures for ``/stats server`` and ``python -m bot stats``; ``top`` entries per list."""
    totals = await store.window_totals(guild_id, since, now)
    posts = await store.post_answers(guild_id, since, now)
    prompts = _most_least(rank_by_answers_per_post((p.prompt_id, p.answers) for p in posts), top)
    themes = _most_least(rank_by_answers_per_post((p.theme_id, p.answers) for p in posts), top)
    anonymous = await store.anonymous_answers(guild_id, since, now)
    starters = await store.starters(guild_id, since, now)
    active, new = totals.active_members, totals.new_members
    return ServerReport(
        guild_id, since, now, active, new, active - new, totals.answers, totals.reactions,
        len(posts), *prompts, *themes, anonymous, starters,
    )  # fmt: skip


async def prompt_report(store: ReportRecords, guild_id: int, prompt_id: str) -> PromptReport:
    """All-time figures of one prompt in a server (``/stats prompt``)."""
    f = await store.prompt_figures(guild_id, prompt_id)
    anonymous = await store.prompt_anonymous_answers(guild_id, prompt_id)
    return PromptReport(
        guild_id, prompt_id, f.posts, f.answers, f.reactions, f.members, f.mean_length,
        f.first_posted, f.last_posted, anonymous,
    )  # fmt: skip


async def member_report(
    store: ReportRecords, guild_id: int, member_id: int, include_anonymous: bool = False
) -> MemberReport:
    """A member's figures: the same for ``/participation me`` and ``/stats member``, except
    that only the member's own view (``include_anonymous``) counts their anonymous answers.

    Streaks are counted per channel over scheduled prompts (see ``participation.streak``);
    the report shows the highest current and the highest best streak across channels.
    """
    rows = await store.member_rows(guild_id, member_id, include_anonymous)
    answers = [r for r in rows if r.kind == ANSWER]
    answered = {r.post_id for r in answers if r.post_kind == "scheduled"}
    channels = {r.channel_id for r in answers if r.post_kind == "scheduled"}
    streaks = [streak(await store.scheduled_posts(c), answered) for c in sorted(channels)]
    best = best_of(streaks) if streaks else Streak(0, 0)
    times = [r.created_at for r in rows]
    return MemberReport(
        guild_id, member_id, len(answers), len(rows) - len(answers),
        len({r.prompt_id for r in answers}), len({r.theme_id for r in rows}), best.current,
        best.best, min(times, default=None), max(times, default=None),
    )  # fmt: skip
