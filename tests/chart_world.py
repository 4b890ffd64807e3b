"""A small, hand-computed data set for the charts, in a timezone half an hour off the hour.

Display timezone Asia/Kolkata (UTC+05:30, no daylight saving). "Now" is Friday 2026-03-13
12:00 local. Over a 7-day window (Sat 03-07 .. Fri 03-13 local):

post A  theme "joy"    posted Mon 03-09 09:00 local  (03:30 UTC)
post B  theme "home"   posted Tue 03-10 20:00 local  (14:30 UTC)
post C  theme "joy"    posted Wed 03-11 09:00 local
post D  theme "old"    posted 10 days before now (outside the window)

answers (local time)            member  post
  Mon 03-09 09:20               ANA     A   first answer of ANA on A (within 3 h)
  Mon 03-09 09:40               ANA     A   (not a first answer)
  Mon 03-09 10:05               BEN     A   first (within 3 h)
  Mon 03-09 13:00               CHI     A   first, but 4 h after the post: not counted as such
  Tue 03-10 20:10               ANA     B   first
  Tue 03-10 20:50               BEN     B   first
  Wed 03-11 00:10 (18:40 UTC)   CHI     B   first, 4 h 10 after: no
  Wed 03-11 09:15               BEN     C   first
  Wed 03-11 09:25               CHI     C   first
reactions: ANA on A (Mon 09:30), DAN on B (Tue 21:00)
anonymous answers: one on B (Tue 20:30), one on C (Wed 09:45)
old: BEN answered D 10 days ago (outside the window)

So, by local day: Mon 4 answers / 1 reaction / 3 members / 1 post; Tue 2 answers + 1 anonymous /
1 reaction / 3 members (ANA, BEN, DAN) / 1 post; Wed 3 answers + 1 anonymous / 0 / 2 members
(CHI, BEN) / 1 post. Themes: joy 6 answers over 2 posts (3.0) before home 3 over 1 (3.0): a tie
in answers per post goes to the theme with more answers; "old" was posted before the window.
First answers within 3 h by local hour: 09 → 3 (ANA A, BEN C, CHI C), 10 → 1, 20 → 2.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.anonymity.types import AnonymousAnswer
from bot.config.database import Database, parse_database
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.store import open_stores

G, CHANNEL = 77, 88
ANA, BEN, CHI, DAN = 1001, 1002, 1003, 1004
TZ = "Asia/Kolkata"
KOLKATA = ZoneInfo(TZ)


def local(day: int, hour: int, minute: int = 0) -> int:
    """Unix seconds of 2026-03-<day> hour:minute in Kolkata."""
    return int(datetime(2026, 3, day, hour, minute, tzinfo=KOLKATA).timestamp())


NOW = local(13, 12)
POSTS = {  # name: (theme, posted at)
    "A": ("joy", local(9, 9)),
    "B": ("home", local(10, 20)),
    "C": ("joy", local(11, 9)),
    "D": ("old", NOW - 10 * 86400),
}
ANSWERS = [  # (post, member, at)
    ("A", ANA, local(9, 9, 20)),
    ("A", ANA, local(9, 9, 40)),
    ("A", BEN, local(9, 10, 5)),
    ("A", CHI, local(9, 13, 0)),
    ("B", ANA, local(10, 20, 10)),
    ("B", BEN, local(10, 20, 50)),
    ("B", CHI, local(11, 0, 10)),
    ("C", BEN, local(11, 9, 15)),
    ("C", CHI, local(11, 9, 25)),
    ("D", BEN, NOW - 10 * 86400 + 600),
]
REACTIONS = [("A", ANA, local(9, 9, 30)), ("B", DAN, local(10, 21, 0))]
ANONYMOUS = [("B", local(10, 20, 30)), ("C", local(11, 9, 45))]


async def seed(where: Path | Database, guild_id: int = G) -> dict[str, int]:
    """Write the data set into the database at ``where`` (an SQLite file's path, or a
    database of either backend) as the server ``guild_id``; the post ids by name."""
    g = guild_id
    stores = await open_stores(parse_database(where))
    try:
        posts, ids = stores.posting.posts, {}
        for n, (name, (theme, at)) in enumerate(POSTS.items()):
            post_id = await posts.claim_slot(g, CHANNEL, at, at)
            await posts.mark_posted(post_id, f"{theme}-1", theme, 500 + n, 500 + n, at)
            ids[name] = post_id
        rows = [
            ParticipationRow(g, ids[p], f"{POSTS[p][0]}-1", POSTS[p][0], who, 9000 + i, ANSWER,
                             at, None)
            for i, (p, who, at) in enumerate(ANSWERS)
        ] + [
            ParticipationRow(g, ids[p], f"{POSTS[p][0]}-1", POSTS[p][0], who,
                             500 + list(POSTS).index(p), REACTION, at, None)
            for p, who, at in REACTIONS
        ]  # fmt: skip
        await stores.participation.record_many(rows)
        for i, (p, at) in enumerate(ANONYMOUS):
            await stores.anonymous.record(
                AnonymousAnswer(7000 + i, g, ids[p], 500 + i, DAN, True, at, 100)
            )
    finally:
        await stores.close()
    return ids


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
