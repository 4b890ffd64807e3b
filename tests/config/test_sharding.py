"""``shard_count`` / ``shard_ids`` in the config file and ``SHARD_COUNT`` / ``SHARD_IDS`` in the
environment: what a process runs, which guilds it serves, and every mistake named where it is."""

from pathlib import Path

import pytest

from bot.config.settings import Sharding, load_config
from bot.config.sharding import shard_of
from bot.errors import InputError


def guild_on(shard: int, count: int, n: int = 0) -> int:
    """A realistic guild id (a snowflake of 2024) on ``shard`` of ``count``."""
    base = 1_200_000_000_000_000_000 + (n << 30)
    return next(
        g for g in range(base, base + (count << 22) + 1, 1 << 22) if (g >> 22) % count == shard
    )


def write(tmp_path: Path, top: str, guilds: list[int] = ()) -> Path:
    lines = [top.strip(), "guilds:"] if top.strip() else ["guilds:"]
    for n, guild_id in enumerate(guilds):
        lines += [
            f"  - guild_id: {guild_id}",
            "    channels:",
            f'      - {{channel_id: {900 + n}, cron: "0 9 * * *", timezone: UTC}}',
        ]
    if not guilds:
        lines[-1] = "guilds: []"
    path = tmp_path / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(path: Path, env: dict[str, str]) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_config(path, env=env)
    return [str(p) for p in caught.value.problems]


def test_no_shard_setting_means_one_unsharded_process_serving_every_guild(tmp_path):
    settings = load_config(write(tmp_path, "", [guild_on(0, 2), guild_on(1, 2)]), env={})
    assert settings.sharding is None
    assert settings.served() is settings
    assert all(settings.serves(g.guild_id) for g in settings.guilds)


def test_count_alone_runs_every_shard_in_this_process(tmp_path):
    settings = load_config(write(tmp_path, "shard_count: 3"), env={})
    assert settings.sharding == Sharding(3, (0, 1, 2))
    assert settings.sharding.syncs_commands


def test_a_process_serves_only_the_guilds_on_its_shards(tmp_path):
    first, second, third = guild_on(0, 2), guild_on(1, 2, 1), guild_on(0, 2, 2)
    path = write(tmp_path, "shard_count: 2\nshard_ids: [1]", [first, second, third])
    settings = load_config(path, env={})
    assert settings.sharding == Sharding(2, (1,))
    assert not settings.sharding.syncs_commands  # the process with shard 0 registers commands
    served = settings.served()
    assert [g.guild_id for g in served.guilds] == [second]
    assert (settings.serves(first), settings.serves(second), settings.serves(third)) == (
        False,
        True,
        False,
    )
    # every configured guild is kept for registering commands; only the served ones are used
    assert len(settings.guilds) == 3 and served.sharding == settings.sharding


def test_environment_wins_over_the_file(tmp_path):
    path = write(tmp_path, "shard_count: 2\nshard_ids: [0]")
    assert load_config(path, env={"SHARD_IDS": "1"}).sharding == Sharding(2, (1,))
    env = {"SHARD_COUNT": "8", "SHARD_IDS": " 6, 0-2 ,4"}
    assert load_config(path, env=env).sharding == Sharding(8, (0, 1, 2, 4, 6))
    # the environment alone is enough; an empty variable is as if unset
    bare = write(tmp_path, "")
    assert load_config(bare, env={"SHARD_COUNT": "4", "SHARD_IDS": "3"}).sharding == Sharding(
        4, (3,)
    )
    assert load_config(bare, env={"SHARD_COUNT": "", "SHARD_IDS": " "}).sharding is None


