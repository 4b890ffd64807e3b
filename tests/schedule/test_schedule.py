from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.cron import latest_slot, next_slot, slots_between

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(slots: list[datetime], tz: str) -> list[str]:
    return [s.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z") for s in slots]


def test_daily_slots_are_start_exclusive_end_inclusive_in_utc():
    slots = slots_between("0 9 * * *", "UTC", utc(2026, 6, 1, 9), utc(2026, 6, 3, 9))
    assert slots == [utc(2026, 6, 2, 9), utc(2026, 6, 3, 9)]
    assert all(s.tzinfo is UTC for s in slots)


def test_daily_nine_stays_nine_local_across_london_spring_forward():
    slots = slots_between("0 9 * * *", LONDON, utc(2026, 3, 28), utc(2026, 3, 30, 12))
    assert local(slots, LONDON) == [
        "2026-03-28 09:00 GMT",
        "2026-03-29 09:00 BST",
        "2026-03-30 09:00 BST",
    ]
    assert [s.hour for s in slots] == [9, 8, 8]  # UTC hour moves, local time does not


def test_daily_nine_stays_nine_local_across_new_york_fall_back():
    slots = slots_between("0 9 * * *", NEW_YORK, utc(2026, 10, 31), utc(2026, 11, 2, 23))
    assert local(slots, NEW_YORK) == [
        "2026-10-31 09:00 EDT",
        "2026-11-01 09:00 EST",
        "2026-11-02 09:00 EST",
    ]


@pytest.mark.parametrize(
    ("tz", "day"),
    [(LONDON, (2026, 10, 25)), (NEW_YORK, (2026, 11, 1))],
)
def test_time_in_repeated_hour_fires_once_on_fall_back_day(tz, day):
    start = datetime(*day, tzinfo=ZoneInfo(tz))
    end = (start + timedelta(days=1)).replace(tzinfo=ZoneInfo(tz))  # next local midnight
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=25)
    slots = slots_between("30 1 * * *", tz, start, end)
    assert len(slots) == 1
    assert slots[0].astimezone(ZoneInfo(tz)).strftime("%H:%M") == "01:30"


def test_start_inside_second_copy_of_repeated_hour_does_not_go_back():
    # 01:10 EST is after 01:30 EDT: the next 01:30 is the following day's.
    start = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=ZoneInfo(NEW_YORK))
    assert next_slot("30 1 * * *", NEW_YORK, start) == utc(2026, 11, 2, 6, 30)


def test_time_in_skipped_hour_fires_after_the_gap_on_spring_forward():
    # London skips 01:00-02:00 on 2026-03-29: 01:30 posts once, at 02:00 BST.
    slots = slots_between("30 1 * * *", LONDON, utc(2026, 3, 28, 12), utc(2026, 3, 30, 12))
    assert local(slots, LONDON) == ["2026-03-29 02:00 BST", "2026-03-30 01:30 BST"]
    # New York skips 02:00-03:00 on 2026-03-08: 02:30 posts at 03:00 EDT, 01:30 is unaffected.
    slots = slots_between("30 2 * * *", NEW_YORK, utc(2026, 3, 7, 12), utc(2026, 3, 9, 12))
    assert local(slots, NEW_YORK) == ["2026-03-08 03:00 EDT", "2026-03-09 02:30 EDT"]
    slots = slots_between("30 1 * * *", NEW_YORK, utc(2026, 3, 7, 12), utc(2026, 3, 9, 12))
    assert local(slots, NEW_YORK) == ["2026-03-08 01:30 EST", "2026-03-09 01:30 EDT"]


def test_hourly_schedule_follows_real_hours_through_fall_back():
    slots = slots_between("0 * * * *", NEW_YORK, utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 7))
    assert local(slots, NEW_YORK) == [
        "2026-11-01 01:00 EDT",
        "2026-11-01 01:00 EST",
        "2026-11-01 02:00 EST",
    ]


def test_next_slot_is_strictly_after():
    assert next_slot("0 9 * * *", LONDON, utc(2026, 6, 1, 7, 59)) == utc(2026, 6, 1, 8)  # 09:00 BST
    assert next_slot("0 9 * * *", LONDON, utc(2026, 6, 1, 8)) == utc(2026, 6, 2, 8)


def test_latest_slot_includes_the_instant_itself_and_looks_back():
    assert latest_slot("0 9 * * *", LONDON, utc(2026, 6, 1, 8)) == utc(2026, 6, 1, 8)
    assert latest_slot("0 9 * * *", LONDON, utc(2026, 6, 1, 7, 59)) == utc(2026, 5, 31, 8)
    assert latest_slot("0 9 1 1 *", "UTC", utc(2026, 6, 1)) == utc(2026, 1, 1, 9)


def test_latest_slot_is_none_beyond_the_look_back():
    assert latest_slot("0 9 1 1 *", "UTC", utc(2026, 6, 1), lookback=timedelta(days=30)) is None


def test_latest_slot_on_fall_back_day_agrees_with_forward_slots():
    at = utc(2026, 11, 1, 12)
    assert latest_slot("30 1 * * *", NEW_YORK, at) == utc(2026, 11, 1, 5, 30)  # 01:30 EDT


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        slots_between("0 9 * * *", "UTC", datetime(2026, 1, 1), utc(2026, 1, 2))
