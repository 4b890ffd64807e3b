"""A server with one posted prompt and its answer thread, for the participation adapter tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.config.database import parse_database
from bot.config.settings import DigestConfig, GuildConfig, Settings
from bot.participation.types import PromptPost
from bot.store import open_stores
from tests.discord_harness import BOT_USER_ID, events, payloads
from tests.store import view

G, C, OTHER, MODLOG = 10, 20, 21, 22
ANA, BEN, MOD, MOD_ROLE = 30, 31, 32, 40
NOW = payloads.BASE_TIME + timedelta(days=1)
POSTED_AT = int(payloads.BASE_TIME.timestamp())


def settings(tmp_path: Path, **top) -> Settings:
    guild = GuildConfig(
        guild_id=G,
        moderator_role_ids=(MOD_ROLE,),
        mod_log_channel_id=MODLOG,
        digest=DigestConfig("0 9 * * MON", "UTC"),
    )
    return Settings(database=tmp_path / "bot.sqlite3", guilds=(guild,), **top)


async def seed_post(
    db_path: Path,
    prompt_id: str = "p1",
    theme_id: str = "t1",
    posted_at: int = POSTED_AT,
    channel_id: int = C,
) -> PromptPost:
    """A posted prompt in the database (before the bot starts); its thread shares its id."""
    message_id = payloads.snowflake(payloads.BASE_TIME)
    stores = await open_stores(parse_database(db_path))
    try:
        posts = stores.posting.posts
        post_id = await posts.claim_manual(G, channel_id, posted_at)
        await posts.mark_posted(post_id, prompt_id, theme_id, message_id, message_id, posted_at)
    finally:
        await stores.close()
    return PromptPost(
        post_id, G, channel_id, prompt_id, theme_id, message_id, message_id, posted_at
    )


def prompt_message(post: PromptPost) -> dict:
    bot_user = payloads.user(BOT_USER_ID, "DiscussionBot", bot=True)
    return events.message(post.channel_id, bot_user, "", message_id=post.message_id, guild_id=G)


def guild(fd, posts: list[PromptPost] = ()) -> dict:
    """The server as GUILD_CREATE sends it, with each post's thread open."""
    threads = [
        payloads.thread(p.thread_id, G, p.channel_id, p.prompt_id, owner_id=BOT_USER_ID)
        for p in posts
    ]
    fd.set_history(C, [prompt_message(p) for p in posts])
    return payloads.guild(
        G,
        channels=[
            payloads.text_channel(C, G, "discussion"),
            payloads.text_channel(OTHER, G, "chat"),
            payloads.text_channel(MODLOG, G, "mod-log"),
        ],
        roles=[payloads.role(MOD_ROLE, "Moderators", position=2)],
        members=[
            fd.bot_member(),
            payloads.member(ANA, name="ana"),
            payloads.member(BEN, name="ben"),
            payloads.member(MOD, [MOD_ROLE], name="mod"),
            payloads.member(99, name="helper", bot=True),
        ],
        threads=threads,
    )


async def rows(bot, *fields: str, kind: str | None = None) -> list[tuple]:
    """The recorded participation's ``fields`` (member, message, kind, length unless named),
    oldest first; only rows of ``kind`` when one is given."""
    recorded = await view.rows(bot.services.stores, "participation")
    mine = [r for r in recorded if kind is None or r["kind"] == kind]
    return view.pick(mine, *(fields or ("member_id", "message_id", "kind", "length")))


DAY = 86400


async def seed_history(db_path: Path) -> list[int]:
    """Five scheduled prompts in channel C, one a day, the first 30 days ago, with known answers.

    post 0 (30 days ago, p0/t0): ben answers          → ben took part before the last week
    post 1 (p1/t1): ana answers, ben reacts
    post 2 (p2/t2): ana answers
    post 3 (p3/t1): ben answers                        → ana misses one (forgiven)
    post 4 (p4/t3): ana answers twice
    ana: 4 answers, prompts answered 3, themes 3, streak current 3 / best 3; new this week.
    """
    from bot.participation.types import ANSWER, REACTION, ParticipationRow

    now = int(NOW.timestamp())
    times = [now - 30 * DAY, now - 4 * DAY, now - 3 * DAY, now - 2 * DAY, now - DAY]
    themes = ["t0", "t1", "t2", "t1", "t3"]
    stores = await open_stores(parse_database(db_path))
    try:
        posts, ids = stores.posting.posts, []
        for n, (at, theme) in enumerate(zip(times, themes, strict=True)):
            post_id = await posts.claim_slot(G, C, at, at)
            await posts.mark_posted(post_id, f"p{n}", theme, 1000 + n, 1000 + n, at)
            ids.append(post_id)
        answers = [(0, BEN), (1, ANA), (2, ANA), (3, BEN), (4, ANA), (4, ANA)]
        rows = [
            ParticipationRow(
                G, ids[n], f"p{n}", themes[n], who, 5000 + i, ANSWER, times[n] + 60, 10
            )
            for i, (n, who) in enumerate(answers)
        ]
        rows.append(
            ParticipationRow(G, ids[1], "p1", "t1", BEN, 1001, REACTION, times[1] + 90, None)
        )
        await stores.participation.record_many(rows)
    finally:
        await stores.close()
    return ids
