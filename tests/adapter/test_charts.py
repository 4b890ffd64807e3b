"""Charts in Discord: ``/stats server chart:`` and the weekly digest attach the PNG with its alt
text as the attachment's description, through discord.py's multipart upload to the recorded
HTTP layer; the drawing happens in the chart worker process."""

import io
from dataclasses import replace
from datetime import timedelta

from PIL import Image

from bot.adapter.stats import COGS as STATS_COGS
from bot.config.settings import ChannelConfig
from tests.chart_world import NOW as CHART_NOW
from tests.chart_world import TZ, seed, utc
from tests.discord_harness import FakeDiscord
from tests.participation_world import MOD, MODLOG, C, G, guild, settings

FIRST_ANSWERS = (
    "Most first answers within 3 hours of a post: 09:00–10:00 (3), 20:00–21:00 (2), 10:00–11:00 (1)"
)


def chart_settings(tmp_path):
    base = settings(tmp_path)
    channel = ChannelConfig(channel_id=C, cron="0 9 * * MON,WED", timezone=TZ)
    return replace(base, guilds=(replace(base.guilds[0], channels=(channel,)),))


# The first chart starts the worker process and imports matplotlib: a few seconds on a busy
# machine. The harness still waits for the bot's tasks to finish, only for longer.
DRAWING = 60.0


def png_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.size


async def test_stats_server_attaches_the_chart_with_its_alt_text(tmp_path, make_bot):
    await seed(tmp_path / "bot.sqlite3", guild_id=G)
    bot = make_bot(chart_settings(tmp_path), cogs=STATS_COGS, clock=lambda: utc(CHART_NOW))
    async with FakeDiscord(bot, settle_timeout=DRAWING) as fd:
        await fd.connect(guild(fd))
        replies = await fd.slash("stats server", user_id=MOD, channel_id=C, chart="times", days=7)
        assert replies.ephemeral
        [sent] = [r for r in replies.requests if r.files]
        [(name, png)] = sent.files
        assert name == "times-2026-03-13.png" and len(png) <= 300 * 1024
        assert png_size(png)[0] >= 400
        [attachment] = sent.json["attachments"]
        alt = attachment["description"]
        assert alt.startswith("Heatmap of 9 answers by weekday and hour (Asia/Kolkata)")
        assert "Posting times marked: Mon 09:00, Wed 09:00." in alt and FIRST_ANSWERS in alt
        assert sent.json["content"].startswith("Last 7 day(s): 4 active members")
        assert sent.json["flags"] == 64 and sent.json["allowed_mentions"] == {"parse": []}

        themes = await fd.slash("stats server", user_id=MOD, channel_id=C, chart="themes")
        [sent] = [r for r in themes.requests if r.files]
        assert (
            "over the prompts posted in the last 28 days"
            in sent.json["attachments"][0]["description"]
        )
        assert themes.content.startswith("Last 7 day(s):")  # the text report keeps its 7 days


async def test_too_little_activity_says_so_instead_of_a_chart(tmp_path, make_bot):
    bot = make_bot(chart_settings(tmp_path), cogs=STATS_COGS, clock=lambda: utc(CHART_NOW))
    async with FakeDiscord(bot, settle_timeout=DRAWING) as fd:
        await fd.connect(guild(fd))
        replies = await fd.slash("stats server", user_id=MOD, channel_id=C, chart="activity")
        assert not any(r.files for r in replies.requests)
        assert replies.content.splitlines()[-1] == (
            "Not enough activity yet for the activity chart (0 answer(s) and reaction(s) in "
            "28 days)."
        )
        assert bot.services.chart_renderer.worker_pid() is None  # nothing drawn, no worker


async def test_the_weekly_digest_carries_the_three_charts(tmp_path, make_bot):
    await seed(tmp_path / "bot.sqlite3", guild_id=G)
    bot = make_bot(chart_settings(tmp_path), cogs=STATS_COGS, clock=lambda: utc(CHART_NOW))
    async with FakeDiscord(bot, settle_timeout=DRAWING) as fd:
        await fd.connect(guild(fd))
        tasks = bot.get_cog("ReportTasks")
        monday = tasks.next_digest[G]
        assert monday - utc(CHART_NOW) < timedelta(days=4)
        await tasks.run_due(monday)
        [post] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert post.json["content"].startswith("Discussion digest 2026-03-09 to 2026-03-16")
        assert [name for name, _ in post.files] == [
            "activity-2026-03-16.png",
            "themes-2026-03-16.png",
            "times-2026-03-16.png",
        ]
        descriptions = [a["description"] for a in post.json["attachments"]]
        assert descriptions[0].startswith("Bar chart of participation per day over the last 28")
        assert descriptions[1].startswith("Bar chart of answers per post by theme")
        assert FIRST_ANSWERS in descriptions[2]
        assert all(png_size(png)[0] >= 400 and len(png) <= 300 * 1024 for _, png in post.files)
        assert post.pings.nobody
        # the devserver's model of Discord keeps each attachment's description
        [message] = [m for m in fd.server.messages.values() if m.get("attachments")]
        assert [a["description"] for a in message["attachments"]] == descriptions


async def test_a_quiet_week_digest_says_so_once_without_images(tmp_path, make_bot):
    bot = make_bot(chart_settings(tmp_path), cogs=STATS_COGS, clock=lambda: utc(CHART_NOW))
    async with FakeDiscord(bot, settle_timeout=DRAWING) as fd:
        await fd.connect(guild(fd))
        tasks = bot.get_cog("ReportTasks")
        await tasks.run_due(tasks.next_digest[G])
        [post] = fd.requests_to("POST", f"/channels/{MODLOG}/messages")
        assert post.files == []
        assert post.json["content"].splitlines()[-1] == (
            "Not enough activity yet for charts (0 answer(s) and reaction(s) in 28 days)."
        )
        assert bot.services.chart_renderer.worker_pid() is None
