"""Rebuilding prompts adds what is new and never overrides what an admin did."""

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.errors import InputError
from bot.prompts.build import build_prompts
from bot.prompts.loader import load_library
from bot.themes.extract import find_themes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEW_ESSAY = """\
Cultural exchange, one more time:

1. Sharing our stories: Telling where we come from builds trust. It takes courage.
2. Navigating family expectations: Many of us juggle what parents hope for with who we are.
"""


@pytest.fixture
def seeds(tmp_path):
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))


def build(seeds, out):
    return build_prompts(find_themes(seeds, out / "_overrides.yaml"), out)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """The folder and report of one build of the shipped seeds into an empty folder (built once
    for this module; a test that changes the files works on a copy: ``built``)."""
    out = tmp_path_factory.mktemp("first-build") / "prompts"
    return out, build(SEEDS, out)


@pytest.fixture
def built(first_build, tmp_path):
    """A prompts folder as the first build of the shipped seeds left it, the test's own."""
    return Path(shutil.copytree(first_build[0], tmp_path / "prompts"))


def snapshot(directory):
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def edit(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_first_build_writes_a_file_per_theme_and_a_second_build_adds_nothing(
    seeds, first_build, built
):
    out, (_, report) = built, first_build
    library = load_library(out)
    assert len(library.themes) == 19 and len(report.added) == 59
    assert all(len(t.prompts) >= 3 for t in library.themes)
    before = snapshot(out)
    again = build(seeds, out)
    assert again.added == [] and len(again.kept) == 59 and again.left_alone == []
    assert snapshot(out) == before


def test_two_fresh_builds_are_byte_identical(seeds, tmp_path, first_build):
    build(seeds, tmp_path / "again")  # another folder, from another copy of the essays
    assert snapshot(tmp_path / "again") == snapshot(first_build[0])


def test_rebuild_keeps_admin_edits_retires_deleted_ids_and_adds_new_sources(seeds, built):
    out = built
    stories = out / "stories.yaml"

    def admin(data):
        data["prompts"][0]["question"] = "What story do you tell most often about your family?"
        del data["prompts"][1]
        data["prompts"][1]["enabled"] = False
        data["prompts"].append(
            {
                "id": "stories-own",
                "question": "Who tells stories best?",
                "followups": ["Why?"],
                "context": "Our own prompt.",
            }
        )

    edit(stories, admin)
    (seeds / "005_new.txt").write_text(NEW_ESSAY)
    report = build(seeds, out)

    library = load_library(out)
    theme = library.theme("stories")
    ids = [p.id for p in theme.prompts]
    assert ids == ["stories-1", "stories-3", "stories-4", "stories-own", "stories-5"]
    assert library.prompt("stories-1").question.startswith("What story do you tell most often")
    assert library.prompt("stories-3").enabled is False
    assert library.prompt("stories-5").context.endswith("(from “New”)")
    assert library.prompt("stories-5").is_draft and not library.prompt("stories-5").enabled
    assert report.added == ["family-expectation-1", "stories-5"]
    assert dict(report.left_alone) == {
        "stories-1": "edited by an admin",
        "stories-3": "edited by an admin",
        "stories-own": "added by an admin",
        "stories-2": "deleted by an admin; its id stays retired",
    }
    assert "stories-4" in report.kept


def test_rebuild_appending_to_a_file_keeps_its_comments_and_layout_byte_for_byte(seeds, built):
    out = built
    stories = out / "stories.yaml"
    text = stories.read_text()
    text = text.replace("prompts:\n", "prompts:  # admins: keep these short\n", 1)
    text = text.replace("  enabled: true\n", "  enabled: true   # checked by Mia\n", 1)
    stories.write_text(text)

    (seeds / "005_new.txt").write_text(NEW_ESSAY)
    build(seeds, out)

    after = stories.read_text()
    head, tail = text.split("prompts:", 1)
    assert after.startswith(head.rstrip("\n")) and "prompts:" + tail in after
    assert load_library(out).prompt("stories-4") is not None  # the appended prompt is there


def test_deleted_theme_file_is_not_recreated(seeds, built):
    out = built
    (out / "resilience.yaml").unlink()
    report = build(seeds, out)
    assert not (out / "resilience.yaml").exists()
    assert ("resilience", "theme file removed by an admin, not recreated") in report.left_alone


def test_broken_prompt_files_stop_the_build_before_anything_is_written(seeds, built):
    out = built
    (out / "stories.yaml").write_text("id: stories\ntitle: [\n")
    (seeds / "005_new.txt").write_text(NEW_ESSAY)
    before = snapshot(out)
    with pytest.raises(InputError) as err:
        build(seeds, out)
    assert str(err.value.problems[0]).startswith(f"{out / 'stories.yaml'}:")
    assert snapshot(out) == before


def test_build_command_prints_what_it_added_kept_and_left_alone(seeds, tmp_path, capsys):
    out = tmp_path / "prompts"
    args = ["prompts", "build", "--seeds", str(seeds), "--out", str(out)]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "added      stories-1" in first and first.endswith("added 59, kept 0, left alone 0\n")
    edit(out / "voices.yaml", lambda d: d["prompts"][0].update(question="Whose voice is missing?"))
    assert main(args) == 0
    second = capsys.readouterr().out
    assert "left alone voices-1: edited by an admin" in second
    assert second.endswith("added 0, kept 58, left alone 1\n")
