"""``prompts build`` writes only what its own ``validate --strict`` accepts, says how many drafts
pass every check, and a new community accepts or rejects drafts from the shell."""

import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.prompts.loader import load_library

DATA = Path(__file__).resolve().parents[1] / "data"
HEAVY = sorted((DATA / "heavy").iterdir())
ESSAYS = sorted((DATA / "essays").iterdir())


def build(tmp_path, essays, capsys):
    seeds, out = tmp_path / "seeds", tmp_path / "prompts"
    seeds.mkdir()
    for essay in essays:
        shutil.copy(essay, seeds / essay.name)
    assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 0
    return out, capsys.readouterr().out


@pytest.mark.parametrize("essay", HEAVY, ids=lambda p: p.name)
def test_a_fresh_build_of_a_heavy_essay_passes_its_own_strict_validation(tmp_path, essay, capsys):
    out, _ = build(tmp_path, [essay], capsys)
    library = load_library(out)
    assert main(["prompts", "validate", "--dir", str(out), "--strict"]) == 0, capsys.readouterr()
    prompts = [p for t in library.themes for p in t.prompts]
    assert prompts and any(p.sensitive for p in prompts)


def test_a_fresh_build_of_every_test_essay_together_passes_strict_validation(tmp_path, capsys):
    out, report = build(tmp_path, [*ESSAYS, *HEAVY], capsys)
    assert main(["prompts", "validate", "--dir", str(out), "--strict"]) == 0, capsys.readouterr()
    drafts = sum(p.is_draft for t in load_library(out).themes for p in t.prompts)
    assert f"{drafts} draft prompts await review; {drafts} pass every check" in report


def test_the_heavy_items_are_marked_and_the_light_one_is_not(tmp_path, capsys):
    out, _ = build(tmp_path, [DATA / "heavy" / "night-shelter.md"], capsys)
    library = load_library(out)
    by_source = {}
    for theme in library.themes:
        for prompt in theme.prompts:
            by_source.setdefault(theme.id, []).append(prompt.sensitive)
    heavy = [t for t, marks in by_source.items() if all(marks)]
    assert heavy, by_source


def test_the_report_counts_drafts_an_admin_edited_into_a_refused_question(tmp_path, capsys):
    out, _ = build(tmp_path, [DATA / "heavy" / "second-chances.md"], capsys)
    library = load_library(out)
    draft = next(p for t in library.themes for p in t.prompts if p.is_draft)
    path = out / f"{draft.theme_id}.yaml"
    text = path.read_text()
    edited = text.replace(draft.question[:30], "Have you ever been arrested?", 1)
    assert edited != text
    path.write_text(edited)
    seeds = tmp_path / "seeds"
    assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    total = sum(p.is_draft for t in load_library(out).themes for p in t.prompts)
    assert f"{total} draft prompts await review; {total - 1} pass every check" in report


def drafts_of(out):
    return [p for t in load_library(out).themes for p in t.prompts if p.is_draft]


