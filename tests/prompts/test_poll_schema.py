"""``poll`` on a prompt: read into the library, and every limit Discord sets checked by
``prompts validate`` with the file and line."""

from bot.cli import main
from bot.prompts.loader import LibraryHolder
from bot.prompts.model import Poll

GOOD = """\
id: food
title: Sharing food
prompts:
  - id: food-1
    question: Which of these do you cook when you miss home?
    followups: []
    context: A quote.
    poll:
      answers: [Rice, Noodles]
  - id: food-2
    question: What do you bring to a potluck?
    followups: []
    context: A quote.
    poll: {answers: [Rice, Noodles, Dumplings], multiselect: true, hours: 768}
"""

BAD = """\
id: food
title: Sharing food
prompts:
  - id: food-1
    question: Which of these do you cook when you miss home?
    followups: []
    context: A quote.
    poll:
      answers: [Only one]
      hours: 769
  - id: food-2
    question: What do you bring to a potluck?
    followups: []
    context: A quote.
    poll:
      answers:
        - Rice
        - A dish with a name far longer than fifty-five characters, sadly
      multiselect: often
      colour: blue
  - id: food-3
    question: What did your family never talk about at dinner?
    followups: []
    context: A quote.
    content_warning: family silence
    poll: {answers: [Always, Never], hours: 0}
  - id: food-4
    question: Who in your family would you tell first?
    followups: []
    context: A quote.
    content_warning: family
    poll: {answers: ["Yes", "No"]}
"""


def test_polls_are_read_with_their_defaults(tmp_path):
    (tmp_path / "food.yaml").write_text(GOOD)
    holder = LibraryHolder(tmp_path)
    assert holder.reload() == []
    first, second = holder.library.themes[0].prompts
    assert first.poll == Poll(("Rice", "Noodles"), False, 24)
    assert second.poll == Poll(("Rice", "Noodles", "Dumplings"), True, 768)


def test_validate_names_each_poll_problem_with_its_line(tmp_path, capsys):
    (tmp_path / "food.yaml").write_text(BAD)
    assert main(["prompts", "validate", "--dir", str(tmp_path)]) == 1
    path = tmp_path / "food.yaml"
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(path))]
    assert [line[len(str(path)) :] for line in lines] == [
        ":9: a poll has 2 to 10 answers, not 1",
        ":10: a poll is open for 1 to 768 hours (32 days)",
        ":18: poll answer is 63 characters long (limit 55)",
        ":19: multiselect must be true or false, not 'often'",
        ":20: unknown key 'colour' in poll (allowed: answers, multiselect, hours)",
        ":26: a poll is open for 1 to 768 hours (32 days)",
        ":26: a prompt with a content_warning cannot be a poll: the poll shows its question openly",
        ":32: a prompt with a content_warning cannot be a poll: the poll shows its question openly",
    ]
