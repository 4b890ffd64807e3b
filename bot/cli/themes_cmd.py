"""``python -m bot themes [--seeds DIR] [--json]``: the merged themes of the essays."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.cli.output import emit
from bot.themes.extract import find_themes, theme_json
from bot.themes.types import Theme


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("themes", help="list the merged themes of the essays in seeds/")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="essay folder")
    parser.add_argument(
        "--overrides",
        type=Path,
        default=Path("prompts/_overrides.yaml"),
        help="forced merges, splits and renames (used when the file exists)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON sorted by theme id")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    themes = find_themes(args.seeds, args.overrides)
    if args.json:
        emit(json.dumps(theme_json(themes), indent=2, ensure_ascii=False))
    else:
        emit(render_table(themes))
    return 0


def render_table(themes: list[Theme]) -> str:
    """Theme, number of essays, and each source as ``essay #item title``."""
    rows = [("THEME", "ESSAYS", "SOURCES")]
    for theme in themes:
        for i, source in enumerate(theme.sources):
            where = f"{source.essay} #{source.item}" if source.item is not None else source.essay
            cut = " (truncated)" if source.truncated else ""
            label = f"{where} {source.title}{cut}"
            first = i == 0
            rows.append(
                (
                    f"{theme.title} [{theme.id}]" if first else "",
                    str(len(theme.essays)) if first else "",
                    label,
                )
            )
    width0 = max(len(r[0]) for r in rows)
    lines = [f"{r[0]:<{width0}}  {r[1]:>6}  {r[2]}".rstrip() for r in rows]
    items = sum(len(t.sources) for t in themes)
    lines.append(f"\n{len(themes)} themes from {items} items")
    return "\n".join(lines)
