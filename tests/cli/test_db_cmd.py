"""``python -m bot db migrate`` on a PostgreSQL URL, and ``db copy``: a community's records moved
between SQLite and PostgreSQL, every table, verified by row counts, into an empty target (or,
with --force, over one)."""

import pytest

from bot.cli import main
from bot.config.database import PASSWORD_ENV, parse_database
from bot.errors import InputError
from bot.participation.types import ANSWER, REACTION, ParticipationRow
from bot.store import open_stores
from bot.store.copy import PostgresSide, copy_database
from bot.suggestions.types import Limits
from tests.postgres_server import private_cluster, run_sync
from tests.store import view

GUILD, CHANNEL = 10, 20
T = 1_800_000_000
RECORDS = ("posts", "participation", "suggestions", "participation_day_totals")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def community(path) -> None:
    run_sync(_community(path))


async def _community(path) -> None:
    """A small community on SQLite: posts, answers and reactions, an opt-out, suggestions (the
    newest ones erased, so their numbers must not be given again)."""
    stores = await open_stores(parse_database(path))
    try:
        posts = stores.posting.posts
        first = await posts.claim_slot(GUILD, CHANNEL, T, T)
        await posts.mark_posted(first, "p1", "joy", 500, 600, T + 5)
        second = await posts.claim_slot(GUILD, CHANNEL, T + 86_400, T + 86_400)
        await posts.mark_posted(second, "p2", "joy", 501, 601, T + 86_405)
        await stores.participation.record_many(
            [
                ParticipationRow(GUILD, first, "p1", "joy", 1, 700, ANSWER, T + 60, 42),
                ParticipationRow(GUILD, first, "p1", "joy", 2, 500, REACTION, T + 70, None),
                ParticipationRow(GUILD, second, "p2", "joy", 1, 701, ANSWER, T + 86_460, 7),
            ]
        )
        await stores.participation.opt_out(GUILD, 3, T)
        await stores.suggestions.add(GUILD, 5, "Kept?", None, None, None, T, Limits())
        for n in range(3):
            await stores.suggestions.add(GUILD, 4, f"Question {n}?", None, None, None, T, Limits())
        await stores.suggestions.forget(GUILD, 4)
    finally:
        await stores.close()


def records(where) -> dict:
    return {r: view.rows_at(where, r) for r in RECORDS}


def test_a_community_moves_to_postgresql_and_back_with_every_row(tmp_path, capsys, postgresql):
    source = tmp_path / "bot.sqlite3"
    community(source)
    target = postgresql.new_database(migrated=False)  # an empty database: copy migrates it
    code, out, err = run(capsys, "db", "copy", "--from", str(source), "--to", target.url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["posts", "2", "rows"]
    assert ["participation", "3", "rows"] in [line.split() for line in lines]
    assert lines[-1] == f"copied 14 rows from {source} to {target.url}; counts match"
    assert records(target) == records(source)

    # The totals were copied, not counted again; the triggers count what comes next.
    view.plant_at(target, "suggestions", guild_id=GUILD, member_id=6, question="New?", created_at=T)
    view.plant_at(target, "posts", guild_id=GUILD, channel_id=CHANNEL, kind="manual",
                  status="claimed", claimed_at=T)  # fmt: skip
    numbers = [r["id"] for r in view.rows_at(target, "suggestions")]
    assert numbers == [1, 5]  # 2-4 were erased: never given again
    assert [r["id"] for r in view.rows_at(target, "posts")] == [1, 2, 3]

    back = tmp_path / "back.sqlite3"
    code, out, err = run(capsys, "db", "copy", "--from", target.url, "--to", str(back))
    assert (code, err) == (0, "")
    assert records(back) == records(target)
    view.plant_at(back, "suggestions", guild_id=GUILD, member_id=6, question="Next?", created_at=T)
    assert [r["id"] for r in view.rows_at(back, "suggestions")] == [1, 5, 6]


def test_a_target_holding_records_is_refused_unless_forced(tmp_path, capsys, postgresql):
    source = tmp_path / "bot.sqlite3"
    community(source)
    target = postgresql.new_database()
    view.plant_at(target, "posts", guild_id=99, channel_id=98, kind="manual", status="claimed",
                  claimed_at=T)  # fmt: skip
    before = records(target)

    code, out, err = run(capsys, "db", "copy", "--from", str(source), "--to", target.url)
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"{target.url}: the target database holds records already (rows in posts: 1);"
        " give --force to replace them"
    )
    assert records(target) == before

    code, out, err = run(capsys, "db", "copy", "--from", str(source), "--to", target.url, "--force")
    assert code == 0, err
    assert records(target) == records(source)


