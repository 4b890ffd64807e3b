"""Shared test set-up: the ``slow`` marker, ``--repeat N``, and the bot factory ``make_bot``.

``python -m pytest -m "not slow"`` leaves out the slow tiers (property-based fuzzing, real bot
processes killed and restarted); plain ``python -m pytest`` runs everything.
``--repeat N`` runs each selected test N times (to shake out timing-dependent failures; see
``benchmarks/repeat_under_load.py``, which also loads the CPUs while it runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.adapter.client import DiscussionBot
from bot.adapter.cogs import CogFactory
from bot.config.settings import Settings
from bot.devserver import payloads
from bot.prompts.model import Library


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--repeat", type=int, default=1, metavar="N", help="run each selected test N times"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: fuzzing and real-process tests; deselect with -m 'not slow'"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    count = metafunc.config.getoption("repeat")
    if count > 1:
        metafunc.fixturenames.append("_repeat")
        metafunc.parametrize("_repeat", range(1, count + 1), ids=lambda n: f"run{n}")


# The in-process fake's ids start at payloads.BASE_TIME; a day later is a quiet default "now".
DEFAULT_NOW = payloads.BASE_TIME + timedelta(days=1)


@pytest.fixture
def make_bot(tmp_path: Path) -> Callable[..., DiscussionBot]:
    """Builds the bot as ``run`` does, from what a test varies: its settings (default: no guild,
    the database in tmp_path), its prompt library (default: empty), the cogs it loads (default:
    all) and its clock (default: a fixed instant)."""

    def make(
        settings: Settings | None = None,
        holder: Any = None,
        *,
        cogs: Sequence[CogFactory] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> DiscussionBot:
        return DiscussionBot(
            settings or Settings(database=tmp_path / "bot.sqlite3"),
            holder or SimpleNamespace(library=Library()),
            clock=clock or (lambda: DEFAULT_NOW),
            cogs=cogs,
        )

    return make
