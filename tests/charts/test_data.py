"""The data behind each chart, against the hand-computed data set of ``tests.chart_world``."""

from datetime import date

import pytest

from bot.charts.data import chart_data, chart_window, posted_slot_times, posting_times
from bot.charts.types import PostingTime
from bot.participation.types import Ranked
from bot.reports.builders import server_report
from bot.store import open_stores
from tests.chart_world import CHI, NOW, TZ, G, local, seed


@pytest.fixture
async def world(database):
    await seed(database)
    stores = await open_stores(database)
    yield stores, stores.charts, stores.reports
    await stores.close()


async def test_the_window_is_whole_local_days_ending_today():
    window = chart_window(TZ, NOW, 7)
    assert (window.first, window.last, window.days) == (date(2026, 3, 7), date(2026, 3, 13), 7)
    assert window.since == local(7, 0) and window.now == NOW


async def test_activity_per_local_day(world):
    _, store, reports = world
    data = await chart_data("activity", store, reports, G, chart_window(TZ, NOW, 7))
    days = {d.day.day: (d.answers, d.anonymous, d.reactions, d.active_members, d.posts)
            for d in data.days}  # fmt: skip
    assert days == {
        7: (0, 0, 0, 0, 0),
        8: (0, 0, 0, 0, 0),
        9: (4, 0, 1, 3, 1),  # ANA twice, BEN, CHI; ANA's reaction; post A
        10: (2, 1, 1, 3, 1),  # ANA, BEN, an anonymous answer; DAN's reaction; post B
        11: (3, 1, 0, 2, 1),  # CHI at 00:10 local (18:40 UTC the day before), BEN, CHI
        12: (0, 0, 0, 0, 0),
        13: (0, 0, 0, 0, 0),
    }
    assert data.total == 9 + 2 + 2


async def test_activity_in_utc_puts_the_late_answer_on_the_day_before(world):
    _, store, reports = world
    data = await chart_data("activity", store, reports, G, chart_window("UTC", NOW, 7))
    by_day = {d.day.day: d.answers for d in data.days if d.answers}
    assert by_day == {9: 4, 10: 3, 11: 2}  # CHI's 00:10 Kolkata answer is 18:40 UTC on the 10th


async def test_themes_ranked_by_answers_per_post_over_the_window(world):
    _, store, reports = world
    data = await chart_data("themes", store, reports, G, chart_window(TZ, NOW, 7))
    assert data.themes == (Ranked("joy", 2, 6), Ranked("home", 1, 3))  # "old" is not in it
    month = await chart_data("themes", store, reports, G, chart_window(TZ, NOW, 28))
    assert month.themes[-1] == Ranked("old", 1, 1)


async def test_times_heatmap_first_answers_and_busiest_hours(world):
    _, store, reports = world
    marks = (PostingTime(0, 9, 0), PostingTime(1, 20, 0))
    data = await chart_data("times", store, reports, G, chart_window(TZ, NOW, 7), marks)
    cells = {(d, h): n for d, row in enumerate(data.grid) for h, n in enumerate(row) if n}
    assert cells == {(0, 9): 2, (0, 10): 1, (0, 13): 1, (1, 20): 2, (2, 0): 1, (2, 9): 2}
    assert data.answers == 9 and data.posting_times == marks
    first = {h: n for h, n in enumerate(data.first_answers) if n}
    assert first == {9: 3, 10: 1, 20: 2}  # CHI's answers 4 h and 4 h 10 after are not first
    assert data.busiest_first_answer_hours() == [(9, 3), (20, 2), (10, 1)]


async def test_privacy_follows_the_text_reports(world):
    """Anonymous answers only as their own count; an erased member is gone from every chart;
    the charts' totals are the text report's over the same window."""
    stores, store, reports = world
    window = chart_window(TZ, NOW, 7)
    report = await server_report(reports, G, window.since, window.now)
    activity = await chart_data("activity", store, reports, G, window)
    assert sum(d.answers for d in activity.days) == report.answers == 9
    assert sum(d.reactions for d in activity.days) == report.reactions == 2
    assert sum(d.anonymous for d in activity.days) == report.anonymous_answers == 2
    times = await chart_data("times", store, reports, G, window, ())
    assert times.answers == report.answers  # no anonymous answer in the heatmap

    await stores.participation.forget(G, CHI)
    after = await chart_data("activity", store, reports, G, window)
    assert [d.answers for d in after.days if d.answers] == [3, 2, 1]
    assert [d.active_members for d in after.days if d.active_members] == [2, 3, 1]
    themes = await chart_data("themes", store, reports, G, window)
    assert themes.themes == (Ranked("joy", 2, 4), Ranked("home", 1, 2))
    times = await chart_data("times", store, reports, G, window, ())
    assert {h: n for h, n in enumerate(times.first_answers) if n} == {9: 2, 10: 1, 20: 2}
    assert sum(d.anonymous for d in after.days) == 2


async def test_posting_times_in_the_display_timezone():
    # 09:00 London (still winter time) is 14:30 in Kolkata; 18:30 in New York (summer time
    # since 8 March) is 04:00 the next morning there
    schedules = [("0 9 * * *", "Europe/London"), ("30 18 * * MON,THU", "America/New_York")]
    marks = posting_times(schedules, TZ, NOW)
    assert len([m for m in marks if (m.hour, m.minute) == (14, 30)]) == 7
    assert [m.label() for m in marks if m.hour == 4] == ["Tue 04:00", "Fri 04:00"]
    assert len(marks) == 9
    assert posted_slot_times([local(9, 9)], TZ) == (PostingTime(0, 9, 0),)
