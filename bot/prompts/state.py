"""``prompts/_state.yaml``: what ``prompts build`` has issued, so rebuilds respect admin edits.

It records every prompt id ever issued with a fingerprint of its text as generated (an edited
prompt no longer matches), and per theme the next id number, the question slots used and the
essay items already turned into prompts. Ids are never reused, even after a prompt is deleted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.errors import InputError, Problem
from bot.prompts.model import Prompt
from bot.prompts.schema import ThemeFile
from bot.prompts.writer import write_atomically
from bot.yaml_nodes import FAST_DUMPER, FAST_LOADER

STATE_FILE = "_state.yaml"
HEADER = """\
# Written by `python -m bot prompts build`; do not edit. It lists every prompt id ever issued
# with a fingerprint of the generated text, so a rebuild can tell which prompts an admin edited.
"""


@dataclass
class ThemeState:
    next: int = 1
    sources: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)


@dataclass
class BuildState:
    themes: dict[str, ThemeState] = field(default_factory=dict)
    issued: dict[str, str] = field(default_factory=dict)  # prompt id -> fingerprint


def fingerprint(prompt: Prompt) -> str:
    text = json.dumps([prompt.question, list(prompt.followups), prompt.context, prompt.enabled])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def adopt_theme(file: ThemeFile | None) -> ThemeState:
    """State for a theme file the build did not record (hand-made, or the state file was lost):
    numbering goes on after its highest number, its sources count as turned into prompts."""
    if file is None:
        return ThemeState()
    numbers = [int(p.id.rsplit("-", 1)[1]) for p in file.theme.prompts if p.id[-1].isdigit()]
    refs = [f"{s.get('essay')}#{s.get('item') or s.get('title')}" for s in file.sources]
    return ThemeState(next=max(numbers, default=0) + 1, sources=refs)


def load_state(directory: Path) -> BuildState:
    path = Path(directory) / STATE_FILE
    if not path.exists():
        return BuildState()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER) or {}
        themes = {
            tid: ThemeState(int(t["next"]), list(t["sources"]), dict(t["slots"]))
            for tid, t in (data.get("themes") or {}).items()
        }
        return BuildState(themes, {str(k): str(v) for k, v in (data.get("issued") or {}).items()})
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError([Problem(str(path), None, f"unreadable build state: {exc}")]) from exc


def save_state(directory: Path, state: BuildState) -> None:
    data = {
        "themes": {
            tid: {
                "next": t.next,
                "sources": sorted(t.sources),
                "slots": dict(sorted(t.slots.items())),
            }
            for tid, t in sorted(state.themes.items())
        },
        "issued": dict(sorted(state.issued.items())),
    }
    body = yaml.dump(data, Dumper=FAST_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    text = HEADER + body
    path = Path(directory) / STATE_FILE
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomically(path, text)
