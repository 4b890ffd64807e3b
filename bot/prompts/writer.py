"""Write prompt files in one deterministic layout (the format is described in ``schema``)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import yaml

from bot.prompts.model import Prompt

log = logging.getLogger(__name__)

HEADER = """\
# Theme "{title}": discussion prompts, owned by the admins.
# Edit, disable (enabled: false) or add prompts freely. `python -m bot prompts build` only adds
# prompts for new sources: it never changes or removes a prompt you edited and never reuses an id.
# Format: README.md, "Themes and prompts".
"""


def render_theme_file(theme_id: str, title: str, sources: list[dict], prompts: list[Prompt]) -> str:
    data = {
        "id": theme_id,
        "title": title,
        "sources": [_source(s) for s in sources],
        "prompts": [_prompt(p) for p in prompts],
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)
    return HEADER.format(title=title.replace('"', "'")) + body


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a reader never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _source(source: dict) -> dict:
    keys = ("essay", "item", "title", "truncated")
    return {k: source[k] for k in keys if k in source and not (k == "truncated" and not source[k])}


def _prompt(prompt: Prompt) -> dict:
    out = {
        "id": prompt.id,
        "question": prompt.question,
        "followups": list(prompt.followups),
        "context": prompt.context,
    }
    if prompt.source:
        out["source"] = prompt.source
    out["enabled"] = prompt.enabled
    if prompt.status:
        out["status"] = prompt.status
    if prompt.sensitive:
        out["sensitive"] = True
    return out
