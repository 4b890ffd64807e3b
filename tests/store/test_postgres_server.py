"""The rule for PostgreSQL tests without a server: skipped with one line on a developer's
machine, failed where PostgreSQL is required (CI)."""

import pytest

from tests.postgres_server import (
    REQUIRE_ENV,
    SKIP_REASON,
    URL_ENV,
    server_from_environment,
    unavailable,
)


def test_without_a_server_the_postgresql_tests_skip_with_one_line(monkeypatch):
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    assert server_from_environment() == SKIP_REASON
    with pytest.raises(pytest.skip.Exception) as skipped:
        unavailable()
    assert str(skipped.value) == SKIP_REASON and "\n" not in SKIP_REASON


def test_where_postgresql_is_required_a_skip_is_a_failure(monkeypatch):
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        unavailable()
    assert str(failed.value) == f"{REQUIRE_ENV} is set but {SKIP_REASON}"


def test_a_server_that_cannot_be_reached_is_named_in_the_one_line(monkeypatch):
    monkeypatch.setenv(URL_ENV, "postgresql://nobody@127.0.0.1:9/postgres")
    reason = server_from_environment()
    assert isinstance(reason, str)
    assert reason.startswith(f"PostgreSQL tests skipped: {URL_ENV} names a server that cannot")
    assert "\n" not in reason