async def test_a_count_that_differs_keeps_nothing(tmp_path, postgresql, monkeypatch):
    source = tmp_path / "bot.sqlite3"
    community(source)
    target = postgresql.new_database()
    write = PostgresSide.write

    async def losing_one(self, table, columns, rows):
        await write(self, table, columns, rows[:-1] if table == "participation" else rows)

    monkeypatch.setattr(PostgresSide, "write", losing_one)
    with pytest.raises(InputError) as refused:
        await copy_database(parse_database(source), target)
    assert str(refused.value) == (
        f"{target.url}: participation: 2 rows copied but the source holds 3; nothing was kept"
    )
    assert records(target) == {r: [] for r in RECORDS}


def test_copy_refuses_a_missing_source_and_one_database_on_both_sides(tmp_path, capsys):
    code, _, err = run(capsys, "db", "copy", "--from", str(tmp_path / "none.sqlite3"),
                       "--to", str(tmp_path / "to.sqlite3"))  # fmt: skip
    assert code == 1 and err.strip().endswith(
        "none.sqlite3: database not found (is the path right?)"
    )
    assert not (tmp_path / "to.sqlite3").exists()
    same = tmp_path / "bot.sqlite3"
    assert run(capsys, "db", "migrate", "--db", str(same))[0] == 0
    code, _, err = run(capsys, "db", "copy", "--from", str(same), "--to", f"sqlite:///{same}")
    assert code == 1 and err.strip() == f"{same}: the source and the target are the same"


def test_migrate_brings_a_postgresql_database_to_the_latest_schema(capsys, postgresql):
    database = postgresql.new_database(migrated=False)
    for _ in range(2):  # a second run finds nothing to do
        code, out, err = run(capsys, "db", "migrate", "--db", database.url)
        assert (code, out, err) == (0, f"{database.url}: schema version 15\n", "")


@pytest.mark.slow  # a PostgreSQL cluster of its own, asking for a password
def test_the_password_comes_from_the_environment_or_the_password_file_and_is_never_shown(
    tmp_path, capsys, monkeypatch
):
    secret = "correct horse 7"
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-file"))
    with private_cluster(password=secret) as cluster:
        code, out, err = run(capsys, "db", "migrate", "--db", cluster.url)
        assert code == 1
        assert err == (
            f"{cluster.url}: the server refused the login (check the user and the password in"
            " the password file)\n"
        )
        monkeypatch.setenv(PASSWORD_ENV, "wrong")
        code, out, err = run(capsys, "db", "migrate", "--db", cluster.url)
        assert code == 1 and f"password in {PASSWORD_ENV})" in err

        monkeypatch.setenv(PASSWORD_ENV, secret)
        assert run(capsys, "db", "migrate", "--db", cluster.url) == (
            0, f"{cluster.url}: schema version 15\n", ""
        )  # fmt: skip

        monkeypatch.delenv(PASSWORD_ENV)
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"127.0.0.1:{cluster.port}:postgres:{cluster.user}:{secret}\n")
        passfile.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(passfile))
        code, out, err = run(capsys, "--log-level", "DEBUG", "db", "migrate", "--db", cluster.url)
        assert code == 0 and secret not in out + err


def test_copy_refuses_one_postgresql_database_named_twice(capsys, postgresql):
    database = postgresql.new_database()
    other_spelling = database.url.replace("postgresql://", "postgres://") + "?pool_size=2"
    code, _, err = run(capsys, "db", "copy", "--from", database.url, "--to", other_spelling,
                       "--force")  # fmt: skip
    assert code == 1
    assert err.strip().endswith(": the source and the target are the same")
