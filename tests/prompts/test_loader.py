"""The running bot keeps its last good library while prompt files are broken."""

import os

from bot.prompts.loader import LibraryHolder

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
