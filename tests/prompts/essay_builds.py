"""Build one essay alone, as an admin would on a new community: its own seeds folder (with a
collection file when given), the themes found, the prompt files written and loaded back."""

import shutil
from pathlib import Path

from bot.prompts.build import build_prompts
from bot.prompts.loader import load_library
from bot.themes.extract import find_themes


def build_alone(essay: Path, root: Path, collection: str | None = None):
    """(themes, prompt folder, prompts) built from ``essay`` alone under ``root``."""
    seeds = root / "seeds"
    seeds.mkdir()
    shutil.copy(essay, seeds / essay.name)
    if collection is not None:
        (seeds / "_collection.yaml").write_text(collection, encoding="utf-8")
    themes = find_themes(seeds)
    build_prompts(themes, root / "prompts")
    library = load_library(root / "prompts")
    return themes, root / "prompts", [p for t in library.themes for p in t.prompts]
