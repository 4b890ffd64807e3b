"""Every command turns a bad database, file or argument into one ``path: message`` line with a
non-zero exit: no traceback, nothing written."""

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.config.settings import load_config
from bot.errors import InputError
from tests.cli.test_stats_export import make_db
from tests.store import view

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def newer_database(path: Path) -> bytes:
    """A database made by a future bot: schema version 99, one table of its own."""
    view.future_database_at(path)
    return path.read_bytes()


def config_for(tmp_path: Path, database: Path) -> Path:
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts", dirs_exist_ok=True)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {database}\nguilds:\n  - guild_id: 1\n    channels:\n"
        '      - {channel_id: 2, cron: "0 9 * * *", timezone: UTC}\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    "command",
    [
        ["db", "migrate", "--db", "{db}"],
        ["stats", "--guild", "1", "--db", "{db}"],
        ["export", "--guild", "1", "--db", "{db}", "--out", "{out}"],
        ["preview", "--config", "{config}"],
        ["run", "--config", "{config}"],
    ],
    ids=lambda c: c[0],
)
def test_a_newer_schema_is_refused_by_every_command_naming_both_versions(
    tmp_path, capsys, monkeypatch, command
):
    db = tmp_path / "bot.sqlite3"
    before = newer_database(db)
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    names = {"db": db, "out": tmp_path / "out.csv", "config": config_for(tmp_path, db)}
    code, err = run(capsys, *(part.format(**names) for part in command))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{db}: ")
    assert "version 99" in lines[0] and f"version {view.latest_schema_version()}" in lines[0]
    assert db.read_bytes() == before  # nothing written
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".yaml") == [
        "bot.sqlite3",
        "prompts",
    ]  # no -wal/-shm, no export


def corrupt(path: Path) -> None:
    path.write_bytes(b"this is not a database file at all" * 200)


