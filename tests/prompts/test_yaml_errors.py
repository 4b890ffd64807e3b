"""A YAML syntax error is reported on the line an admin has to fix, not where the parser gave
up (an unclosed quote or bracket is only noticed at the end of the file)."""

import pytest

from bot.errors import InputError
from bot.prompts.loader import load_library
from tests.suggestion_world import write_prompts

LINES = {
    "unclosed quote": ("title: Joy", 'title: "Joy', 3),
    "unclosed bracket": ('followups: ["Who was there?"]', 'followups: ["Who was there?"', 9),
    "unclosed brace": ("sources: []", "sources: {", 4),
}


@pytest.mark.parametrize("case", LINES, ids=list(LINES))
def test_an_unclosed_quote_or_bracket_is_reported_where_it_opens(tmp_path, case):
    good, bad, line = LINES[case]
    folder = write_prompts(tmp_path)
    path = folder / "joy.yaml"
    text = path.read_text(encoding="utf-8")
    assert good in text
    path.write_text(text.replace(good, bad, 1) + "\n# notes\n# more notes\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_library(folder)
    [problem] = refused.value.problems
    assert (problem.path, problem.line) == (str(path), line), str(problem)
    assert "is not closed" in problem.message


def test_an_error_on_its_own_line_is_still_reported_there(tmp_path):
    folder = write_prompts(tmp_path)
    path = folder / "joy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Joy", "title: Joy: a: b"), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_library(folder)
    [problem] = refused.value.problems
    assert problem.line == 3 and problem.message.startswith("YAML syntax error: mapping values")
