"""The running bot keeps its last good library while prompt files are broken."""

import os

import pytest

from bot.errors import InputError
from bot.prompts.loader import LibraryHolder, load_library

FILE = """\
id: food
title: Sharing food
prompts:
  - id: food-1
    question: "{question}"
    followups: ["Who taught you?", "Who do you share it with?"]
    context: A quote.
"""


def write(path, question, mtime=None):
    path.write_text(FILE.format(question=question), encoding="utf-8")
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))


def test_reload_swaps_in_good_files_and_keeps_the_last_good_library_on_errors(tmp_path):
    path = tmp_path / "food.yaml"
    write(path, "What dish do you cook when you miss home?", mtime=1_000_000_000)
    holder = LibraryHolder(tmp_path)
    assert holder.changed()
    assert holder.reload() == []
    assert not holder.changed()
    first = holder.library.prompt("food-1").question

    path.write_text(FILE.replace("prompts:", "prompts: [").format(question="x"), encoding="utf-8")
    assert holder.changed()
    problems = holder.reload()
    assert problems and str(problems[0]).startswith(f"{path}:")
    assert holder.library.prompt("food-1").question == first
    assert not holder.changed()

    write(path, "Which dish would you bring to a potluck?", mtime=2_000_000_000)
    assert holder.changed()
    assert holder.reload() == []
    assert holder.library.prompt("food-1").question == "Which dish would you bring to a potluck?"


def test_new_and_removed_files_count_as_changes_but_underscore_files_do_not(tmp_path):
    holder = LibraryHolder(tmp_path)
    holder.reload()
    (tmp_path / "_overrides.yaml").write_text("rename: {}\n")
    assert not holder.changed()
    write(tmp_path / "food.yaml", "What dish do you cook when you miss home?")
    assert holder.changed()
    holder.reload()
    (tmp_path / "food.yaml").unlink()
    assert holder.changed()
    [problem] = holder.reload()  # an emptied folder is a mistake: nothing left to post
    assert str(problem) == f"{tmp_path}: no prompt files; run `python -m bot prompts build`"
    assert [t.id for t in holder.library.themes] == ["food"]


def big_prompt_file(path, size: int) -> None:
    """A valid prompt file of at least ``size`` bytes (about 250 bytes per prompt)."""
    lines = ["id: food", "title: Sharing food", "prompts:"]
    n, written = 0, 0
    while written < size:
        n += 1
        written += sum(len(line) + 1 for line in lines[-4:])
        lines += [
            f"  - id: food-{n}",
            f"    question: What dish number {n} do you cook when you miss home?",
            "    followups: [Who taught you?, Who do you share it with?]",
            "    context: A quote from an essay about cooking for other people, kept short.",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_prompt_file_over_the_size_limit_is_named_and_the_last_good_library_stays(tmp_path):
    from bot.yaml_nodes import MAX_FILE_BYTES

    path = tmp_path / "food.yaml"
    write(path, "What dish do you cook when you miss home?")
    holder = LibraryHolder(tmp_path)
    assert holder.reload() == []
    big_prompt_file(path, MAX_FILE_BYTES + 1)
    size = path.stat().st_size
    [problem] = holder.reload()
    assert str(problem) == f"{path}: too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})"
    assert len(holder.library.themes[0].prompts) == 1


@pytest.mark.slow  # parses a whole 1 MiB file
def test_a_prompt_file_just_under_the_limit_loads(tmp_path):
    from bot.yaml_nodes import MAX_FILE_BYTES

    big_prompt_file(tmp_path / "food.yaml", MAX_FILE_BYTES - 2000)
    holder = LibraryHolder(tmp_path)
    assert holder.reload() == []
    assert len(holder.library.themes[0].prompts) > 4000


@pytest.mark.slow  # writes an 11 MiB file
def test_validate_names_a_file_over_the_limit(tmp_path, capsys):
    from bot.cli import main
    from bot.yaml_nodes import MAX_FILE_BYTES

    big_prompt_file(tmp_path / "food.yaml", 11 * MAX_FILE_BYTES)
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'food.yaml'}: too large (")


async def test_prepare_parses_ahead_and_an_edit_meanwhile_is_read_on_the_next_pass(tmp_path):
    path = tmp_path / "food.yaml"
    write(path, "What dish do you cook when you miss home?", mtime=1_000_000_000)
    holder = LibraryHolder(tmp_path)
    assert holder.reload() == []
    write(path, "Who taught you to cook?", mtime=2_000_000_000)
    await holder.prepare()
    write(path, "Which smell takes you home?", mtime=3_000_000_000)  # after the parse
    assert holder.reload() == []
    assert holder.library.prompt("food-1").question == "Who taught you to cook?"
    assert holder.changed()  # the later edit is still to be read
    await holder.prepare()
    assert holder.reload() == [] and not holder.changed()
    assert holder.library.prompt("food-1").question == "Which smell takes you home?"


async def test_prepare_reads_nothing_when_no_file_changed(tmp_path, monkeypatch):
    from bot.prompts import loader

    write(tmp_path / "food.yaml", "What dish do you cook when you miss home?")
    holder = LibraryHolder(tmp_path)
    assert holder.reload() == []
    reads = []
    monkeypatch.setattr(loader, "load_library", lambda d: reads.append(d))
    await holder.prepare()
    assert reads == [] and not holder.changed()


def test_two_files_for_one_theme_are_refused_naming_both(tmp_path):
    write(tmp_path / "food.yaml", "What dish do you cook when you miss home?")
    (tmp_path / "food.yml").write_text(
        FILE.replace("food-1", "food-2").format(question="Who taught you to cook?"),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        load_library(tmp_path)
    assert [str(p) for p in refused.value.problems] == [
        f"{tmp_path / 'food.yml'}:1: theme id 'food' is also kept in {tmp_path / 'food.yaml'};"
        " keep one file per theme"
    ]