def truncated(path: Path) -> None:
    make_db(path)
    view.fold_journal_at(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbled(path: Path) -> None:
    """Every page after the first overwritten: the header reads, the tables do not."""
    truncated(path)
    data = path.read_bytes()
    path.write_bytes(data[:4096] + bytes([0xA5]) * (len(data) - 4096))


@pytest.mark.parametrize("damage", [corrupt, truncated, garbled])
@pytest.mark.parametrize(
    "command",
    [
        ["db", "migrate", "--db", "{db}"],
        ["stats", "--guild", "1", "--db", "{db}"],
        ["export", "--guild", "1", "--db", "{db}", "--out", "{out}"],
        ["preview", "--config", "{config}"],
    ],
    ids=lambda c: c[0],
)
def test_a_damaged_database_is_one_line_naming_it(tmp_path, capsys, damage, command):
    db = tmp_path / "bot.sqlite3"
    damage(db)
    names = {"db": db, "out": tmp_path / "out.csv", "config": config_for(tmp_path, db)}
    code, err = run(capsys, *(part.format(**names) for part in command))
    assert code == 1
    assert err.startswith(f"{db}: ") and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out.csv").exists()


def test_db_migrate_on_a_folder_names_it(tmp_path, capsys):
    code, err = run(capsys, "db", "migrate", "--db", str(tmp_path))
    assert (code, err.strip()) == (1, f"{tmp_path}: it is a folder, not a database file")


def test_a_database_name_too_long_for_the_filesystem_is_one_line(tmp_path, capsys):
    long = tmp_path / ("x" * 300 + ".sqlite3")
    code, err = run(capsys, "db", "migrate", "--db", str(long))
    assert code == 1 and err.startswith(f"{long}: ") and "too long" in err.lower()


def test_a_database_name_with_a_direction_character_is_refused(tmp_path, capsys):
    name = tmp_path / "bot\u202egol.sqlite3"  # shows as "botlog.sqlite3" reversed
    code, err = run(capsys, "db", "migrate", "--db", str(name))
    assert code == 1 and "control or direction characters" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("days", ["99999999999999999999", "0", "-3", "１２"])
def test_stats_refuses_an_impossible_number_of_days(db_path, capsys, days):
    make_db(db_path)
    with pytest.raises(SystemExit) as exited:
        main(["stats", "--guild", "1", "--days", days, "--db", str(db_path)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--days: must be a whole number from 1 to 36500" in err and "Traceback" not in err


@pytest.mark.parametrize("guild", ["１２３", "١٢٣"])  # fullwidth, Arabic-Indic digits
def test_stats_refuses_ids_in_other_digits(db_path, capsys, guild):
    make_db(db_path)
    with pytest.raises(SystemExit):
        main(["stats", "--guild", guild, "--db", str(db_path)])
    assert "--guild: must be a Discord id" in capsys.readouterr().err


def test_an_unknown_log_level_is_refused_by_name(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--log-level", "BOGUS", "themes"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'BOGUS'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "content",
    [
        "1. Café culture: a body".encode("latin-1"),
        "1. Stories: shared\n2. Voices: heard\n".encode("utf-16"),
        bytes(range(256)),
    ],
    ids=["latin-1", "utf-16", "binary"],
)
@pytest.mark.parametrize("command", [["themes"], ["prompts", "build", "--out", "{out}"]])
def test_an_essay_that_is_not_utf8_is_named(tmp_path, capsys, content, command):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "bad.txt").write_bytes(content)
    argv = [p.format(out=tmp_path / "prompts") for p in command]
    code, err = run(capsys, *argv, "--seeds", str(seeds))
    assert code == 1
    assert err.startswith(f"{seeds / 'bad.txt'}: is not UTF-8 text"), err
    assert not (tmp_path / "prompts").exists()


@pytest.mark.parametrize("command", [["themes"], ["prompts", "build"]])
def test_a_missing_essay_folder_is_named(tmp_path, capsys, command):
    code, err = run(capsys, *command, "--seeds", str(tmp_path / "nope"))
    assert (code, err.strip()) == (1, f"{tmp_path / 'nope'}: essay folder not found")


def test_an_essay_linking_outside_the_folder_is_not_read(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("1. Private: the host's secret words.\n2. Other: more of them.\n")
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "link.txt").symlink_to(secret)
    code = main(["themes", "--seeds", str(seeds)])
    out, err = capsys.readouterr()
    assert code == 1 and "secret words" not in out and "Private" not in out
    assert err.strip() == (
        f"{seeds / 'link.txt'}: is a link to a file outside the essay folder; it is not read"
    )


def test_an_essay_linking_inside_the_folder_is_read(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    first = sorted(seeds.iterdir())[0]
    (seeds / "zzz-copy.txt").symlink_to(first.name)
    assert main(["themes", "--seeds", str(seeds)]) == 0
    assert "zzz-copy.txt" in capsys.readouterr().out


def test_run_refuses_credentials_in_the_server_url_and_never_shows_them(
    tmp_path, capsys, monkeypatch
):
    config = config_for(tmp_path, tmp_path / "bot.sqlite3")
    config.write_text("api_base: http://admin:hunter2@127.0.0.1:9/api/v10\n" + config.read_text())
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    code, err = run(capsys, "--log-level", "DEBUG", "run", "--config", str(config))
    assert code == 1
    assert err.strip() == (
        f"{config}:1: api_base must not hold a user name or password (user:pass@); the server"
        " is reached with the bot token only"
    )
    assert not (tmp_path / "bot.sqlite3").exists()


@pytest.mark.parametrize(
    "url", ["postgresql://x@127.0.0.1", "mysql://root@localhost/bot", "sqlite://host/x"]
)
def test_a_database_url_the_bot_cannot_serve_is_refused_with_nothing_created(
    tmp_path, capsys, monkeypatch, url
):
    monkeypatch.chdir(tmp_path)
    code, err = run(capsys, "db", "migrate", "--db", url)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"--db: {url}: ")
    assert list(tmp_path.iterdir()) == []  # no folder named after the scheme


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_postgresql_url_holding_a_password_is_refused_without_showing_it(
    tmp_path, capsys, monkeypatch, scheme
):
    monkeypatch.chdir(tmp_path)
    code, err = run(capsys, "db", "migrate", "--db", f"{scheme}://bot:hunter2@127.0.0.1:9/db")
    assert code == 1
    assert err.strip() == (
        f"--db: {scheme}://bot:***@127.0.0.1:9/db: a database URL must not hold a password;"
        " put it in DATABASE_PASSWORD or a password file (PGPASSFILE or ~/.pgpass)"
    )
    assert list(tmp_path.iterdir()) == []
    code, err = run(capsys, "db", "migrate", "--db", f"{scheme}://bot@h/db?password=hunter2&x=1")
    assert code == 1 and "hunter2" not in err
    assert err.startswith(f"--db: {scheme}://bot@h/db?password=***&x=1: a database URL must not")


def test_a_postgresql_server_that_is_not_there_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PASSWORD", "hunter2")
    code, err = run(capsys, "db", "migrate", "--db", "postgresql://bot@127.0.0.1:9/db")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("postgresql://bot@127.0.0.1:9/db: cannot reach the database server")
    assert "hunter2" not in err


def test_an_sqlite_url_is_served_like_its_path(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "db", "migrate", "--db", "sqlite:///data/bot.sqlite3")[0] == 0
    assert run(capsys, "db", "migrate", "--db", f"sqlite:///{tmp_path}/abs.sqlite3")[0] == 0
    assert (tmp_path / "data" / "bot.sqlite3").is_file()
    assert (tmp_path / "abs.sqlite3").is_file()


def test_a_config_naming_a_database_url_it_cannot_serve_gives_its_line(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("log_level: INFO\ndatabase: mysql://x@127.0.0.1/db\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_config(config)
    [problem] = raised.value.problems
    assert problem.line == 2 and "mysql databases are not supported" in problem.message


def test_a_config_naming_a_postgresql_url_with_a_password_gives_its_line_not_the_password(
    tmp_path,
):
    config = tmp_path / "config.yaml"
    config.write_text(
        "log_level: INFO\ndatabase: postgresql://bot:hunter2@db.example/bot\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as raised:
        load_config(config)
    [problem] = raised.value.problems
    assert problem.line == 2 and "must not hold a password" in problem.message
    assert "hunter2" not in str(raised.value)


def test_a_config_naming_a_postgresql_url_selects_that_backend(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: postgres://bot@db.example:6432/community?sslmode=require&pool_size=4\n",
        encoding="utf-8",
    )
    database = load_config(config).database
    assert database.backend == "postgresql" and database.pool_size == 4
    assert str(database) == "postgresql://bot@db.example:6432/community?sslmode=require&pool_size=4"
    assert database.dsn == "postgresql://bot@db.example:6432/community?sslmode=require"


@pytest.mark.parametrize("size", ["0", "101", "ten"])
def test_a_pool_size_out_of_bounds_is_refused_in_one_line(tmp_path, capsys, monkeypatch, size):
    monkeypatch.chdir(tmp_path)
    url = f"postgresql://bot@127.0.0.1:9/db?pool_size={size}"
    code, err = run(capsys, "db", "migrate", "--db", url)
    assert (code, err) == (1, f"--db: {url}: pool_size must be a whole number from 1 to 100\n")
