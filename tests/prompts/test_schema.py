"""Broken prompt files are reported one problem per line as path:line: message."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import InputError
from bot.prompts.loader import load_library

GOOD = """\
id: food
title: Sharing food
prompts:
  - id: food-1
    question: What dish from home do you cook when you miss someone?
    followups: ["Who taught you?", "Who do you share it with?"]
    context: A quote.
  - id: food-2
    question: Which dish would you bring to a potluck here?
    followups: ["Why that one?"]
    context: Another quote.
    enabled: false
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(directory: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_library(directory)
    return [str(p) for p in err.value.problems]


def test_a_good_file_loads_into_the_library(tmp_path):
    write(tmp_path, "food.yaml", GOOD)
    write(tmp_path, "_overrides.yaml", "rename: {food: Food}\n")
    library = load_library(tmp_path)
    assert [t.id for t in library.themes] == ["food"]
    assert library.prompt("food-1").followups == ("Who taught you?", "Who do you share it with?")
    assert [p.id for p in library.enabled_prompts()] == ["food-1"]


def test_yaml_syntax_error_names_its_line(tmp_path):
    path = write(tmp_path, "food.yaml", GOOD.replace("context: A quote.", "context: [unclosed"))
    [problem] = problems(tmp_path)
    assert problem.startswith(f"{path}:7: YAML syntax error")  # where the [ is left open


def test_unknown_key_wrong_type_and_too_long_text_each_name_their_line(tmp_path):
    text = (
        GOOD.replace("    context: A quote.", "    context: A quote.\n    colour: red")
        .replace("enabled: false", "enabled: sometimes")
        .replace("Which dish would you bring to a potluck here?", "Why? " * 61)
    )
    path = write(tmp_path, "food.yaml", text)
    assert problems(tmp_path) == [
        f"{path}:8: unknown key 'colour' in a prompt "
        "(allowed: id, question, followups, context, source, enabled, status, sensitive, "
        "content_warning, poll)",
        f"{path}:10: question is 304 characters long (limit 300)",
        f"{path}:13: enabled must be true or false, not 'sometimes'",
    ]


def test_repeated_key_is_named_with_its_line_like_in_the_config(tmp_path):
    path = write(
        tmp_path,
        "food.yaml",
        GOOD.replace("    context: A quote.", "    context: A.\n    context: B."),
    )
    assert problems(tmp_path) == [f"{path}:8: duplicate key 'context' in a prompt"]


def test_empty_text_missing_keys_and_mentions_are_errors(tmp_path):
    text = GOOD.replace("context: A quote.", 'context: "  "').replace(
        "Who taught you?", "Ask @everyone"
    )
    path = write(tmp_path, "food.yaml", text.replace("title: Sharing food\n", ""))
    assert problems(tmp_path) == [
        f"{path}:1: missing key 'title'",
        f"{path}:5: follow-up must not mention @everyone, @here, roles or members",
        f"{path}:6: context is empty",
    ]


def test_duplicate_ids_across_files_point_at_both(tmp_path):
    write(tmp_path, "food.yaml", GOOD)
    other = write(tmp_path, "meals.yaml", GOOD.replace("id: food\n", "id: meals\n", 1))
    found = problems(tmp_path)
    assert found[0] == (
        f"{other}:4: duplicate prompt id 'food-1' (first at {tmp_path / 'food.yaml'}:4)"
    )
    assert len(found) == 2


def test_a_duplicate_id_shows_up_in_the_same_run_as_the_other_files_problems(tmp_path):
    stories = GOOD.replace("id: food\n", "id: stories\n", 1).replace("food-", "stories-")
    bridges = write(tmp_path, "bridges.yaml", stories.replace("id: stories\n", "id: bridges\n", 1))
    broken = write(tmp_path, "stories.yaml", stories.replace('"Who taught you?"', '""'))
    assert problems(tmp_path) == [
        f"{broken}:6: follow-up is empty",
        f"{broken}:4: duplicate prompt id 'stories-1' (first at {bridges}:4)",
        f"{broken}:8: duplicate prompt id 'stories-2' (first at {bridges}:8)",
    ]


def test_theme_id_must_match_file_name(tmp_path):
    path = write(tmp_path, "meals.yaml", GOOD)
    assert problems(tmp_path) == [f"{path}:1: theme id 'food' must match the file name meals.yaml"]


def test_validate_command_exit_codes_and_summary(tmp_path, capsys):
    write(tmp_path, "food.yaml", GOOD)
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) == 0
    assert "1 themes, 2 prompts, 1 enabled" in capsys.readouterr().out
    path = write(tmp_path, "bad.yaml", "id: bad\ntitle: Bad\nprompts: nope\n")
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"{path}:3: prompts must be a list\n"


def test_shipped_prompt_library_is_valid_and_facilitator_shaped():
    library = load_library(Path(__file__).resolve().parents[2] / "prompts")
    prompts = [p for t in library.themes for p in t.prompts]
    assert len(library.themes) == 19 and all(len(t.prompts) >= 3 for t in library.themes)
    for prompt in prompts:
        assert prompt.question.endswith("?") and len(prompt.question) <= 300
        assert len(prompt.followups) >= 2
        assert prompt.source in prompt.context
    assert len({p.question for p in prompts}) == len(prompts)


def test_sensitive_and_content_warning_are_read_and_checked_like_other_text(tmp_path):
    marked = GOOD.replace(
        "    context: A quote.\n",
        "    context: A quote.\n    sensitive: true\n    content_warning: grief\n",
    )
    write(tmp_path, "food.yaml", marked)
    prompt = load_library(tmp_path).prompt("food-1")
    assert (prompt.sensitive, prompt.content_warning) == (True, "grief")
    assert load_library(tmp_path).prompt("food-2").sensitive is False

    bad = marked.replace("sensitive: true", "sensitive: maybe").replace(
        "content_warning: grief", "content_warning: ask @here"
    )
    path = write(tmp_path, "food.yaml", bad)
    assert problems(tmp_path) == [
        f"{path}:8: sensitive must be true or false, not 'maybe'",
        f"{path}:9: content_warning must not mention @everyone, @here, roles or members",
    ]
    path = write(tmp_path, "food.yaml", marked.replace("grief", "x" * 101))
    assert problems(tmp_path) == [f"{path}:9: content_warning is 101 characters long (limit 100)"]
