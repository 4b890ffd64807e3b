"""The README's example charts come from a fixed demo data set by ``bot.demo.chart_examples``;
the committed images are there and small."""

import io
from pathlib import Path

from PIL import Image

from bot.demo.chart_examples import main

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("activity", "themes", "times")


def test_the_script_draws_the_three_example_charts(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    for kind in KINDS:
        image = Image.open(io.BytesIO((tmp_path / f"{kind}.png").read_bytes()))
        assert image.width == 1000 and (tmp_path / f"{kind}.png").stat().st_size < 100 * 1024
    out = capsys.readouterr().out
    assert "Most first answers within 3 hours of a post: 18:00–19:00" in out
    assert "Busiest day" in out and "theme(s)" in out


def test_the_readme_shows_the_committed_examples():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in KINDS:
        committed = ROOT / "docs" / "charts" / f"{kind}.png"
        assert f"](docs/charts/{kind}.png)" in readme
        assert committed.stat().st_size < 100 * 1024
