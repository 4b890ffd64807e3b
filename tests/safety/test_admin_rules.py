"""Admins' disclosure rules: a rule that may never finish is refused where it is written, and
no rule holds up the bot while it is checked."""

import asyncio
import time

from bot.cli import main
from bot.config.database import parse_database
from bot.prompts.loader import LibraryHolder
from bot.store import open_stores
from bot.suggestions.service import SuggestionService
from bot.suggestions.types import Limits
from tests.suggestion_world import G, write_prompts


def test_a_rule_repeating_a_repeating_group_is_refused_at_its_line(tmp_path, capsys):
    prompts = write_prompts(tmp_path)
    (prompts / "_disclosure.yaml").write_text(
        "rules:\n  - pattern: '(\\w+\\s?)+ address'\n    message: asks for an address\n"
    )
    started = time.monotonic()
    assert main(["prompts", "validate", "--dir", str(prompts)]) == 1
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert f"{prompts / '_disclosure.yaml'}:2: pattern repeats a group" in err
    assert "(\\w+\\s?)+" in err


async def service_on(tmp_path, rule: str):
    prompts = write_prompts(tmp_path)
    (prompts / "_disclosure.yaml").write_text(
        f"rules:\n  - pattern: '{rule}'\n    message: an admin's rule\n"
    )
    holder = LibraryHolder(prompts)
    holder.reload()
    stores = await open_stores(parse_database(tmp_path / "bot.sqlite3"))

    async def reload():
        return holder.reload()

    return stores, SuggestionService(stores.suggestions, prompts, holder, reload)


async def longest_pause_while(work):
    """How long the event loop was kept from running other work while ``work`` ran."""
    task = asyncio.ensure_future(work)
    longest, last = 0.0, time.monotonic()
    while not task.done():
        await asyncio.sleep(0.01)
        now = time.monotonic()
        longest, last = max(longest, now - last), now
    return longest, await task


async def test_a_slow_rule_is_stopped_and_never_holds_up_the_event_loop(tmp_path):
    """``(x|x)+y`` is no nested repeat, but backtracks for seconds on 26 x's: the review still
    answers, the loop keeps serving members, and the card says the rule was stopped."""
    stores, service = await service_on(tmp_path, "(x|x)+y")
    try:
        await service.suggest(
            G, 30, "x" * 26 + "?", theme="joy", note=None, credit_name=None,
            limits=Limits(), now=1000,
        )  # fmt: skip
        pause, items = await longest_pause_while(service.review_items(G, 1000))
        assert pause < 1.0
        [item] = [i for i in items if i.suggestion]
        assert any("took too long and was stopped" in w for w in item.warnings)
    finally:
        await stores.close()


async def test_a_refused_admin_rule_leaves_the_shipped_check_on_the_card(tmp_path):
    stores, service = await service_on(tmp_path, "(\\w+\\s?)+ address")
    try:
        await service.suggest(
            G, 30, "What is your home address, roughly?", theme="joy", note=None,
            credit_name=None, limits=Limits(), now=1000,
        )  # fmt: skip
        pause, items = await longest_pause_while(service.review_items(G, 1000))
        assert pause < 1.0
        assert "asks for where a member lives or can be found" in items[0].warnings
    finally:
        await stores.close()


async def test_a_member_is_answered_within_a_second_while_a_review_card_is_checked(
    tmp_path, make_bot
):
    """Through discord.py's own interaction code: a moderator opens ``/topic review`` on a
    suggestion that a slow admin rule takes seconds to check; a member's ``/participation me``
    sent meanwhile is answered in under a second, and the card says the rule was stopped."""
    from tests.suggestion_world import ANA, BEN, C, running, suggest

    (write_prompts(tmp_path) / "_disclosure.yaml").write_text(
        "rules:\n  - pattern: '(x|x)+y'\n    message: an admin's rule\n"
    )
    async with running(tmp_path, make_bot) as (_bot, fd):
        await suggest(fd, ANA, "x" * 26 + "?", theme="joy")
        review = asyncio.ensure_future(fd.slash("topic review", user_id=32, channel_id=C))
        await asyncio.sleep(0)
        sent = time.monotonic()
        answered = await fd.slash("participation me", user_id=BEN, channel_id=C)
        waited = time.monotonic() - sent
        card = (await review).messages[0]
    assert answered.messages
    assert waited < 1.0
    assert "took too long and was stopped" in card["content"]
