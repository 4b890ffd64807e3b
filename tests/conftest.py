"""Shared test set-up: the ``slow`` marker, ``--repeat N``, and the bot factory.

``python -m pytest -m "not slow"`` leaves out the slow tiers (property-based fuzzing, real bot
processes killed and restarted); plain ``python -m pytest`` runs everything.
``--repeat N`` runs each selected test N times (to shake out timing-dependent failures; see
``benchmarks/repeat_under_load.py``, which also loads the CPUs while it runs).
"""

from __future__ import annotations

import pytest


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