def test_drafts_are_accepted_by_id_and_by_theme_keeping_the_admins_comments(tmp_path, capsys):
    out, _ = build(tmp_path, HEAVY, capsys)
    [first, second, *_] = drafts_of(out)
    path = out / f"{first.theme_id}.yaml"
    path.write_text(path.read_text().replace("prompts:\n", "prompts:  # reviewed on Sunday\n", 1))

    assert main(["prompts", "accept", first.id, second.id, "--dir", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"accepted {first.id}" in said and f"accepted {second.id}" in said
    library = load_library(out)
    assert library.prompt(first.id).may_post and library.prompt(second.id).may_post
    assert "# reviewed on Sunday" in path.read_text()
    assert "status: draft" not in yaml.safe_dump(
        next(p for p in yaml.safe_load(path.read_text())["prompts"] if p["id"] == first.id)
    )

    theme = next(t for t in library.themes if any(p.is_draft for p in t.prompts))
    assert main(["prompts", "accept", "--theme", theme.id, "--dir", str(out)]) == 0
    assert not any(p.is_draft for p in load_library(out).theme(theme.id).prompts)
    assert main(["prompts", "validate", "--dir", str(out), "--strict"]) == 0


def test_drafts_are_rejected_and_their_ids_never_come_back(tmp_path, capsys):
    out, _ = build(tmp_path, HEAVY, capsys)
    gone = drafts_of(out)[0]
    assert main(["prompts", "reject", gone.id, "--dir", str(out)]) == 0
    assert load_library(out).prompt(gone.id) is None
    assert gone.id in yaml.safe_load((out / "_state.yaml").read_text())["issued"]
    main(["prompts", "build", "--seeds", str(tmp_path / "seeds"), "--out", str(out)])
    assert load_library(out).prompt(gone.id) is None


def test_an_unknown_id_or_an_enabled_prompt_is_refused_and_nothing_changes(tmp_path, capsys):
    out, _ = build(tmp_path, HEAVY, capsys)
    before = {p.name: p.read_text() for p in out.glob("*.yaml")}
    draft = drafts_of(out)[0]
    assert main(["prompts", "accept", draft.id, "no-such-1", "--dir", str(out)]) == 1
    assert "no prompt has id 'no-such-1'" in capsys.readouterr().err
    assert {p.name: p.read_text() for p in out.glob("*.yaml")} == before
    assert main(["prompts", "accept", "--dir", str(out)]) == 1
    assert main(["prompts", "reject", "--theme", "nope", "--dir", str(out)]) == 1


def test_a_heavy_subject_in_a_quoted_title_is_marked_sensitive(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "night.md").write_text(
        "# Notes from the night shift\n\n"
        "1. **My brother died the week I started here.** The team swapped shifts so I could"
        " travel home. Nobody asked for anything back.\n"
        "2. **Ask before you help.** New volunteers want to fix things quickly. The people who"
        " trusted us most were the ones we asked first what they wanted.\n"
        "3. **Small steps add up.** A tidy cupboard and a clear handover note made every night"
        " calmer for the next person.\n"
    )
    out = tmp_path / "prompts"
    assert main(["prompts", "build", "--seeds", str(seeds), "--out", str(out)]) == 0
    prompts = [p for t in load_library(out).themes for p in t.prompts]
    quoting = [p for p in prompts if "died" in p.question]
    assert quoting and all(p.sensitive for p in quoting)
    assert main(["prompts", "validate", "--dir", str(out), "--strict"]) == 0


def test_the_build_marks_a_generated_question_by_its_own_words_and_drops_a_disclosing_one(
    tmp_path,
):
    from bot.prompts.build import Checks
    from bot.prompts.generate import Draft

    checks = Checks.load(tmp_path)
    quoted = Draft("q1", "“After the eviction we slept in the car.” What helps?", ("Why?",),
                   "", "An essay", "e.md#1")  # fmt: skip
    assert checks.fit(quoted).sensitive
    asking = Draft("q2", "Have you ever been evicted?", (), "", "An essay", "e.md#1")
    assert checks.fit(asking) is None
    light = Draft("q3", "What helps you with stage fright?", (), "", "An essay", "e.md#1")
    assert checks.fit(light) == light


def test_a_full_disk_during_accept_is_one_clear_message_and_the_file_is_untouched(
    tmp_path, capsys, monkeypatch
):
    import errno

    out, _ = build(tmp_path, HEAVY, capsys)
    draft = drafts_of(out)[0]
    path = out / f"{draft.theme_id}.yaml"
    before = path.read_text()
    original = Path.write_text

    def full(self, data, *args, **kwargs):  # the first bytes land, then the disk is full
        if out.resolve() in Path(self).resolve().parents:
            original(self, data[:10], *args, **kwargs)
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["prompts", "accept", draft.id, "--dir", str(out)]) == 1
    assert f"{path}: not written: no space left on device" in capsys.readouterr().err
    monkeypatch.undo()
    assert path.read_text() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_build_with_nothing_enabled_says_so(tmp_path, capsys):
    out, report = build(tmp_path, [DATA / "heavy" / "night-shelter.md"], capsys)
    enabled = [p for t in load_library(out).themes for p in t.prompts if p.enabled]
    assert not enabled
    assert "No prompt is enabled yet" in report and "prompts accept" in report
