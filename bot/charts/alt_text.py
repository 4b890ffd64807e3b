"""Alt text for each chart (Discord's attachment description, at most 1024 characters): what it
shows and its main figures, in words, with no member named."""

from __future__ import annotations

from bot.charts.types import (
    FIRST_ANSWER_HOURS,
    MIN_ACTIVITY,
    WEEKDAYS,
    ActivityData,
    ChartData,
    ThemesData,
    TimesData,
)

MAX_ALT_TEXT = 1024  # Discord's limit for an attachment description
THEMES_NAMED = 5

TITLES = {
    "activity": "Participation per day",
    "themes": "Answers per post by theme",
    "times": "When members answer",
}


def _cut(text: str) -> str:
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1] + "…"


def plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def hour_span(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def not_enough_text(data: ChartData) -> str:
    """The message of the "not enough activity yet" image (and its alt text)."""
    w = data.window
    return (
        f"Not enough activity yet for this chart: {data.total} answer(s) and reaction(s) in "
        f"the last {w.days} days; it needs at least {MIN_ACTIVITY}."
    )


def activity_alt(data: ActivityData) -> str:
    d = data.days
    answers, anonymous = sum(x.answers for x in d), sum(x.anonymous for x in d)
    reactions = sum(x.reactions for x in d)
    busiest = max(d, key=lambda x: (x.answers + x.anonymous, -x.day.toordinal()))  # first
    most_active = max(x.active_members for x in d)
    post_days = sum(1 for x in d if x.posts)
    anon = f" and {anonymous} anonymous answer(s)" if anonymous else ""
    return (
        f"Bar chart of participation per day over the last {data.window.days} days "
        f"({data.window.span()}, {data.window.timezone}): {answers} answers{anon}, "
        f"{reactions} reactions; a line shows active members per day, at most {most_active}. "
        f"Busiest day {busiest.day:%a %d %b} with {busiest.answers + busiest.anonymous} "
        f"answers. Prompts were posted on {post_days} of the days, marked under the bars."
    )


def themes_alt(data: ThemesData) -> str:
    themes = data.themes
    named = ", ".join(
        f"{r.key} {r.per_post:.1f} ({r.answers} answers, {r.posts} {plural(r.posts, 'post')})"
        for r in themes[:THEMES_NAMED]
    )
    tail = ""
    if len(themes) > THEMES_NAMED:
        last = themes[-1]
        tail = f"; least: {last.key} {last.per_post:.1f}"
    return (
        f"Bar chart of answers per post by theme, most discussed first, over the prompts "
        f"posted in the last {data.window.days} days ({data.window.span()}): "
        f"{len(themes)} theme(s). {named or 'No prompt was posted'}{tail}."
    )


def busiest_line(data: TimesData) -> str:
    """The line under the heatmap naming the hours with the most first answers."""
    busiest = data.busiest_first_answer_hours()
    if not busiest:
        return f"No answers yet within {FIRST_ANSWER_HOURS} hours of a post."
    hours = ", ".join(f"{hour_span(h)} ({n})" for h, n in busiest)
    return f"Most first answers within {FIRST_ANSWER_HOURS} hours of a post: {hours}"


def times_alt(data: TimesData) -> str:
    cell = data.busiest_cell()
    peak = f"; busiest {WEEKDAYS[cell[0]]} {hour_span(cell[1])} ({cell[2]})" if cell else ""
    marks = ", ".join(t.label() for t in data.posting_times[:14])
    if len(data.posting_times) > 14:
        marks += f" and {len(data.posting_times) - 14} more"
    posting = f" Posting times marked: {marks}." if marks else ""
    return (
        f"Heatmap of {data.answers} answers by weekday and hour ({data.window.timezone}) over "
        f"the last {data.window.days} days{peak}.{posting} {busiest_line(data)}."
    ).replace("..", ".")


def alt_text(data: ChartData, enough: bool = True) -> str:
    if not enough:
        return _cut(f"{TITLES[data.kind]}: {not_enough_text(data)}")
    if isinstance(data, ActivityData):
        text = activity_alt(data)
    elif isinstance(data, ThemesData):
        text = themes_alt(data)
    else:
        text = times_alt(data)
    return _cut(text)
