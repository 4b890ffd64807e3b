from datetime import UTC, datetime

from bot.cli import main
from bot.cli.preview_cmd import preview
from bot.config.database import parse_database
from bot.config.settings import load_config
from bot.prompts.model import Library, Prompt, Theme
from bot.store import open_stores

CONFIG = """\
database: bot.sqlite3
guilds:
  - guild_id: 1
    channels:
      - channel_id: 11
        cron: "0 9 * * *"
        timezone: Europe/London
      - channel_id: 12
        cron: "30 1 * * *"
        timezone: America/New_York
        themes: [care]
      - channel_id: 13
        cron: "0 18 * * *"
        timezone: UTC
"""

NOW = datetime(2026, 10, 23, 12, tzinfo=UTC)  # London falls back on the 25th, New York on Nov 1


def prompt(pid: str, theme: str, question: str = "") -> Prompt:
    return Prompt(pid, theme, question or f"What about {pid}?", (), "quote", "essay.md")


LIBRARY = Library(
    themes=(
        Theme("care", "Self-care", (prompt("c1", "care"), prompt("c2", "care"))),
        Theme("stories", "Stories", (prompt("s1", "stories", "Tell us " + "very " * 30 + "much"),)),
    )
)


def settings_in(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)


async def test_preview_shows_local_times_across_dst_and_rotation_from_history(tmp_path):
    settings = settings_in(tmp_path)
    stores = await open_stores(parse_database(settings.database.path))
    store = stores.posting
    post_id = await store.posts.claim_slot(1, 11, 1, 1)
    await store.posts.mark_posted(post_id, "c1", "care", 100, 200, 1)
    await store.channels.request_skip(1, 12, 2)
    await store.channels.set_paused(1, 13, True, 3)
    await stores.close()

    lines = await preview(settings, LIBRARY, NOW, days=4)
    london = lines[lines.index("guild 1 · channel 11 · 0 9 * * * (Europe/London)") + 1 :][:4]
    assert london == [
        "  2026-10-24 09:00 BST  stories/s1  Tell us very very very very very very very very "
        "very very very very…",
        "  2026-10-25 09:00 GMT  care/c2  What about c2?",
        # New cycle: the least recently used theme, then the least recently used prompt.
        "  2026-10-26 09:00 GMT  stories/s1  Tell us very very very very very very very very "
        "very very very very…",
        "  2026-10-27 09:00 GMT  care/c1  What about c1?",
    ]
    york = lines[lines.index("guild 1 · channel 12 · 30 1 * * * (America/New_York)") + 1 :][:4]
    assert york == [
        "  2026-10-24 01:30 EDT  skipped (a moderator asked to skip it)",
        "  2026-10-25 01:30 EDT  care/c1  What about c1?",
        "  2026-10-26 01:30 EDT  care/c2  What about c2?",
        "  2026-10-27 01:30 EDT  care/c1  What about c1?",
    ]
    assert "  paused: no scheduled posts until a moderator resumes it" in lines


async def test_preview_new_york_fall_back_day_posts_once(tmp_path):
    settings = settings_in(tmp_path)
    lines = await preview(settings, LIBRARY, datetime(2026, 10, 31, 12, tzinfo=UTC), days=2)
    york = [line for line in lines if "01:30" in line]
    assert [line[:24] for line in york] == ["  2026-11-01 01:30 EDT  ", "  2026-11-02 01:30 EST  "]
    assert not (tmp_path / "bot.sqlite3").exists()  # preview never creates the database


def test_preview_command_reports_config_problems_with_lines(tmp_path, capsys):
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.replace("Europe/London", "Europe/Londn"), encoding="utf-8")
    assert main(["preview", "--config", str(path), "--now", "2026-10-23T12:00"]) == 1
    assert f"{path}:7: timezone 'Europe/Londn' is not an IANA timezone" in capsys.readouterr().err


PROMPT_FILE = """\
id: care
title: Self-care
prompts:
- id: care-1
  question: What helps you rest?
  followups: ["What gets in the way?"]
  context: "“Rest matters.”"
  source: essay.md
- id: care-2
  question: Who looks after you?
  followups: []
  context: "“People matter.”"
  source: essay.md
  enabled: {enabled}
"""


def write_project(tmp_path, themes: str = "[care]", enabled: str = "true"):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "care.yaml").write_text(
        PROMPT_FILE.format(enabled=enabled), encoding="utf-8"
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        "guilds:\n  - guild_id: 1\n    channels:\n      - channel_id: 11\n"
        f'        cron: "0 9 * * *"\n        timezone: Europe/London\n        themes: {themes}\n',
        encoding="utf-8",
    )
    return config


def test_preview_command_reads_prompt_files_and_prints_local_times(tmp_path, capsys):
    config = write_project(tmp_path)
    argv = ["preview", "--config", str(config), "--days", "3", "--now", "2026-10-24T12:00"]
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        "guild 1 · channel 11 · 0 9 * * * (Europe/London)",
        "  2026-10-25 09:00 GMT  care/care-1  What helps you rest?",
        "  2026-10-26 09:00 GMT  care/care-2  Who looks after you?",
        "  2026-10-27 09:00 GMT  care/care-1  What helps you rest?",
    ]
    assert not (tmp_path / "data").exists()


def test_preview_command_leaves_out_disabled_prompts(tmp_path, capsys):
    config = write_project(tmp_path, enabled="false")
    assert main(["preview", "--config", str(config), "--days", "2", "--now", "2026-06-01"]) == 0
    assert "care-2" not in capsys.readouterr().out


def test_preview_command_refuses_a_theme_missing_from_the_prompt_files(tmp_path, capsys):
    config = write_project(tmp_path, themes="[care, nope]")
    assert main(["preview", "--config", str(config), "--now", "2026-06-01"]) == 1
    assert capsys.readouterr().err == f"{config}:7: unknown theme 'nope'\n"
