"""The data behind each chart, and a drawn chart. Plain, picklable records: a chart is drawn in
another process from these alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.participation.types import Ranked

ChartKind = Literal["activity", "themes", "times"]
CHART_KINDS: tuple[ChartKind, ...] = ("activity", "themes", "times")

# A chart needs at least this many answers and reactions (anonymous answers included) in its
# window; with fewer, a "not enough activity yet" image is drawn instead.
MIN_ACTIVITY = 5
DEFAULT_DAYS = 28
MAX_DAYS = 90  # more days than this make bars too thin to read
FIRST_ANSWER_HOURS = 3  # "first answers" are those within this many hours of a post
BUSIEST_SHOWN = 3  # hours named under the heatmap
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ChartWindow:
    """The whole local days ``first``..``last`` (the last one is today, still under way) in
    ``timezone``; ``since``/``now`` are the same window in Unix seconds."""

    timezone: str
    first: date
    last: date
    since: int
    now: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def span(self) -> str:
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


@dataclass(frozen=True)
class ActivityDay:
    day: date
    answers: int  # recorded answers (anonymous ones are not in here)
    anonymous: int  # relayed anonymous answers, all of them
    reactions: int
    active_members: int  # members with an answer or reaction that day
    posts: int  # prompts posted that day


@dataclass(frozen=True)
class ActivityData:
    window: ChartWindow
    days: tuple[ActivityDay, ...]

    kind: ChartKind = field(default="activity", init=False)

    @property
    def total(self) -> int:
        return sum(d.answers + d.anonymous + d.reactions for d in self.days)


@dataclass(frozen=True)
class ThemesData:
    """Themes ranked by answers per post, over the prompts posted in the window (as the text
    report ranks them; anonymous answers are not in it)."""

    window: ChartWindow
    themes: tuple[Ranked, ...]
    activity: int  # answers, reactions and anonymous answers in the window

    kind: ChartKind = field(default="themes", init=False)

    @property
    def total(self) -> int:
        return self.activity


@dataclass(frozen=True)
class PostingTime:
    weekday: int  # 0 = Monday, in the display timezone
    hour: int
    minute: int

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class TimesData:
    """Answers by weekday (rows, Monday first) and hour (columns) in the display timezone, the
    channels' posting times in that timezone, and first answers by hour of day."""

    window: ChartWindow
    grid: tuple[tuple[int, ...], ...]  # 7 x 24
    posting_times: tuple[PostingTime, ...]
    first_answers: tuple[int, ...]  # 24: members' first answers within 3 h of a post, by hour
    activity: int  # answers, reactions and anonymous answers in the window

    kind: ChartKind = field(default="times", init=False)

    @property
    def total(self) -> int:
        return self.activity

    @property
    def answers(self) -> int:
        return sum(map(sum, self.grid))

    def busiest_first_answer_hours(self, top: int = BUSIEST_SHOWN) -> list[tuple[int, int]]:
        """(hour, first answers) of the hours with the most, most first; ties by hour."""
        ranked = sorted(
            ((h, n) for h, n in enumerate(self.first_answers) if n), key=lambda x: (-x[1], x[0])
        )
        return ranked[:top]

    def busiest_cell(self) -> tuple[int, int, int] | None:
        """(weekday, hour, answers) of the busiest hour of the week; None without answers."""
        cells = [(n, -d, -h) for d, row in enumerate(self.grid) for h, n in enumerate(row)]
        n, d, h = max(cells)
        return (-d, -h, n) if n else None


ChartData = ActivityData | ThemesData | TimesData


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the PNG, its alt text (Discord's attachment description) and every
    piece of text drawn in it."""

    kind: ChartKind
    png: bytes
    alt_text: str
    filename: str
    width: int
    height: int
    texts: tuple[str, ...] = ()
    enough: bool = True  # False: the "not enough activity yet" image
