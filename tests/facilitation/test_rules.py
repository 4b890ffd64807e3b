"""When a thread's next step is due: pacing by answers and silence, the nudge, quiet hours
across midnight and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facilitation.rules import due_step, easiest, held, quiet_until
from bot.facilitation.types import OpenThread, Step
from tests.posting_helpers import channel

POSTED = int(datetime(2026, 6, 1, 8, 0, tzinfo=UTC).timestamp())
H = 3600
FOLLOWUPS = ("What was it about their story that stayed with you?", "Did it help?", "Why?")


def thread(answers: int, last: int | None = None) -> OpenThread:
    return OpenThread(1, 10, 20, 21, "p", POSTED, answers, last)


def step(number: int, seen: int, at: int, followup: int | None = 0, kind="followup") -> Step:
    return Step(1, number, kind, followup, seen, "sent", at)


def test_the_easiest_followup_is_the_shortest():
    assert easiest(FOLLOWUPS) == 2 and easiest(()) is None


def test_followups_wait_for_answers_or_silence_after_one():
    paced = channel(20, followups="paced", followup_after_answers=3, followup_after_hours=6.0)
    assert due_step(thread(0), [], FOLLOWUPS, False, paced).kind == "nudge"
    due = due_step(thread(2, POSTED + H), [], FOLLOWUPS, False, paced)
    assert (due.followup, due.at, due.answers_needed) == (0, POSTED + 7 * H, 1)
    assert due_step(thread(3, POSTED + H), [], FOLLOWUPS, False, paced).at == POSTED
    after = [step(0, 3, POSTED + 2 * H)]
    due = due_step(thread(3, POSTED + H), after, FOLLOWUPS, False, paced)
    assert (due.followup, due.at) == (1, None)  # no answer since: no silence rule
    due = due_step(thread(4, POSTED + 3 * H), after, FOLLOWUPS, False, paced)
    assert due.at == POSTED + 9 * H


def test_the_nudge_counts_as_a_step_and_its_followup_is_not_asked_again():
    paced = channel(20, followups="paced", followup_after_answers=1)
    nudged = [step(0, 0, POSTED + 24 * H, followup=2, kind="nudge")]
    due = due_step(thread(1, POSTED + 25 * H), nudged, FOLLOWUPS, False, paced)
    assert (due.kind, due.followup, due.at) == ("followup", 0, POSTED + 24 * H)
    assert due_step(thread(0), [], FOLLOWUPS, True, paced).followup is None  # gentle line
    off = channel(20, followups="paced", nudge_after_hours=None)
    assert due_step(thread(0), [], FOLLOWUPS, False, off) is None


def test_quiet_hours_across_midnight_and_a_daylight_saving_change():
    night = channel(20, timezone="Europe/London", quiet_hours=(23 * 60, 8 * 60))
    at = int(datetime(2026, 6, 1, 22, 30, tzinfo=UTC).timestamp())  # 23:30 BST
    assert quiet_until(night, at) == int(datetime(2026, 6, 2, 7, 0, tzinfo=UTC).timestamp())
    early = int(datetime(2026, 6, 2, 5, 0, tzinfo=UTC).timestamp())  # 06:00 BST
    assert quiet_until(night, early) == int(datetime(2026, 6, 2, 7, 0, tzinfo=UTC).timestamp())
    assert quiet_until(night, int(datetime(2026, 6, 2, 7, 0, tzinfo=UTC).timestamp())) is None
    # The night the clocks go back (25 October 2026): 08:00 is then GMT.
    autumn = int(datetime(2026, 10, 24, 23, 0, tzinfo=UTC).timestamp())  # 00:00 BST
    assert quiet_until(night, autumn) == int(datetime(2026, 10, 25, 8, 0, tzinfo=UTC).timestamp())
    day = channel(20, timezone="UTC", quiet_hours=(1 * 60, 6 * 60))
    assert quiet_until(day, int(datetime(2026, 6, 1, 3, 0, tzinfo=UTC).timestamp())) == int(
        datetime(2026, 6, 1, 6, 0, tzinfo=UTC).timestamp()
    )
    paced = channel(20, followups="paced", followup_after_answers=1, quiet_hours=(23 * 60, 8 * 60))
    due = due_step(thread(1, POSTED), [], FOLLOWUPS, False, paced)
    assert held(due, paced, at).quiet_until is not None
