from datetime import UTC, datetime, timedelta

from bot.config.settings import ChannelConfig
from bot.posting.rotation import (
    HistoryEntry,
    choose_next,
    plan_posts,
    pool_for,
    remaining_in_cycle,
)
from bot.prompts.model import Library, Prompt, Theme


def prompt(pid: str, theme: str, enabled: bool = True) -> Prompt:
    return Prompt(pid, theme, f"Question {pid}?", (), "context", "essay.md", enabled)


def library() -> Library:
    return Library(
        themes=(
            Theme("stories", "Sharing stories", (prompt("s1", "stories"), prompt("s2", "stories"))),
            Theme("allies", "Allyship", (prompt("a1", "allies"), prompt("a2", "allies", False))),
            Theme("care", "Self-care", (prompt("c1", "care"), prompt("c2", "care"))),
        )
    )


POOL = library().enabled_prompts()  # s1 s2 a1 c1 c2


def ids(prompts: list[Prompt]) -> list[str]:
    return [p.id for p in prompts]


def posted(*pids: str, start: int = 1000) -> list[HistoryEntry]:
    by_id = {p.id: p for p in POOL}
    return [HistoryEntry(pid, by_id[pid].theme_id, start + i) for i, pid in enumerate(pids)]


def test_fresh_channel_goes_through_themes_by_id_then_back_to_least_recent():
    assert ids(choose_next(POOL, [], count=5)) == ["a1", "c1", "s1", "c2", "s2"]


def test_no_prompt_repeats_until_the_whole_pool_was_posted():
    chosen = ids(choose_next(POOL, [], count=10))
    assert sorted(chosen[:5]) == sorted(ids(POOL))
    assert sorted(chosen[5:]) == sorted(ids(POOL))


def test_least_recently_used_theme_goes_first():
    history = posted("c1", "s1", "a1")  # care longest ago, allies most recent
    assert ids(choose_next(POOL, history)) == ["c2"]
    history = posted("s1", "c1")  # allies never used
    assert ids(choose_next(POOL, history)) == ["a1"]


def test_history_order_is_by_time_not_by_list_order():
    history = [HistoryEntry("s1", "stories", 2000), HistoryEntry("c1", "care", 1000)]
    assert ids(choose_next(POOL, history)) == ["a1"]
    history.append(HistoryEntry("a1", "allies", 3000))
    assert ids(choose_next(POOL, history)) == ["c2"]  # care used longest ago


def test_new_cycle_starts_after_every_prompt_was_used_and_prefers_least_recent():
    history = posted("s1", "s2", "a1", "c1", "c2")
    assert remaining_in_cycle(POOL, history) == 5
    assert ids(choose_next(POOL, history)) == ["s1"]  # stories used longest ago, s1 before s2


def test_remaining_counts_unused_pool_prompts_in_the_current_cycle():
    assert remaining_in_cycle(POOL, []) == 5
    assert remaining_in_cycle(POOL, posted("s1", "c1", "a1")) == 2
    # A prompt posted twice (e.g. by a moderator) counts once; a prompt outside the pool not at all.
    history = [*posted("s1", "s1"), HistoryEntry("gone", "old", 5000)]
    assert remaining_in_cycle(POOL, history) == 4


def test_prompt_added_mid_cycle_is_unused_and_removed_prompt_is_ignored():
    history = posted("s1", "s2", "a1", "c1")
    grown = [*POOL, prompt("a3", "allies")]
    assert remaining_in_cycle(grown, history) == 2
    assert ids(choose_next(grown, history, count=2)) == ["a3", "c2"]  # allies less recent
    shrunk = [p for p in POOL if p.id != "c2"]
    assert remaining_in_cycle(shrunk, history) == 4  # cycle over: all four were used


def test_choice_is_deterministic():
    history = posted("c1", "a1")
    assert choose_next(POOL, history, 4) == choose_next(POOL, list(history), 4)


def test_empty_pool_chooses_nothing():
    assert choose_next([], posted("s1")) == []


def test_pool_for_filters_by_channel_themes_and_prompts_and_drops_disabled():
    lib = library()
    every = ChannelConfig(channel_id=1, cron="0 9 * * *", timezone="UTC")
    assert ids(pool_for(lib, every)) == ["s1", "s2", "a1", "c1", "c2"]
    some = ChannelConfig(1, "0 9 * * *", "UTC", themes=("allies",), prompts=("c2", "a2"))
    assert ids(pool_for(lib, some)) == ["a1", "c2"]  # a2 is disabled


def test_plan_posts_skips_first_slots_without_using_a_prompt():
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    slots = [start + timedelta(days=i) for i in range(4)]
    plan = plan_posts(POOL, posted("s1"), slots, skips=1)
    assert [p.skipped for p in plan] == [True, False, False, False]
    assert [p.prompt.id if p.prompt else None for p in plan] == [None, "a1", "c1", "s2"]
    assert [p.slot for p in plan] == slots
