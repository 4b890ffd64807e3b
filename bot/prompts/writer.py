"""Write prompt files. A new file gets one deterministic layout (the format is described in
``schema``); a file that exists belongs to the admins and is changed with a round-trip YAML
library (ruamel.yaml), so their comments, key order, quoting and layout survive every write
outside the prompt that changes.

Every change to an existing file is checked before it replaces the file: the file must be valid
and unchanged on disk since the caller looked at it (its content hash), and the result must be a
valid prompt file. The new text is written next to the file and renamed over it, so a reader
never sees half a file; a refused change leaves the file as it was and says why.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.error import YAMLError as RoundTripError
from ruamel.yaml.tokens import CommentToken

from bot.errors import InputError, Problem
from bot.prompts.layout import split_layout
from bot.prompts.model import Prompt

log = logging.getLogger(__name__)

HEADER = """\
# Theme "{title}": discussion prompts, owned by the admins.
# Edit, disable (enabled: false) or add prompts freely. `python -m bot prompts build` only adds
# prompts for new sources: it never changes or removes a prompt you edited and never reuses an id.
# Format: README.md, "Themes and prompts".
"""
_SEQUENCE_LINE = re.compile(r"^(?P<indent> *)-(?P<gap> +)\S", re.MULTILINE)


def render_theme_file(theme_id: str, title: str, sources: list[dict], prompts: list[Prompt]) -> str:
    data = {
        "id": theme_id,
        "title": title,
        "sources": [_source(s) for s in sources],
        "prompts": [prompt_fields(p) for p in prompts],
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)
    return HEADER.format(title=title.replace('"', "'")) + body


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a reader never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise


def content_hash(path: Path) -> str | None:
    """A short hash of the file's bytes (None when there is no file): what a review saw."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return None


def create_theme_file(path: Path, theme_id: str, title: str, prompts: list[Prompt]) -> None:
    """A new prompt file; refused if one appeared meanwhile (it is never overwritten)."""
    path = Path(path)
    if path.exists():
        raise _refused(path, "the file appeared on disk meanwhile; nothing was written")
    _replace_checked(path, render_theme_file(theme_id, title, [], prompts), None)


def edit_theme_file(
    path: Path, change: Callable[[CommentedMap], None], expected_hash: str | None = None
) -> None:
    """Apply ``change`` to the file's round-trip data and write it back.

    Refused (InputError, file untouched) when the file is broken, when its hash is no longer
    ``expected_hash`` (given), or when the changed file would not be a valid prompt file."""
    path = Path(path)
    layout, text = split_layout(_current_text(path, expected_hash))
    rt = _round_trip(text)
    try:
        data = rt.load(text)
    except RoundTripError as exc:
        raise _refused(path, f"cannot be read ({exc}); nothing was written") from None
    change(data)
    out = io.StringIO()
    rt.dump(data, out)
    _replace_checked(path, layout.around(out.getvalue()), content_hash(path))


def append_prompts(
    path: Path,
    prompts: list[Prompt],
    sources: Sequence[dict] = (),
    expected_hash: str | None = None,
) -> None:
    """Add prompts (and sources) at the end of an existing file, keeping everything else."""

    def change(data: CommentedMap) -> None:
        if sources:
            _list(data, "sources").extend(_source(s) for s in sources)
        _list(data, "prompts").extend(prompt_fields(p) for p in prompts)

    edit_theme_file(path, change, expected_hash)


def update_prompt(
    path: Path,
    prompt_id: str,
    values: dict[str, Any],
    drop: tuple[str, ...] = (),
    expected_hash: str | None = None,
) -> None:
    """Set ``values`` and remove the keys ``drop`` of one prompt; the rest of the file stays."""

    def change(data: CommentedMap) -> None:
        entry = _entry(path, data, prompt_id)
        for key, value in values.items():
            entry[key] = list(value) if isinstance(value, tuple) else value
        for key in drop:
            entry.pop(key, None)

    edit_theme_file(path, change, expected_hash)


