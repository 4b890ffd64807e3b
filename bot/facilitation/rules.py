"""When a thread's next step is due (pure: given the thread, its steps and the channel's
settings).

- **Follow-ups** (channels with ``followups: paced``), in the prompt's order, skipping one the
  nudge already asked: the next is due once ``followup_after_answers`` answers have come since
  the previous step (since the post, for the first), or once the thread has had at least one
  answer since then followed by ``followup_after_hours`` of silence. A thread with no answer
  gets none.
- **The nudge**: a thread with no answer and no step ``nudge_after_hours`` after its post gets
  one, with the easiest follow-up (the shortest) or, for a sensitive prompt, a gentle line. It
  counts as a step, so the next follow-up is paced from it.
- **Quiet hours**: a step due inside the channel's quiet hours waits for their end.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.model import ChannelConfig
from bot.facilitation.types import FOLLOWUP, NUDGE, Due, OpenThread, Step

HOUR = 3600


def easiest(followups: tuple[str, ...]) -> int | None:
    """The index of the shortest follow-up (the first of equals), None if there is none."""
    if not followups:
        return None
    return min(range(len(followups)), key=lambda i: (len(followups[i]), i))


def next_followup(followups: tuple[str, ...], steps: list[Step]) -> int | None:
    """The first follow-up no step has asked yet."""
    used = {s.followup for s in steps}
    return next((i for i in range(len(followups)) if i not in used), None)


def due_step(
    thread: OpenThread,
    steps: list[Step],
    followups: tuple[str, ...],
    sensitive: bool,
    channel: ChannelConfig,
) -> Due | None:
    """The thread's next step and when it may be sent (before quiet hours); None when there is
    nothing more to send."""
    if not steps and thread.answers == 0:
        if channel.nudge_after_hours is None:
            return None
        at = thread.posted_at + round(channel.nudge_after_hours * HOUR)
        return Due(NUDGE, None if sensitive else easiest(followups), at)
    if channel.followups != "paced" or thread.answers == 0:
        return None
    index = next_followup(followups, steps)
    if index is None:
        return None
    seen = steps[-1].answers_seen if steps else 0
    since = thread.answers - seen
    if since >= channel.followup_after_answers:
        at = thread.posted_at if not steps else steps[-1].claimed_at
        return Due(FOLLOWUP, index, at)
    needed = channel.followup_after_answers - since
    if since <= 0 or thread.last_answer_at is None:
        return Due(FOLLOWUP, index, None, needed)
    last = max(thread.last_answer_at, steps[-1].claimed_at if steps else 0)
    return Due(FOLLOWUP, index, last + round(channel.followup_after_hours * HOUR), needed)


def quiet_until(channel: ChannelConfig, when: int) -> int | None:
    """The end of the channel's quiet hours if ``when`` falls inside them, else None."""
    if channel.quiet_hours is None:
        return None
    start, end = channel.quiet_hours
    zone = ZoneInfo(channel.timezone)
    local = datetime.fromtimestamp(when, UTC).astimezone(zone)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    wall = datetime(day.year, day.month, day.day, end // 60, end % 60)
    return int(wall.replace(tzinfo=zone).timestamp())


def held(due: Due, channel: ChannelConfig, now: int) -> Due:
    """``due`` with the channel's quiet hours applied: a step whose time (or now, once it is due)
    falls inside them waits for their end (``quiet_until``)."""
    if due.at is None:
        return due
    return replace(due, quiet_until=quiet_until(channel, max(due.at, now)))
