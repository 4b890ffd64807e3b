"""Drawing the charts with matplotlib's Agg renderer (no pyplot, no global state). matplotlib is
imported inside ``draw`` only: nothing else in the bot pays for it.

The images are opaque, dark text on white with a grey edge, so they read the same in Discord's
dark and light themes. Text has a contrast of at least 4.5:1 on the white, bars, lines and marks
at least 3:1 (WCAG's figures); their colours come from the Okabe–Ito set, told apart with
colour-blindness too.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from bot.charts.alt_text import TITLES, busiest_line, not_enough_text, plural
from bot.charts.types import WEEKDAYS, ActivityData, ChartData, ThemesData, TimesData

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.participation.types import Ranked

BACKGROUND = "#FFFFFF"
EDGE = "#B8BEC6"
TEXT = "#1F2328"
MUTED = "#4D5560"
GRID = "#E3E6EA"
ANSWERS = "#0072B2"
ANONYMOUS = "#CC79A7"
REACTIONS = "#B07200"
ACTIVE = "#1F2328"
POSTED = "#009E73"
POSTING_TIME = "#D55E00"
HEAT = "Blues"

WIDTH_IN, DPI = 10.0, 100  # 1000 px wide
THEMES_SHOWN = 20  # more themes: the 10 most and the 10 least discussed


def luminance(rgb: tuple[float, ...]) -> float:
    """WCAG relative luminance of an sRGB colour given as 0-1 floats."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(fill: tuple[float, ...]) -> str:
    """TEXT or BACKGROUND, whichever reads better on ``fill``."""
    from matplotlib.colors import to_rgb

    return max((TEXT, BACKGROUND), key=lambda c: contrast(to_rgb(c), fill))


def _figure(height_in: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(
        figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor=BACKGROUND, edgecolor=EDGE, linewidth=2
    )
    FigureCanvasAgg(fig)
    return fig


def _style(ax: Axes) -> None:
    ax.set_facecolor(BACKGROUND)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=TEXT, labelsize=10)
    ax.yaxis.label.set_color(TEXT)
    ax.xaxis.label.set_color(TEXT)


def _title(fig: Figure, data: ChartData, extra: str = "") -> None:
    w = data.window
    fig.suptitle(
        f"{TITLES[data.kind]} · last {w.days} days ({w.span()}, {w.timezone}){extra}",
        color=TEXT,
        fontsize=13,
        x=0.01,
        ha="left",
        y=0.98,
    )


def _activity(data: ActivityData) -> Figure:
    fig = _figure(5.2)
    ax = fig.add_axes((0.06, 0.22, 0.92, 0.6))
    _style(ax)
    days = data.days
    x = range(len(days))
    answers = [d.answers for d in days]
    anonymous = [d.anonymous for d in days]
    ax.bar([i - 0.2 for i in x], answers, 0.4, color=ANSWERS, label="answers", zorder=2)
    if any(anonymous):
        ax.bar([i - 0.2 for i in x], anonymous, 0.4, bottom=answers, color=ANONYMOUS,
               label="anonymous answers", zorder=2)  # fmt: skip
    ax.bar([i + 0.2 for i in x], [d.reactions for d in days], 0.4, color=REACTIONS,
           label="reactions", zorder=2)  # fmt: skip
    ax.plot(x, [d.active_members for d in days], color=ACTIVE, marker="o", markersize=5,
            markeredgecolor=BACKGROUND, linewidth=1.8, label="active members",
            zorder=3)  # fmt: skip
    posted = [i for i, d in enumerate(days) if d.posts]
    ax.plot(posted, [-0.035] * len(posted), linestyle="none", marker="^", markersize=8,
            color=POSTED, label="prompt posted", clip_on=False, zorder=4,
            transform=ax.get_xaxis_transform())  # fmt: skip
    ax.tick_params(axis="x", pad=14)
    step = max(1, round(len(days) / 10))
    ticks = list(range(len(days) - 1, -1, -step))[::-1]
    ax.set_xticks(ticks, [f"{days[i].day:%a}\n{days[i].day:%d %b}" for i in ticks])
    ax.set_xlim(-0.7, len(days) - 0.3)
    ax.set_ylim(bottom=0)
    locator: Any = ax.yaxis.get_major_locator()  # a MaxNLocator: whole numbers of answers
    locator.set_params(integer=True)
    ax.grid(axis="y", color=GRID, zorder=0)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=5, frameon=False, fontsize=10,
              labelcolor=TEXT, handlelength=1.2)  # fmt: skip
    _title(fig, data)
    return fig