def test_mistakes_in_the_file_are_named_with_their_lines(tmp_path):
    path = write(tmp_path, "shard_count: 4\nshard_ids: [0, 2, 2, 7, -1, x]")
    assert problems(path, {}) == [
        f"{path}:2: each entry of shard_ids must be a shard id (0, 1, …)",
        f"{path}:2: each entry of shard_ids must be a shard id (0, 1, …)",
    ]
    path = write(tmp_path, "shard_count: 4\nshard_ids:\n  - 0\n  - 2\n  - 2\n  - 7")
    assert problems(path, {}) == [
        f"{path}:5: shard 2 is listed twice in shard_ids",
        f"{path}:6: shard 7 out of range: shard ids run from 0 to 3 (shard_count is 4)",
    ]
    for count in ("0", "-2", "two", "true", "1.5", "[2]"):
        path = write(tmp_path, f"log_level: INFO\nshard_count: {count}")
        assert problems(path, {}) == [
            f"{path}:2: shard_count must be a whole number of at least 1"
        ], count
    path = write(tmp_path, "shard_ids: [0]")
    assert problems(path, {}) == [
        f"{path}:1: shard_ids needs shard_count too (how many shards the bot has in all,"
        " across every process; or set SHARD_COUNT)"
    ]
    path = write(tmp_path, "shard_count: 2\nshard_ids: []")
    assert problems(path, {}) == [f"{path}:2: shard_ids must list at least one shard"]
    path = write(tmp_path, "shard_count: 2\nshard_ids: 1")
    assert problems(path, {}) == [f"{path}:2: shard_ids must be a list of shard ids, e.g. [0, 1]"]
    path = write(tmp_path, "shard_count: 1000000")
    assert problems(path, {}) == [f"{path}:1: shard_count must be at most 100,000"]


def test_mistakes_in_the_environment_name_the_variable(tmp_path):
    path = write(tmp_path, "shard_count: 2")
    assert problems(path, {"SHARD_IDS": "2"}) == [
        f"SHARD_IDS: shard 2 out of range: shard ids run from 0 to 1 (shard_count is 2,"
        f" from {path}:1)"
    ]
    assert problems(path, {"SHARD_IDS": "0,1,0"}) == [
        "SHARD_IDS: shard 0 is listed twice in SHARD_IDS"
    ]
    assert problems(path, {"SHARD_IDS": "0;1"}) == [
        "SHARD_IDS: '0;1' is not a shard id or range: SHARD_IDS lists shard ids and ranges"
        " separated by commas, e.g. 0,1 or 0-3"
    ]
    for bad in ("3-1", "1,", "-1", "１"):
        assert problems(path, {"SHARD_IDS": bad})[0].startswith("SHARD_IDS: "), bad
    for count in ("0", "x", "-3", "２"):
        assert problems(path, {"SHARD_COUNT": count}) == [
            "SHARD_COUNT: must be a whole number of at least 1"
        ], count
    # a count from the environment that makes the file's ids out of range says where it is from
    path = write(tmp_path, "shard_count: 4\nshard_ids: [3]")
    assert problems(path, {"SHARD_COUNT": "2"}) == [
        f"{path}:2: shard 3 out of range: shard ids run from 0 to 1 (shard_count is 2,"
        " from SHARD_COUNT)"
    ]


def test_shard_ids_and_count_with_the_rest_of_the_file_problems(tmp_path):
    """Shard mistakes are reported with the file's other problems, all at once."""
    path = write(tmp_path, "shard_count: 2\nshard_ids: [5]\nlog_level: LOUD")
    assert problems(path, {}) == [
        f"{path}:2: shard 5 out of range: shard ids run from 0 to 1 (shard_count is 2)",
        f"{path}:3: log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    ]


@pytest.mark.parametrize("count", [1, 2, 3, 16])
def test_a_guild_is_on_discords_shard_for_it(count):
    """(guild_id >> 22) % shard_count: the 22 low bits (worker, process, increment) play no
    part, the creation time does."""
    guild = 81384788765712384  # Discord API's own server
    expected = (guild >> 22) % count
    assert shard_of(guild, count) == expected
    assert shard_of(guild | ((1 << 22) - 1), count) == expected
    assert Sharding(count, (expected,)).serves(guild)
    assert not any(Sharding(count, (s,)).serves(guild) for s in range(count) if s != expected)


def test_shards_are_shown_as_ranges():
    assert str(Sharding(8, (0, 1, 2, 3, 6))) == "shards 0-3,6 of 8"
    assert str(Sharding(2, (1,))) == "shard 1 of 2"
