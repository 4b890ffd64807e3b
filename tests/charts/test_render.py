"""The drawn charts: valid PNGs of a readable size, not blank, opaque (the same on Discord's dark
and light themes), with alt text and no member named; the busiest first-answer hours named
right on a planted pattern, across a daylight-saving change."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.charts.data import chart_data, chart_window, posting_times
from bot.charts.draw import (
    ACTIVE,
    ANONYMOUS,
    ANSWERS,
    BACKGROUND,
    EDGE,
    MUTED,
    POSTED,
    POSTING_TIME,
    REACTIONS,
    TEXT,
    contrast,
)
from bot.charts.render import render_chart
from bot.charts.types import CHART_KINDS
from bot.participation.types import ANSWER, ParticipationRow
from bot.store import open_stores
from tests.chart_world import ANA, BEN, CHI, DAN, NOW, TZ, G, seed
from tests.store import view

MEMBER_IDS = [str(m) for m in (ANA, BEN, CHI, DAN)]
DISCORD_DARK, DISCORD_LIGHT = (0x31, 0x33, 0x38), (0xFF, 0xFF, 0xFF)


def rgb(hex_colour: str) -> tuple[float, ...]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


async def charts_of(database, tz=TZ, now=NOW, days=7, times=()):
    stores = await open_stores(database)
    try:
        store, reports = stores.charts, stores.reports
        window = chart_window(tz, now, days)
        data = [await chart_data(k, store, reports, G, window, times) for k in CHART_KINDS]
    finally:
        await stores.close()
    return data, [render_chart(d) for d in data]


def decode(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGBA")


def assert_readable_png(chart):
    image = decode(chart.png)
    assert image.size == (chart.width, chart.height)
    assert chart.width >= 400 and 250 <= chart.height <= 1200
    assert len(chart.png) <= 300 * 1024
    assert image.getextrema()[3] == (255, 255)  # opaque: Discord's theme never shows through
    pixels = list(image.convert("RGB").get_flattened_data())
    background = rgb(BACKGROUND)
    drawn = [p for p in pixels if tuple(c / 255 for c in p) != background]
    assert len(drawn) > len(pixels) * 0.02, "the image is (nearly) blank"
    assert len(set(pixels)) > 8
    return image


async def test_each_chart_is_a_small_readable_png_with_alt_text(database):
    await seed(database)
    data, charts = await charts_of(database)
    for d, chart in zip(data, charts, strict=True):
        assert chart.enough and chart.kind == d.kind
        assert_readable_png(chart)
        assert chart.filename == f"{d.kind}-2026-03-13.png"
        assert 50 < len(chart.alt_text) <= 1024
        for member in MEMBER_IDS:
            assert member not in chart.alt_text
            assert all(member not in text for text in chart.texts)
    activity, themes, times = (c.alt_text for c in charts)
    assert "9 answers and 2 anonymous answer(s), 2 reactions" in activity
    assert "at most 3" in activity and "Mon 09 Mar with 4 answers" in activity
    assert "Prompts were posted on 3 of the days" in activity
    assert "2 theme(s). joy 3.0 (6 answers, 2 posts), home 3.0 (3 answers, 1 post)." in themes
    assert times.startswith("Heatmap of 9 answers by weekday and hour (Asia/Kolkata)")
    line = "Most first answers within 3 hours of a post: "
    line += "09:00–10:00 (3), 20:00–21:00 (2), 10:00–11:00 (1)"
    assert line in times and line in charts[2].texts
    assert {"joy", "home"} <= set(charts[1].texts)


async def test_colours_read_on_both_discord_themes(database):
    """Opaque white card with a grey edge: dark text on it whatever Discord's theme; the edge
    sets the card off the light theme, the card itself off the dark one."""
    await seed(database)
    _, charts = await charts_of(database)
    for colour in (TEXT, MUTED):
        assert contrast(rgb(colour), rgb(BACKGROUND)) >= 4.5, colour
    for colour in (ANSWERS, ANONYMOUS, REACTIONS, ACTIVE, POSTED, POSTING_TIME):
        assert contrast(rgb(colour), rgb(BACKGROUND)) >= 3, colour
    image = decode(charts[0].png).convert("RGB")
    corner = image.getpixel((0, 0))
    assert contrast(tuple(c / 255 for c in corner), rgb(EDGE)) < 1.1  # the edge is drawn
    assert contrast(rgb(EDGE), tuple(c / 255 for c in DISCORD_LIGHT)) > 1.5
    assert contrast(rgb(BACKGROUND), tuple(c / 255 for c in DISCORD_DARK)) > 10


async def test_an_empty_server_gets_a_not_enough_activity_image(database):
    _, charts = await charts_of(database)
    for chart in charts:
        assert not chart.enough
        assert_readable_png(chart)
        assert "Not enough activity yet" in chart.alt_text
        assert "Not enough activity yet" in chart.texts


BERLIN = ZoneInfo("Europe/Berlin")
PLANTED_END = datetime(2026, 4, 10, 12, 0, tzinfo=BERLIN)  # four weeks across 29 March (DST)


async def plant(database) -> None:
    """Four weeks of a daily 18:00 Berlin post. Members' first answers come at 19:xx (five a
    post), 20:xx (three) and 18:xx (one); the same members keep talking five hours later
    (00:xx, 01:xx), more answers than at any first-answer hour, but none of them first. One
    more post at 06:00 on Sundays gets two first answers at 07:xx."""
    stores = await open_stores(database)
    posts, rows, message = stores.posting.posts, [], 10_000
    day = PLANTED_END.date() - timedelta(days=27)
    while day <= PLANTED_END.date():
        evening = datetime(day.year, day.month, day.day, 18, 0, tzinfo=BERLIN)
        slots = [(evening, [1, 1, 1, 1, 1, 2, 2, 2, 0])]
        if day.weekday() == 6:
            slots.append((datetime(day.year, day.month, day.day, 6, 0, tzinfo=BERLIN), [1, 1]))
        for at, hours_after in slots:
            if at >= PLANTED_END:
                continue
            ts = int(at.timestamp())
            post_id = await posts.claim_slot(G, 1, ts, ts)
            await posts.mark_posted(post_id, "p", "t", ts, ts, ts)
            for member, after in enumerate(hours_after):
                for extra in (0, 5 * 3600, 5 * 3600 + 60):  # first, then two late ones
                    message += 1
                    minute = 10 + member * 3
                    created = ts + after * 3600 + minute * 60 + extra
                    if at.hour == 6 and extra:
                        continue
                    rows.append(ParticipationRow(G, post_id, "p", "t", 500 + member, message,
                                                 ANSWER, created, None))  # fmt: skip
        day += timedelta(days=1)
    await stores.participation.record_many(rows)
    await stores.close()


async def test_the_busiest_first_answer_hours_are_named_on_a_planted_pattern(database):
    await plant(database)
    now = int(PLANTED_END.timestamp())
    marks = posting_times([("0 18 * * *", "Europe/Berlin")], "Europe/Berlin", now)
    data, charts = await charts_of(database, "Europe/Berlin", now, 28, marks)
    times = data[2]
    # 28 posts at 18:00 (the last day's is after noon: 27) and 4 Sunday morning posts
    assert times.busiest_first_answer_hours() == [(19, 27 * 5), (20, 27 * 3), (18, 27)]
    assert times.first_answers[7] == 4 * 2
    assert times.busiest_cell()[1] == 0  # all answers peak after midnight, none of them first
    line = "Most first answers within 3 hours of a post: "
    assert line + "19:00–20:00 (135), 20:00–21:00 (81), 18:00–19:00 (27)" in charts[2].texts
    assert {(m.hour, m.minute) for m in times.posting_times} == {(18, 0)}
    assert_readable_png(charts[2])


@pytest.mark.parametrize("kind", CHART_KINDS)
async def test_a_chart_of_many_themes_and_days_stays_under_the_size_limit(database, kind):
    await seed(database)
    stores = await open_stores(database)
    try:
        rows = [ParticipationRow(G, 1, f"p{i}", f"a-rather-long-theme-name-{i:03d}", 1, 20_000 + i,
                                 ANSWER, NOW - i * 3000, None) for i in range(2000)]  # fmt: skip
        await stores.participation.record_many(rows)
        await view.rewrite(stores, "posts", {"id": 1}, posted_at=NOW - 100)
        window = chart_window(TZ, NOW, 90)
        data = await chart_data(kind, stores.charts, stores.reports, G, window, ())
    finally:
        await stores.close()
    assert_readable_png(render_chart(data))


def test_many_themes_show_the_most_and_the_least_discussed():
    from datetime import date

    from bot.charts.types import ChartWindow, ThemesData
    from bot.participation.types import Ranked

    window = ChartWindow("UTC", date(2026, 6, 1), date(2026, 6, 28), 0, 1)
    themes = tuple(Ranked(f"theme-{i:02d}", 1, 100 - i) for i in range(34))  # most first
    chart = render_chart(ThemesData(window, themes, 5000))
    assert_readable_png(chart)
    shown = list(dict.fromkeys(t for t in chart.texts if t.startswith("theme-")))
    assert shown == [f"theme-{i:02d}" for i in (*range(10), *range(24, 34))]
    assert "… 14 more …" in chart.texts
    assert "34 theme(s). theme-00 100.0 (100 answers, 1 post)" in chart.alt_text
    assert chart.alt_text.endswith("; least: theme-33 67.0.")
