import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.settings import DigestConfig, load_config, token_from_env
from bot.errors import InputError
from bot.prompts.loader import load_library

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
database: db/bot.sqlite3
log_level: debug
retention_days: 90
guilds:
  - guild_id: 1001
    moderator_role_ids: [2001, "2002"]
    mod_log_channel_id: 3001
    digest: {timezone: Europe/London}
    channels:
      - channel_id: 4001
        cron: "0 9 * * *"
        timezone: Europe/London
      - channel_id: 4002
        cron: "30 18 * * MON,THU"
        timezone: America/New_York
        themes: [care]
        prompts: [s1]
        thread: false
        auto_archive_minutes: 60
        ping_role_id: 5001
        catch_up: 90
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_config(path, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_valid_config_with_defaults_and_paths_relative_to_its_folder(tmp_path):
    settings = load_config(write(tmp_path, GOOD), known_themes={"care"}, known_prompts={"s1"})
    assert settings.database.path == tmp_path / "db" / "bot.sqlite3"
    assert settings.prompts_dir == tmp_path / "prompts"
    assert (settings.log_level, settings.retention_days) == ("DEBUG", 90)
    guild = settings.guilds[0]
    assert guild.moderator_role_ids == (2001, 2002)
    assert guild.digest == DigestConfig(cron="0 9 * * MON", timezone="Europe/London")
    first, second = guild.channels
    assert (first.thread, first.auto_archive_minutes, first.catch_up) == (
        True,
        1440,
        timedelta(hours=1),
    )
    assert (first.themes, first.prompts, first.ping_role_id) == ((), (), None)
    assert second.themes == ("care",) and second.prompts == ("s1",)
    assert (second.thread, second.auto_archive_minutes, second.ping_role_id) == (False, 60, 5001)
    assert second.catch_up == timedelta(minutes=90)


def test_the_shipped_example_is_valid_against_the_shipped_prompts(tmp_path):
    library = load_library(ROOT / "prompts")
    shutil.copy(ROOT / "config.example.yaml", tmp_path / "config.yaml")
    settings = load_config(
        tmp_path / "config.yaml",
        known_themes={t.id for t in library.themes},
        known_prompts={p.id for t in library.themes for p in t.prompts},
    )
    assert len(settings.guilds[0].channels) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1h", timedelta(hours=1)),
        ("30m", timedelta(minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("1h30m", timedelta(minutes=90)),
        ("0", timedelta(0)),
    ],
)
def test_catch_up_durations(tmp_path, text, expected):
    config = GOOD.replace("catch_up: 90", f'catch_up: "{text}"')
    assert load_config(write(tmp_path, config)).guilds[0].channels[1].catch_up == expected


def test_every_problem_is_reported_with_its_line(tmp_path):
    config = """\
database: [not, a, path]
log_level: LOUD
retention_days: 0
colour: blue
guilds:
  - guild_id: 1001
    digest: {cron: "0 9 * *"}
    channels:
      - channel_id: 4001
        cron: "61 9 * * *"
        timezone: Mars/Olympus
        themes: [care, nope]
        thread: "yes"
        auto_archive_minutes: 100
        catch_up: soon
        ping_role_id: true
        extra: 1
      - channel_id: 4001
        cron: "0 9 * * *"
        timezone: UTC
      - cron: "0 9 * * *"
"""
    found = problems(write(tmp_path, config), known_themes={"care"})
    path = tmp_path / "config.yaml"
    expected = [
        (1, "database must be a non-empty text value"),
        (2, "log_level must be one of"),
        (3, "retention_days must be a whole number greater than 0"),
        (4, "unknown key 'colour'"),
        (7, "five fields"),
        (10, "cron '61 9 * * *': Bad minute"),
        (11, "'Mars/Olympus' is not an IANA timezone"),
        (12, "unknown theme 'nope'"),
        (13, "thread must be true or false"),
        (14, "auto_archive_minutes must be one of 60, 1440, 4320, 10080"),
        (15, "catch_up must be a duration"),
        (16, "ping_role_id must be a Discord id"),
        (17, "unknown key 'extra'"),
        (18, "channel 4001 is listed twice"),
        (21, "a channel needs 'channel_id'"),
        (21, "a channel needs 'timezone'"),
    ]
    assert len(found) == len(expected), found
    for problem, (line, message) in zip(found, expected, strict=True):
        assert problem.startswith(f"{path}:{line}: ") and message in problem, (problem, line)


def test_token_in_the_file_is_refused(tmp_path):
    found = problems(write(tmp_path, GOOD + "token: abc.def\n"))
    line = len(GOOD.splitlines()) + 1
    assert found == [
        f"{tmp_path / 'config.yaml'}:{line}: "
        "the token is never read from a file: set DISCORD_TOKEN instead"
    ]


def test_yaml_syntax_error_points_at_its_line(tmp_path):
    found = problems(write(tmp_path, "log_level: INFO\nguilds: [\n  - x\n"))
    assert len(found) == 1 and found[0].startswith(
        f"{tmp_path / 'config.yaml'}:2: YAML syntax error: the '[' opened on this line"
    )


def test_missing_file_says_so(tmp_path):
    found = problems(tmp_path / "nope.yaml")
    assert found == [f"{tmp_path / 'nope.yaml'}: config file not found (copy config.example.yaml)"]


def test_duplicate_guild_and_wrong_shapes(tmp_path):
    config = "guilds:\n  - guild_id: 1\n  - guild_id: 1\n    channels: {a: 1}\n  - 5\n"
    found = problems(write(tmp_path, config))
    assert [p.split(": ", 1)[1] for p in found] == [
        "guild 1 is listed twice",
        "channels must be a list",
        "a guild must be a mapping of keys to values",
    ]


def test_repeated_and_tagged_keys_are_named_with_their_line(tmp_path):
    config = "log_level: INFO\nguilds:\n  - guild_id: 1\n    guild_id: 2\n  - !!int guild_id: 3\n"
    path = tmp_path / "config.yaml"
    assert problems(write(tmp_path, config)) == [
        f"{path}:4: duplicate key 'guild_id' in a guild",
        f"{path}:5: key 'guild_id' in a guild must be plain text",
        f"{path}:5: a guild needs 'guild_id'",
    ]


def test_empty_file_gives_defaults(tmp_path):
    settings = load_config(write(tmp_path, ""))
    assert settings.guilds == ()
    assert settings.database.path == tmp_path / "data" / "bot.sqlite3"


def test_token_comes_only_from_the_environment(monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", " secret ")
    assert token_from_env() == "secret"
    monkeypatch.delenv("DISCORD_TOKEN")
    with pytest.raises(InputError, match="DISCORD_TOKEN: environment variable is not set"):
        token_from_env()


def test_endpoint_overrides_are_read_and_bad_urls_named_with_their_line(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("api_base: http://127.0.0.1:9/api/v10\ngateway_url: ws://127.0.0.1:9/\n")
    settings = load_config(good)
    assert settings.api_base == "http://127.0.0.1:9/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:9/"
    bad = tmp_path / "bad.yaml"
    bad.write_text("log_level: INFO\napi_base: ftp://x\ngateway_url: http://127.0.0.1/\n")
    with pytest.raises(InputError) as err:
        load_config(bad)
    lines = [str(p) for p in err.value.problems]
    assert lines[0].startswith(f"{bad}:2: api_base must be a http:// or https:// URL")
    assert lines[1].startswith(f"{bad}:3: gateway_url must be a ws:// or wss:// URL")


def test_credentials_in_server_urls_are_refused_without_repeating_them(tmp_path):
    path = write(
        tmp_path,
        "api_base: http://admin:hunter2@127.0.0.1:9/api/v10\n"
        "gateway_url: ws://admin:hunter2@127.0.0.1:9/\n",
    )
    found = problems(path)
    assert [p.split(": ", 1)[0] for p in found] == [f"{path}:1", f"{path}:2"]
    assert all("must not hold a user name or password" in p for p in found)
    assert not any("hunter2" in p or "admin" in p for p in found)


def test_a_malformed_url_is_a_problem_not_a_crash(tmp_path):
    found = problems(write(tmp_path, "api_base: 'http://[::1/api'\n"))
    assert found == [f"{tmp_path / 'config.yaml'}:1: api_base must be a http:// or https:// URL"
                     " with a host"]  # fmt: skip


@pytest.mark.parametrize("digits", ["１２３４", "١٢٣٤", "१२३४"])
def test_ids_in_other_scripts_digits_are_refused(tmp_path, digits):
    config = f'guilds:\n  - guild_id: "{digits}"\n    moderator_role_ids: ["{digits}"]\n'
    found = problems(write(tmp_path, config))
    assert found == [
        f"{tmp_path / 'config.yaml'}:2: guild_id must be a Discord id (a positive whole number)",
        f"{tmp_path / 'config.yaml'}:3: each entry of moderator_role_ids must be a Discord id"
        " (a positive whole number)",
    ]


def test_catch_up_in_other_digits_is_refused(tmp_path):
    config = GOOD.replace("catch_up: 90", 'catch_up: "٩٠"')
    assert "catch_up must be a duration" in problems(write(tmp_path, config))[0]


@pytest.mark.parametrize("key", ["database", "prompts_dir"])
def test_paths_with_direction_or_control_characters_are_refused(tmp_path, key):
    found = problems(write(tmp_path, f'{key}: "data/bot\\u202Egol.sqlite3"\n'))
    assert found == [
        f"{tmp_path / 'config.yaml'}:1: {key} holds invisible control or direction characters"
        " (U+202E)"
    ]


def test_a_config_file_over_the_size_limit_is_refused_unread(tmp_path):
    from bot.config.settings import MAX_CONFIG_BYTES

    path = write(tmp_path, GOOD + "#" * MAX_CONFIG_BYTES + "\n")
    size = path.stat().st_size
    assert problems(path) == [
        f"{path}: too large ({size:,} bytes; the limit is {MAX_CONFIG_BYTES:,})"
    ]


def test_a_config_path_that_is_a_pipe_is_refused_without_blocking(tmp_path):
    import os

    os.mkfifo(tmp_path / "config.yaml")
    assert "is not a regular file" in problems(tmp_path / "config.yaml")[0]


def test_problem_lines_stay_right_with_the_fast_parser(tmp_path):
    """libyaml locates a refused character by byte; the line reported is still the line."""
    path = write(tmp_path, "# café, ☕ and 🌏\nlog_level: INFO\ndatabase: 'x\x07y'\n")
    [found] = problems(path)
    assert found.startswith(f"{path}:3: character #x0007 is not allowed in YAML")
    path = write(tmp_path, "# café ☕\nlog_level: INFO\nguilds:\n  - guild_id: [1,\n")
    [found] = problems(path)
    assert found.startswith(f"{path}:4: YAML syntax error")  # where the '[' is left open
    path = write(tmp_path, "# café ☕\nguilds:\n  - guild_id: 1\n    channels: 3\n")
    assert problems(path) == [f"{path}:4: channels must be a list"]


CARE = """\
guilds:
  - guild_id: 1001
    anonymous_answers: sensitive
    reveal_role_ids: [2001]
    anonymous_per_hour: 3
    care_note: Be gentle with yourself.
    support_links: ["Helpline: https://example.org"]
    channels:
      - {channel_id: 4001, cron: "0 9 * * *", timezone: UTC, ping_sensitive: true}
  - guild_id: 1002
"""


def test_anonymous_and_care_settings_are_read_with_safe_defaults(tmp_path):
    first, second = load_config(write(tmp_path, CARE)).guilds
    assert (first.anonymous_answers, first.reveal_role_ids, first.anonymous_per_hour) == (
        "sensitive",
        (2001,),
        3,
    )
    assert first.care_note == "Be gentle with yourself."
    assert first.support_links == ("Helpline: https://example.org",)
    assert first.channels[0].ping_sensitive is True
    assert (second.anonymous_answers, second.reveal_role_ids, second.anonymous_per_hour) == (
        "off",
        (),
        5,
    )
    assert (second.care_note, second.support_links) == (None, ())
    modes = [
        load_config(write(tmp_path, f"guilds: [{{guild_id: 1, anonymous_answers: {v}}}]"))
        .guilds[0]
        .anonymous_answers
        for v in ("true", "false", "sensitive")
    ]
    assert modes == ["all", "off", "sensitive"]


def test_anonymous_and_care_mistakes_are_named_with_their_line(tmp_path):
    config = """\
guilds:
  - guild_id: 1001
    anonymous_answers: sometimes
    reveal_role_ids: [admins]
    anonymous_per_hour: 0
    care_note: "Ask @everyone for help"
    support_links: ["<@&5> can help", 7]
    channels:
      - {channel_id: 4001, cron: "0 9 * * *", timezone: UTC, ping_sensitive: maybe}
  - guild_id: 1002
    care_note: {long: note}
"""
    found = problems(write(tmp_path, config))
    path = tmp_path / "config.yaml"
    expected = [
        (3, "anonymous_answers must be false, true or sensitive"),
        (4, "each entry of reveal_role_ids must be a Discord id"),
        (5, "anonymous_per_hour must be a whole number greater than 0"),
        (6, "care_note must not mention"),
        (7, "each entry of support_links must not mention"),
        (7, "each entry of support_links must be a non-empty text value"),
        (9, "ping_sensitive must be true or false"),
        (11, "care_note must be a non-empty text value"),
    ]
    assert len(found) == len(expected), found
    for problem, (line, message) in zip(found, expected, strict=True):
        assert problem.startswith(f"{path}:{line}: ") and message in problem, (problem, line)
    long_note = "guilds: [{guild_id: 1, care_note: " + "x" * 601 + "}]"
    [problem] = problems(write(tmp_path, long_note))
    assert "care_note is 601 characters long; the limit is 600" in problem


PACED = """\
guilds:
  - guild_id: 1001
    welcome_first_answer: true
    welcome_emoji: "🌻"
    channels:
      - channel_id: 4001
        cron: "0 9 * * *"
        timezone: Europe/London
      - channel_id: 4002
        cron: "0 9 * * *"
        timezone: Asia/Manila
        followups: at_once
        followup_after_answers: 2
        followup_after_hours: 1.5
        quiet_hours: "23:00-08:00"
        nudge_after_hours: null
"""


def test_pacing_keys_and_their_defaults(tmp_path):
    guild = load_config(write(tmp_path, PACED)).guilds[0]
    assert (guild.welcome_first_answer, guild.welcome_emoji) == (True, "🌻")
    default, chosen = guild.channels
    assert (
        default.followups,
        default.followup_after_answers,
        default.followup_after_hours,
        default.quiet_hours,
        default.nudge_after_hours,
    ) == ("paced", 3, 6.0, None, 24.0)
    assert (
        chosen.followups,
        chosen.followup_after_answers,
        chosen.followup_after_hours,
        chosen.quiet_hours,
        chosen.nudge_after_hours,
    ) == ("at_once", 2, 1.5, (23 * 60, 8 * 60), None)
    plain = load_config(write(tmp_path, GOOD)).guilds[0]
    assert (plain.welcome_first_answer, plain.welcome_emoji) == (False, "🌱")


def test_bad_pacing_values_are_reported_with_their_lines(tmp_path):
    text = (
        PACED.replace("followups: at_once", "followups: sometimes")
        .replace("followup_after_answers: 2", "followup_after_answers: 0")
        .replace("followup_after_hours: 1.5", "followup_after_hours: soon")
        .replace('"23:00-08:00"', '"23:00-25:00"')
        .replace("nudge_after_hours: null", "nudge_after_hours: -1")
        .replace('welcome_emoji: "🌻"', "welcome_emoji: sunflower")
        .replace("welcome_first_answer: true", "welcome_first_answer: yes please")
    )
    found = problems(write(tmp_path, text))
    path = tmp_path / "config.yaml"
    assert found == [
        f"{path}:3: welcome_first_answer must be true or false",
        f"{path}:4: welcome_emoji must be one emoji (like 🌱) or a custom one written <:name:id>",
        f"{path}:12: followups must be paced or at_once",
        f"{path}:13: followup_after_answers must be a whole number greater than 0",
        f"{path}:14: followup_after_hours must be a number of hours greater than 0",
        f'{path}:15: quiet_hours must be two times like "23:00-08:00"',
        f"{path}:16: nudge_after_hours must be a number of hours greater than 0",
    ]


def test_charts_display_timezone_of_a_guild(tmp_path):
    """``timezone`` sets it; without it, the guild's first channel's; with no channel, UTC; an
    unknown name is reported at its line."""
    settings = load_config(write(tmp_path, GOOD))
    assert settings.guilds[0].timezone is None
    assert settings.guilds[0].display_timezone == "Europe/London"
    text = GOOD.replace("    mod_log_channel_id: 3001\n", "    timezone: Asia/Kolkata\n")
    assert load_config(write(tmp_path, text)).guilds[0].display_timezone == "Asia/Kolkata"
    bare = load_config(write(tmp_path, "guilds:\n  - guild_id: 1001\n"))
    assert bare.guilds[0].display_timezone == "UTC"
    bad = GOOD.replace("    mod_log_channel_id: 3001\n", "    timezone: Asia/Atlantis\n")
    assert any(
        p.startswith(f"{tmp_path / 'config.yaml'}:7:") and "Asia/Atlantis" in p
        for p in problems(write(tmp_path, bad))
    )


PLACES = """\
guilds:
  - guild_id: 1001
    starter_channels: [4003]
    starter_cooldown: 5m
    starter_daily_limit: 2
    channels:
      - channel_id: 4001
        cron: "0 9 * * *"
        timezone: UTC
        pin: true
        forum_tags: {care: Self care, stories: "Stories"}
      - {channel_id: 4002, cron: "0 9 * * *", timezone: UTC}
"""


def test_pin_forum_tags_and_starter_keys_with_their_defaults(tmp_path):
    settings = load_config(write(tmp_path, PLACES), known_themes={"care", "stories"})
    guild = settings.guilds[0]
    assert guild.starter_channels == (4003,)
    assert (guild.starter_cooldown, guild.starter_daily_limit) == (timedelta(minutes=5), 2)
    tagged, plain = guild.channels
    assert tagged.pin and tagged.forum_tags == (("care", "Self care"), ("stories", "Stories"))
    assert tagged.forum_tag("care") == "Self care" and tagged.forum_tag("joy") is None
    assert (plain.pin, plain.forum_tags) == (False, ())
    defaults = load_config(write(tmp_path, GOOD), known_themes={"care"}, known_prompts={"s1"})
    first = defaults.guilds[0]
    assert first.starter_channels == () and first.starter_cooldown == timedelta(minutes=10)
    assert first.starter_daily_limit == 5


def test_bad_pin_forum_tags_and_starter_values_name_their_lines(tmp_path):
    text = (
        PLACES.replace("pin: true", "pin: sometimes")
        .replace("Self care", "A tag name far longer than twenty")
        .replace("stories: ", "nope: ")
        .replace("starter_daily_limit: 2", "starter_daily_limit: 0")
        .replace("starter_cooldown: 5m", "starter_cooldown: soon")
        .replace("starter_channels: [4003]", "starter_channels: [general]")
    )
    found = problems(write(tmp_path, text), known_themes={"care", "stories"})
    assert [p.split(": ", 1)[1] for p in found] == [
        "each entry of starter_channels must be a Discord id (a positive whole number)",
        "starter_cooldown must be a duration like 1h, 30m, 90s or 1h30m (or minutes)",
        "starter_daily_limit must be a whole number greater than 0",
        "pin must be true or false",
        "a forum tag name is 1 to 20 characters long",
        "unknown theme 'nope'",
    ]
    assert [p.split(":")[1] for p in found] == ["3", "4", "5", "10", "11", "11"]
