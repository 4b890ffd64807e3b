"""The README's example charts, drawn from a fixed demo data set: four weeks of the demo
community (two channels, the demo's schedule, forty members who mostly answer in the evening),
the same every time.

    python -m bot.demo.chart_examples [FOLDER]     # default docs/charts
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.anonymity.types import AnonymousAnswer
from bot.app import app_for
from bot.charts.data import chart_data, chart_window, posting_times
from bot.charts.render import render_chart
from bot.charts.types import CHART_KINDS, Chart
from bot.config.database import parse_database
from bot.config.settings import Settings
from bot.demo.community import DISCUSSION, GUILD, SCHEDULE, START, THEMES
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.schedule.cron import slots_between

DAYS = 28
NOW = START + timedelta(days=DAYS, hours=-12)  # the fourth Sunday, noon UTC
TIMEZONE = "UTC"  # the demo config's channels post in UTC
MEMBERS = [910000000000000000 + n for n in range(40)]
# How much each theme's prompts get answered (some land, some do not).
PULL = {"stories": 9, "visibility": 7, "safe-spaces": 7, "community": 6, "solidarity": 6,
        "traditions": 5, "voices": 5, "empathy": 5, "dialogue": 4, "learning": 4,
        "self-expression": 3, "bridges": 3, "leadership": 2, "resilience": 2}  # fmt: skip
ANSWER_DELAY_MINUTES = (5, 10, 15, 25, 40, 60, 90, 120, 150, 200, 300)


async def seed(path: Path, seed_value: int = 21) -> None:
    """Fill a new database at ``path`` with the demo's four weeks."""
    rng = random.Random(seed_value)
    async with app_for(Settings(database=parse_database(path))) as app:
        stores = app.stores
        posts, rows, anonymous = stores.posting.posts, [], []
        start, end = START - timedelta(seconds=1), NOW
        message = 920000000000000000
        for channel, cron in SCHEDULE.items():
            themes = THEMES[channel]
            for n, slot in enumerate(slots_between(cron, "UTC", start, end)):
                at = int(slot.timestamp())
                theme = themes[n % len(themes)]
                prompt = f"{theme}-{n % 3 + 1}"
                post_id = await posts.claim_slot(GUILD, channel, at, at)
                assert post_id is not None  # a new database: every slot is free
                message += 1
                await posts.mark_posted(post_id, prompt, theme, message, message, at)
                prompt_message = message
                row = ParticipationRow(GUILD, post_id, prompt, theme, 0, 0, ANSWER, at, None)
                for member in rng.sample(MEMBERS, PULL.get(theme, 1) + rng.randint(0, 3)):
                    for _ in range(1 + (rng.random() < 0.3)):
                        message += 1
                        delay = (rng.choice(ANSWER_DELAY_MINUTES) + rng.randint(0, 9)) * 60
                        rows.append(row._replace(member_id=member, message_id=message,
                                                 created_at=at + delay))  # fmt: skip
                for member in rng.sample(MEMBERS, rng.randint(2, 8)):
                    delay = rng.randint(1, 400) * 60
                    rows.append(row._replace(member_id=member, message_id=prompt_message,
                                             kind=REACTION, created_at=at + delay))  # fmt: skip
                if channel == DISCUSSION and rng.random() < 0.3:
                    message += 1
                    anonymous.append(AnonymousAnswer(message, GUILD, post_id, message, MEMBERS[0],
                                                     True, at + 3600, 200))  # fmt: skip
        await stores.participation.record_many(rows)
        for answer in anonymous:
            await stores.anonymous.record(answer)


async def demo_charts(path: Path) -> list[Chart]:
    """The three charts of the seeded database at ``path``."""
    now = int(NOW.timestamp())
    window = chart_window(TIMEZONE, now, DAYS)
    times = posting_times([(cron, "UTC") for cron in SCHEDULE.values()], TIMEZONE, now)
    async with app_for(Settings(database=parse_database(path))) as app:
        store, reports = app.stores.charts, app.stores.reports
        data = [await chart_data(k, store, reports, GUILD, window, times) for k in CHART_KINDS]
    return [render_chart(d) for d in data]


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "docs/charts")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.sqlite3"
        asyncio.run(seed(path))
        charts = asyncio.run(demo_charts(path))
    for chart in charts:
        out = folder / f"{chart.kind}.png"
        out.write_bytes(chart.png)
        print(f"{out}: {chart.width}x{chart.height} px, {len(chart.png) / 1024:.0f} KiB")
        print(f"  alt: {chart.alt_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