def remove_prompt(path: Path, prompt_id: str, expected_hash: str | None = None) -> None:
    """Take one prompt out of the file (its id stays retired in the build state)."""

    def change(data: CommentedMap) -> None:
        prompts = _list(data, "prompts")
        entry = _entry(path, data, prompt_id)
        index = next(i for i, e in enumerate(prompts) if e is entry)
        if index > 0:
            _move_trailing_comment(entry, prompts[index - 1])
        del prompts[index]

    edit_theme_file(path, change, expected_hash)


def prompt_fields(prompt: Prompt) -> dict:
    """One prompt as it is written in a file (optional keys only when they say something)."""
    out: dict = {
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
    if prompt.content_warning:  # an admin's warning survives a build that appends prompts
        out["content_warning"] = prompt.content_warning
    return out


# --- helpers ---------------------------------------------------------------------------------


def _current_text(path: Path, expected_hash: str | None) -> str:
    from bot.prompts.schema import read_theme_file  # the schema reads files this module writes

    if expected_hash is not None and content_hash(path) != expected_hash:
        raise _refused(path, "changed on disk since the review began; nothing was written")
    _, problems, _ = read_theme_file(path)
    if problems:
        raise InputError(
            [*problems, Problem(str(path), None, "the file has problems; it was not overwritten")]
        )
    with open(path, encoding="utf-8", newline="") as f:  # line ends as they are
        return f.read()


def _replace_checked(path: Path, text: str, seen_hash: str | None) -> None:
    """Write ``text`` beside ``path``, check it is a valid prompt file under the same name, and
    rename it over ``path`` only if the file on disk is still the one read (``seen_hash``)."""
    from bot.prompts.schema import read_theme_file

    path.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".write-", dir=path.parent))
    try:
        candidate = folder / path.name
        candidate.write_text(text, encoding="utf-8")
        _, problems, _ = read_theme_file(candidate)
        if problems:
            found = "; ".join(p.message for p in problems)
            raise _refused(path, f"the change would make the file invalid ({found}); not written")
        if content_hash(path) != seen_hash:
            raise _refused(path, "changed on disk while being written; nothing was written")
        os.replace(candidate, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    log.info("wrote %s", path)


def _round_trip(text: str) -> YAML:
    """A ruamel loader/dumper that writes the file back as the admins laid it out: block
    sequences indented as the file indents them, no line folding, quotes kept."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.allow_unicode = True
    # The outermost dash: its indent, and where the item's content starts after it
    # ("- id" or "-   id").
    dashes = [(len(m["indent"]), len(m["gap"])) for m in _SEQUENCE_LINE.finditer(text)]
    offset, gap = min(dashes, key=lambda d: d[0], default=(0, 1))
    rt.indent(mapping=2, sequence=offset + 1 + gap, offset=offset)
    return rt


def _move_trailing_comment(removed: CommentedMap, previous: Any) -> None:
    """Comment lines after a removed prompt (e.g. a note closing the list) belong to what
    follows it: they move to the end of the prompt before it."""
    if not removed or not isinstance(previous, CommentedMap) or not previous:
        return
    token = (removed.ca.items.get(list(removed)[-1]) or [None] * 4)[2]
    lines = token.value.split("\n", 1)[1] if token is not None and "\n" in token.value else ""
    last = list(previous)[-1]
    if not lines.strip() or isinstance(previous[last], (dict, list)):
        return
    slot = previous.ca.items.setdefault(last, [None, None, None, None])
    if slot[2] is None:
        slot[2] = CommentToken("\n" + lines, CommentMark(0), None)
    else:
        slot[2].value += lines


def _list(data: CommentedMap, key: str) -> CommentedSeq:
    if not isinstance(data.get(key), list):
        data[key] = CommentedSeq()
    return data[key]


def _entry(path: Path, data: CommentedMap, prompt_id: str) -> CommentedMap:
    for entry in _list(data, "prompts"):
        if isinstance(entry, CommentedMap) and entry.get("id") == prompt_id:
            return entry
    raise _refused(path, f"prompt {prompt_id!r} is no longer in the file; nothing was written")


def _refused(path: Path, message: str) -> InputError:
    return InputError([Problem(str(path), None, message)])


def _source(source: dict) -> dict:
    keys = ("essay", "item", "title", "truncated")
    return {k: source[k] for k in keys if k in source and not (k == "truncated" and not source[k])}
