"""Whatever the essays say, ``prompts build`` writes nothing its own ``validate --strict``
refuses: essays made of random items (heavy subjects, sentences that would ask members for
private facts, light ones) in the shapes the reader knows."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main

pytestmark = pytest.mark.slow  # builds many small libraries; see tests/conftest.py

TITLES = [
    "Have you ever been arrested",
    "What is your immigration status",
    "Debt and the rent",
    "My sister died in spring",
    "Where do you live now",
    "Tea on Sundays",
    "Are you out to your parents",
    "Small steps add up",
    "Homelessness in small towns",
    "Who in your life taught you to cook",
]
SENTENCES = [
    "We were behind on the rent and the letters kept coming.",
    "I was diagnosed with bipolar disorder at twenty-three.",
    "How much do you earn, and does it cover the rent?",
    "The choir raises money for the shelter every winter.",
    "After three years in prison, finding work felt impossible.",
    "Our market opens at seven and closes when the bread runs out.",
    "Name the relative who gave you the hardest time.",
    "She slept rough behind the station for most of that winter.",
    "The hospital rota changes every week, so we plan meals together.",
    "Grief came back at his birthday, at the anniversary and in the supermarket.",
]
SHAPES = ["{n}. {title}: {body}", "- **{title}**: {body}", "## {title}\n\n{body}\n"]


@st.composite
def essays(draw) -> list[str]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        lines = ["# Notes from a community", ""]
        for n in range(1, draw(st.integers(3, 5)) + 1):
            title = draw(st.sampled_from(TITLES))
            body = " ".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3)))
            lines.append(draw(st.sampled_from(SHAPES)).format(n=n, title=title, body=body))
        out.append("\n".join(lines) + "\n")
    return out


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(essays())
def test_a_fresh_build_always_passes_its_own_strict_validation(texts):
    tmp = Path(tempfile.mkdtemp())
    try:
        seeds = tmp / "seeds"
        seeds.mkdir()
        for n, text in enumerate(texts):
            (seeds / f"essay-{n}.md").write_text(text, encoding="utf-8")
        out = tmp / "prompts"
        assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 0
        if any(out.glob("[!_]*.yaml")):
            assert main(["prompts", "validate", "--dir", str(out), "--strict"]) == 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
