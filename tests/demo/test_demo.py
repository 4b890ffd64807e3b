"""``python -m bot demo``: the real bot against the shipped local server, a simulated week."""

from __future__ import annotations

import re

import pytest

from bot.cli import main

pytestmark = pytest.mark.slow  # a few seconds: the bot runs a whole week


def test_demo_runs_a_week_and_its_report_counts_what_members_did(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()

    posts = [line for line in lines if "bot posts the prompt" in line]
    assert len(posts) == 11  # 7 evenings in #discussion, 3 middays in #stories, 1 moderator's
    assert len([line for line in lines if "bot opens the thread" in line]) == 11
    assert len([line for line in lines if "↳ thread     bot:" in line]) == 22  # 2 follow-ups each
    questions = [line.split("“")[1] for line in posts]
    assert len(set(questions)) == 11  # no question twice in the week

    moderator = lines.index(next(line for line in lines if "runs /topic post" in line))
    assert "Posted `" in "\n".join(lines[moderator : moderator + 10])
    opt_out = next(n for n, line in enumerate(lines) if "runs /participation opt-out" in line)
    assert "nothing more is recorded" in lines[opt_out + 1]
    ignored = [line for line in lines[opt_out:] if "(opted out: not recorded)" in line]
    assert ignored  # the member kept talking after opting out

    answered = len([line for line in lines if re.search(r"↳ thread     (?!bot)\w+", line)])
    reacted = len([line for line in lines if "reacts" in line])
    shown = re.search(r"members gave (\d+) answers and (\d+) reactions", out)
    assert shown and int(shown[1]) + int(shown[2]) == answered + reacted - len(ignored)
    report = re.search(r"Answers: (\d+), reactions: (\d+), prompts posted: (\d+)", out)
    assert report, out
    assert (int(report[1]), int(report[2]), int(report[3])) == (int(shown[1]), int(shown[2]), 11)
    assert re.search(r"Last 7 day\(s\): 12 active members", out)
