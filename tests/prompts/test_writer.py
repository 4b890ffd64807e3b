"""Changes to admin-owned prompt files: checked, atomic, and the rest of the file unchanged."""

import shutil
from pathlib import Path

import pytest

from bot.errors import InputError
from bot.prompts.model import Prompt
from bot.prompts.writer import append_prompts, content_hash, update_prompt
from tests.suggestion_world import JOY, write_prompts

SHIPPED = Path(__file__).resolve().parents[2] / "prompts"


def test_every_shipped_file_survives_a_change_elsewhere_byte_for_byte(tmp_path):
    folder = Path(shutil.copytree(SHIPPED, tmp_path / "prompts"))
    for path in sorted(folder.glob("[!_]*.yaml")):
        before = path.read_text(encoding="utf-8")
        added = Prompt(f"{path.stem}-99", path.stem, "What now?", ("Why?",), "A note.", "x")
        append_prompts(path, [added])
        after = path.read_text(encoding="utf-8")
        assert after.startswith(before), path.name
        assert after[len(before) :].lstrip().startswith(f"- id: {path.stem}-99")


def test_a_change_that_would_break_the_file_is_refused_and_nothing_changes(tmp_path):
    path = write_prompts(tmp_path) / "joy.yaml"
    with pytest.raises(InputError) as refused:
        update_prompt(path, "joy-1", {"question": "Hey @everyone?"})
    assert "would make the file invalid" in str(refused.value.problems[0])
    assert "must not mention" in str(refused.value.problems[0])
    assert path.read_text() == JOY
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_a_file_changed_since_it_was_seen_is_not_overwritten(tmp_path):
    path = write_prompts(tmp_path) / "joy.yaml"
    seen = content_hash(path)
    path.write_text(JOY + "# edited meanwhile\n")
    with pytest.raises(InputError) as refused:
        update_prompt(path, "joy-1", {"enabled": False}, expected_hash=seen)
    assert "changed on disk since the review began" in str(refused.value.problems[0])
    assert path.read_text() == JOY + "# edited meanwhile\n"


def test_an_edit_changes_only_that_prompt(tmp_path):
    path = write_prompts(tmp_path) / "joy.yaml"
    update_prompt(path, "joy-1", {"enabled": False}, expected_hash=content_hash(path))
    assert path.read_text() == JOY.replace("    enabled: true\n", "    enabled: false\n")
