"""A file or folder name longer than the filesystem allows (255 bytes) is one clear line with
exit code 1 from every command that takes a path, never a traceback."""

import shutil
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
LONG = "n" * 300


def config(tmp_path: Path, key: str) -> Path:
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts", dirs_exist_ok=True)
    path = tmp_path / "config.yaml"
    path.write_text(
        f"{key}: {tmp_path / LONG}\nguilds:\n  - guild_id: 1\n    channels:\n"
        '      - {channel_id: 2, cron: "0 9 * * *", timezone: UTC}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["stats", "--guild", "1", "--db", "{long}"],
        ["export", "--guild", "1", "--db", "{long}", "--out", "{tmp}/out.csv"],
        ["export", "--guild", "1", "--db", "{tmp}/bot.sqlite3", "--out", "{long}"],
        ["themes", "--seeds", "{long}"],
        ["prompts", "validate", "--dir", "{long}"],
        ["prompts", "list", "--dir", "{long}"],
        ["prompts", "build", "--seeds", "{long}", "--out", "{tmp}/out"],
        ["prompts", "build", "--seeds", str(ROOT / "seeds"), "--out", "{long}"],
    ],
    ids=lambda c: " ".join(c[:3]),
)
def test_a_name_over_255_bytes_on_the_command_line_is_one_line(tmp_path, capsys, command):
    if "{tmp}/bot.sqlite3" in command:
        from tests.cli.test_stats_export import make_db

        make_db(tmp_path / "bot.sqlite3")
    long = str(tmp_path / LONG)
    code = main([part.format(long=long, tmp=tmp_path) for part in command])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert LONG in lines[0] and "255 bytes" in lines[0], err


@pytest.mark.parametrize("command", ["run", "preview"])
@pytest.mark.parametrize("key", ["database", "prompts_dir"])
def test_a_name_over_255_bytes_in_the_config_is_named_at_its_line(
    tmp_path, capsys, monkeypatch, command, key
):
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    path = config(tmp_path, key)
    code = main([command, "--config", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 1
    assert err.strip().splitlines() == [
        f"{path}:1: {key}: the name {LONG[:12]}… is 300 bytes long; a file or folder"
        " name can be at most 255 bytes"
    ]
