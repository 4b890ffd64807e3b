"""Slash command arguments fuzzed with hypothesis, through discord.py's real interaction handling.

Whatever a moderator types, every command answers exactly once, privately, with a specific
message (never the generic "something went wrong"), within Discord's message limit, pinging
nobody, with nothing logged as an error, and a refused command leaves the stored rows alone.

The bot is started once per test on the event loop; hypothesis runs in a worker thread and hands
each example to that loop, so shrinking works on a live bot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapter.answers.cog import AnswersCog
from bot.adapter.participation_cmds import ParticipationCommands
from bot.adapter.posting import Posting
from bot.adapter.stats import COGS as STATS_COGS
from bot.adapter.topics import Topics
from bot.adapter.tree import UNEXPECTED
from bot.config.settings import GuildConfig, Settings
from tests.discord_harness import FakeDiscord
from tests.participation_world import ANA, MOD, MOD_ROLE, MODLOG, NOW, C, G, guild, seed_history
from tests.posting_helpers import channel, library_holder
from tests.store import view

pytestmark = pytest.mark.slow  # see tests/conftest.py

EXAMPLES = 40
MESSAGE_MAX = 2000
DISCORD_INT = 2**53  # Discord's integer options lie within ±2^53
COGS = [Posting, Topics, AnswersCog, *STATS_COGS, ParticipationCommands]

TRICKY = [
    "",
    " ",
    "@everyone",
    "@here",
    "<@&1>",
    f"<@{ANA}>",
    f"<@&{MOD_ROLE}>",
    "**bold** _it_ `code` ```block``` ||spoiler|| > quote",
    "grief",
    "grief-1",
    " grief-1 ",
    "joy-2",
    "GRIEF",
    "`",
    "\n\t\r\x1b\x7f",
    "'; DROP TABLE posts; --",
    "%s %(x)s {0} {x}",
    "\u202eevil",
    "🧠" * 50,
    "x" * 6000,  # the longest string option Discord sends
]
chars = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")  # JSON-safe, no NUL
text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(chars, max_size=300),
    st.text(chars, min_size=1900, max_size=6000),
    st.builds(lambda a, b: a + b, st.sampled_from(TRICKY), st.text(chars, max_size=30)),
)
numbers = st.one_of(
    st.sampled_from([0, 1, -1, 10, 11, 3650, 3651, DISCORD_INT, -DISCORD_INT]),
    st.integers(-DISCORD_INT, DISCORD_INT),
)
optional_text = st.none() | text


def fuzz_settings(tmp_path) -> Settings:
    return Settings(
        database=tmp_path / "bot.sqlite3",
        prompts_dir=tmp_path / "prompts",
        guilds=(
            GuildConfig(
                guild_id=G,
                moderator_role_ids=(MOD_ROLE,),
                mod_log_channel_id=MODLOG,
                channels=(channel(C),),
            ),
        ),
    )


@pytest.fixture
async def fd(tmp_path, make_bot):
    await seed_history(tmp_path / "bot.sqlite3")
    holder = library_holder(tmp_path, {"grief": 2, "joy": 2})
    bot = make_bot(fuzz_settings(tmp_path), holder, cogs=COGS, clock=lambda: NOW)
    async with FakeDiscord(bot, clock=bot.clock) as fake:
        await fake.connect(guild(fake))
        await fake.settle(set())
        yield fake


async def counts(fd) -> tuple[int, int]:
    await fd.bot.get_cog("Answers").writer.flush()
    stores = fd.bot.services.stores
    return len(await view.rows(stores, "posts")), len(await view.rows(stores, "participation"))


def visible(replies) -> list[dict]:
    """The reply messages with something to read (a deferral's bare flags do not count)."""
    return [m for m in replies.messages if m.get("content") or m.get("embeds")]


async def check_reply(fd, path: str, user_id: int = MOD, **options: Any) -> str:
    """Run the command; assert the properties every reply has; return its text."""
    start = len(fd.requests)
    replies = await fd.slash(path, user_id=user_id, channel_id=C, **options)
    errors = fd.take_errors()
    assert errors == [], errors
    [message] = visible(replies)
    text = message.get("content") or ""
    assert text.strip(), f"empty reply to /{path}"
    assert text != UNEXPECTED, f"/{path} failed unexpectedly"
    assert len(text) <= MESSAGE_MAX, f"/{path} reply too long: {len(text)}"
    assert all(int(m.get("flags") or 0) & 64 for m in replies.messages), "reply not ephemeral"
    pinged = [r for r in fd.requests[start:] if r.json and not r.pings.nobody]
    assert pinged == [], [r.json for r in pinged]
    return text


def run_examples(fd, strategy, check: Callable[..., Awaitable[None]]) -> Awaitable[None]:
    """Run hypothesis in a thread; each example runs ``check`` on the bot's event loop."""
    loop = asyncio.get_running_loop()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def examples(value):
        asyncio.run_coroutine_threadsafe(check(value), loop).result(timeout=20)

    return asyncio.to_thread(examples)


async def test_topic_post_with_any_theme_and_prompt(fd):
    async def check(args):
        theme, prompt = args
        options = {k: v for k, v in (("theme", theme), ("prompt", prompt)) if v is not None}
        before = await counts(fd)
        sent = len(fd.requests_to("POST", f"/channels/{C}/messages"))
        text = await check_reply(fd, "topic post", **options)
        after = await counts(fd)
        if text.startswith("Posted `"):
            assert after == (before[0] + 1, before[1])
            assert len(fd.requests_to("POST", f"/channels/{C}/messages")) == sent + 1
        else:
            assert after == before, text
            assert len(fd.requests_to("POST", f"/channels/{C}/messages")) == sent

    await run_examples(fd, st.tuples(optional_text, optional_text), check)


async def test_member_is_refused_whatever_the_arguments(fd):
    async def check(args):
        theme, prompt = args
        before = await counts(fd)
        text = await check_reply(fd, "topic post", user_id=ANA, theme=theme, prompt=prompt)
        assert "moderator" in text and await counts(fd) == before

    await run_examples(fd, st.tuples(text, text), check)


@pytest.mark.parametrize(
    ("path", "option"),
    [("topic next", "count"), ("stats server", "days"), ("export", "days")],
)
async def test_number_options_are_answered_or_refused_clearly(fd, path, option):
    async def check(number):
        before = await counts(fd)
        await check_reply(fd, path, **{option: number})
        assert await counts(fd) == before

    await run_examples(fd, numbers, check)


async def test_number_bounds_are_also_registered_with_discord(fd):
    registered = {c["name"]: c for c in fd.apps.commands[G]}

    def bounds(command: dict, option: str) -> tuple[int, int]:
        found = next(o for o in command["options"] if o["name"] == option)
        return found["min_value"], found["max_value"]

    upcoming = next(o for o in registered["topic"]["options"] if o["name"] == "next")
    server = next(o for o in registered["stats"]["options"] if o["name"] == "server")
    assert bounds(upcoming, "count") == (1, 10)
    assert bounds(server, "days") == bounds(registered["export"], "days") == (1, 3650)


async def test_stats_prompt_with_any_id(fd):
    async def check(prompt):
        before = await counts(fd)
        await check_reply(fd, "stats prompt", prompt=prompt)
        assert await counts(fd) == before

    await run_examples(fd, text, check)


async def test_stats_member_with_any_user(fd):
    async def check(user_id):
        before = await counts(fd)
        await check_reply(fd, "stats member", member=user_id)
        assert await counts(fd) == before

    await run_examples(fd, st.sampled_from([ANA, MOD]) | st.integers(1, 2**63 - 1), check)


async def test_member_commands_answer_privately_and_change_no_rows(fd):
    for path in ("participation me", "participation opt-in", "participation me"):
        for user_id in (ANA, MOD):
            before = await counts(fd)
            await check_reply(fd, path, user_id=user_id)
            assert await counts(fd) == before


@pytest.mark.parametrize(
    ("path", "focused", "extra"),
    [
        ("topic post", "theme", {}),
        ("topic post", "prompt", {}),
        ("topic post", "prompt", {"theme": "grief"}),
        ("stats prompt", "prompt", {}),
    ],
)
async def test_autocomplete_offers_valid_choices_for_any_typing(fd, path, focused, extra):
    async def check(typed):
        choices = await fd.autocomplete(
            path, focused, user_id=MOD, channel_id=C, **{**extra, focused: typed}
        )
        assert fd.take_errors() == []
        assert len(choices) <= 25
        for choice in choices:
            assert 1 <= len(choice["name"]) <= 100 and 1 <= len(str(choice["value"])) <= 100

    await run_examples(fd, text, check)
