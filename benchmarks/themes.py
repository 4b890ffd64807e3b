"""Time the ``themes`` command path on 1,000 essays made by recombining the seed items.

    python benchmarks/themes.py [--essays 1000] [--seed 7]

Each generated essay takes 5 to 9 random seed items (random order, renumbered) in one of the
forms the reader understands (numbered ``N.``/``N)``, bold bullets, headings, numbered items
with a bold title, paragraphs opening in bold), and the last item of a third of them is cut off
mid-sentence. Reported: the time to read and parse the files alone (the baseline, measured in
the same run), the full extract + merge, its ratio to the baseline, ``prompts build`` into an
empty folder, and the target (each under 5 s).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.essays.reader import read_essays
from bot.prompts.build import build_prompts
from bot.themes.extract import find_themes, theme_json

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TARGET_SECONDS = 5.0


def seed_items() -> list[tuple[str, str]]:
    return [(i.title, i.body) for e in read_essays(SEEDS) for i in e.items]


def render(items: list[tuple[str, str]], form: int, cut: bool) -> str:
    lines = ["Cultural exchange helps in many ways. Here are some:", ""]
    for n, (title, body) in enumerate(items, 1):
        if cut and n == len(items):
            body = body[: len(body) // 2]
        if form == 0:
            lines.append(f"{n}. {title}: {body}")
        elif form == 1:
            lines.append(f"{n}) {title} - {body}")
        elif form == 2:
            lines.append(f"- **{title}**: {body}")
        elif form == 3:
            lines += [f"## {title}", "", body, ""]
        elif form == 4:
            lines += [f"{n}. **{title}.** {body}", ""]
        else:
            lines += [f"**{title}.** {body}", ""]
    return "\n".join(lines) + "\n"


def write_essays(directory: Path, count: int, rng: random.Random) -> None:
    pool = seed_items()
    for n in range(count):
        items = rng.sample(pool, rng.randint(5, 9))
        suffix = ".md" if n % 2 else ".txt"
        text = render(items, rng.randrange(6), cut=n % 3 == 0)
        (directory / f"essay_{n:04d}{suffix}").write_text(text, encoding="utf-8")


def timed(func, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def _build(seeds: Path) -> None:
    """``prompts build`` as the command runs it: find the themes, write every file."""
    with tempfile.TemporaryDirectory() as out:
        build_prompts(find_themes(seeds), Path(out) / "prompts")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_essays(folder, args.essays, random.Random(args.seed))
        raw, _ = timed(lambda: [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())])
        parse, essays = timed(lambda: read_essays(folder))
        full, themes = timed(lambda: theme_json(find_themes(folder)))
        dump, _ = timed(lambda: json.dumps(themes, indent=2, ensure_ascii=False))
        build, _ = timed(lambda: _build(folder), repeat=1)
    items = sum(len(e.items) for e in essays)
    total = full + dump
    print(f"essays: {args.essays}, items: {items}, themes: {len(themes)}")
    print(f"read files only:          {raw * 1000:8.1f} ms")
    print(f"read + parse (baseline):  {parse * 1000:8.1f} ms")
    print(f"themes (extract + merge): {full * 1000:8.1f} ms  ({full / parse:.2f}x baseline)")
    print(f"themes --json total:      {total * 1000:8.1f} ms  (target < {TARGET_SECONDS:.0f} s)")
    print(f"prompts build, fresh:     {build * 1000:8.1f} ms  (target < {TARGET_SECONDS:.0f} s)")
    ok = total < TARGET_SECONDS and build < TARGET_SECONDS
    print("within target" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