def _themes(data: ThemesData) -> Figure:
    shown: list[Ranked | None] = list(data.themes)
    hidden = len(shown) - THEMES_SHOWN
    if hidden > 0:  # the most and the least discussed, a row between saying how many are left
        half = THEMES_SHOWN // 2
        shown = [*shown[:half], None, *shown[-half:]]
    rows = max(len(shown), 1)
    height = max(3.5, 1.6 + 0.32 * rows)
    fig = _figure(height)
    ax = fig.add_axes((0.24, 0.6 / height, 0.52, 1 - 1.3 / height))
    _style(ax)
    top = max((r.per_post for r in shown if r), default=0) or 1
    for i, r in enumerate(shown):
        if r is None:
            continue
        ax.barh(i, r.per_post, 0.65, color=ANSWERS, zorder=2)
        ax.text(r.per_post + top * 0.01, i, f"{r.per_post:.1f}  ({r.answers} answers, "
                f"{r.posts} {plural(r.posts, 'post')})", va="center", color=TEXT, fontsize=9,
                clip_on=False)  # fmt: skip
    labels = [
        f"… {hidden} more …" if r is None else r.key if len(r.key) <= 26 else r.key[:25] + "…"
        for r in shown
    ]
    ax.set_yticks(range(len(shown)), labels)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.05)
    ax.set_xlabel("answers per post")
    ax.grid(axis="x", color=GRID, zorder=0)
    _title(fig, data)
    return fig


def _times(data: TimesData) -> Figure:
    from matplotlib.patches import Rectangle

    fig = _figure(5.0)
    ax = fig.add_axes((0.06, 0.2, 0.86, 0.66))
    _style(ax)
    grid = data.grid
    peak = max(map(max, grid)) or 1
    image = ax.imshow(grid, cmap=HEAT, vmin=0, vmax=peak, aspect="auto", zorder=1)
    norm: Any = image.norm  # takes a single value too (its stubs name arrays only)
    for d, row in enumerate(grid):
        for h, n in enumerate(row):
            if n:
                shade: Any = image.cmap(norm(n))  # one RGBA tuple for one value
                color = readable_on(shade)
                ax.text(h, d, str(n), ha="center", va="center", fontsize=7, color=color)
    for t in data.posting_times:
        ax.add_patch(Rectangle((t.hour - 0.5, t.weekday - 0.5), 1, 1, fill=False,
                               edgecolor=POSTING_TIME, linewidth=2.2, zorder=3))  # fmt: skip
    ax.set_yticks(range(7), WEEKDAYS)
    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)])
    ax.set_xlabel(f"hour of the day ({data.window.timezone})")
    for side in ax.spines.values():
        side.set_visible(False)
    bar = fig.colorbar(image, ax=ax, cax=fig.add_axes((0.935, 0.2, 0.015, 0.66)))
    bar.set_label("answers", color=TEXT)
    bar.ax.tick_params(colors=TEXT, labelsize=9)
    bar.outline.set_edgecolor(EDGE)
    if data.posting_times:
        fig.legend(handles=[Rectangle((0, 0), 1, 1, fill=False, edgecolor=POSTING_TIME,
                                      linewidth=2.2)],
                   labels=["posting time"], loc="upper right", frameon=False,
                   labelcolor=TEXT, bbox_to_anchor=(0.95, 0.93))  # fmt: skip
    fig.text(0.06, 0.04, busiest_line(data), color=TEXT, fontsize=11, weight="bold")
    _title(fig, data)
    return fig


def _not_enough(data: ChartData) -> Figure:
    fig = _figure(3.0)
    _title(fig, data)
    fig.text(0.5, 0.5, "Not enough activity yet", ha="center", va="center", color=TEXT,
             fontsize=20, weight="bold")  # fmt: skip
    fig.text(0.5, 0.3, not_enough_text(data).split(": ", 1)[1], ha="center", va="center",
             color=MUTED, fontsize=11, wrap=True)  # fmt: skip
    return fig


def draw(data: ChartData, enough: bool = True) -> tuple[bytes, tuple[int, int], tuple[str, ...]]:
    """The PNG of ``data``'s chart (or of "not enough activity yet"), its size in pixels and
    every text drawn in it."""
    from matplotlib.text import Text

    if not enough:
        fig = _not_enough(data)
    elif isinstance(data, ActivityData):
        fig = _activity(data)
    elif isinstance(data, ThemesData):
        fig = _themes(data)
    else:
        fig = _times(data)
    fig.canvas.draw()
    texts = tuple(t.get_text() for t in fig.findobj(Text) if t.get_text())
    width, height = (int(v) for v in fig.canvas.get_width_height())
    canvas: Any = fig.canvas  # the Agg canvas (the renderer the worker selects)
    return _png(canvas.buffer_rgba(), width, height), (width, height), texts


def _png(rgba: memoryview, width: int, height: int) -> bytes:
    """The rendered image as a PNG of 256 colours: flat fills and anti-aliased text need no
    more, and the file is a third of the full-colour one."""
    from PIL import Image

    # Pillow reads the memoryview in place (its stubs name only bytes and array interfaces).
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)  # type: ignore[arg-type]
    image = image.convert("RGB")
    palette = image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="png")
    return out.getvalue()
