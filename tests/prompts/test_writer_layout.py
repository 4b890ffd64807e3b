"""The round-trip writer keeps an admin's file byte for byte outside what it adds: Windows line
ends, a byte-order mark, the document markers ``---`` and ``...`` (and the comments around
them), and sequences indented four spaces."""

import pytest

from bot.prompts.model import Prompt
from bot.prompts.writer import append_prompts, content_hash, update_prompt

FILE = """\
# Joy prompts. Mia looks after this file.
id: joy
title: Joy
sources: []
prompts:
-   id: joy-1
    question: What made you smile this week?   # short on purpose
    followups: ["Who was there?"]
    context: 'A small quote.'
    enabled: true
"""
NEW = Prompt("joy-2", "joy", "What song reminds you of home?", ("Who sang it?",), "A note.", "x")


def variants() -> dict[str, tuple[bytes, bytes]]:
    """Name → (the file as an admin saved it, the part after which the writer may add)."""
    plain = FILE.encode()
    marked = b"# A header above the marker.\n---\n" + plain + b"...\n# after the end\n"
    indented = (
        FILE.replace("-   id", "    - id")
        .replace("\n    question", "\n      question")
        .replace("\n    followups", "\n      followups")
        .replace("\n    context", "\n      context")
        .replace("\n    enabled", "\n      enabled")
        .encode()
    )
    return {
        "four-space dash": (plain, plain),
        "indented sequence": (indented, indented),
        "crlf": (plain.replace(b"\n", b"\r\n"), plain.replace(b"\n", b"\r\n")),
        "bom": (b"\xef\xbb\xbf" + plain, b"\xef\xbb\xbf" + plain),
        "markers": (marked, marked[: marked.index(b"...\n")]),
    }


@pytest.mark.parametrize("name", variants())
def test_appending_keeps_the_rest_of_the_file_byte_for_byte(tmp_path, name):
    before, kept = variants()[name]
    path = tmp_path / "joy.yaml"
    path.write_bytes(before)
    append_prompts(path, [NEW], expected_hash=content_hash(path))
    after = path.read_bytes()
    assert after.startswith(kept), after
    added = after[len(kept) :]
    if name == "markers":
        assert added.endswith(b"...\n# after the end\n")
    newline = b"\r\n" if name == "crlf" else b"\n"
    assert b"joy-2" in added and added.count(newline) == added.count(b"\n")


@pytest.mark.parametrize("name", variants())
def test_an_edit_changes_only_its_line(tmp_path, name):
    before, _ = variants()[name]
    path = tmp_path / "joy.yaml"
    path.write_bytes(before)
    update_prompt(path, "joy-1", {"enabled": False}, expected_hash=content_hash(path))
    assert path.read_bytes() == before.replace(b"enabled: true", b"enabled: false")
