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
    opened = [n for n, line in enumerate(lines) if "bot opens the thread" in line]
    # #stories has its follow-ups at once; #discussion paces them: none before an answer.
    stories = [n for n in opened if "#stories" in lines[n]]
    assert stories and all("↳ thread     bot:" in lines[n + 1] for n in stories)
    mod_thread = next(n for n in opened if n > lines.index(next(x for x in lines if "/topic" in x)))
    first_answer = next(
        n for n in range(mod_thread, len(lines)) if re.search(r"↳ thread     (?!bot)\w+", lines[n])
    )
    assert not [x for x in lines[mod_thread:first_answer] if "↳ thread     bot:" in x]
    paced = [x for x in lines if "↳ thread     bot:" in x and "No answers here yet" not in x]
    assert len(paced) > len(stories) * 2  # and yet the conversation brought its follow-ups
    # Friday's #stories thread stays quiet for a day: one nudge, then a first answer.
    [nudge] = [n for n, line in enumerate(lines) if "bot: No answers here yet." in line]
    assert re.search(r"↳ thread     (?!bot)\w+", lines[nudge + 2])
    questions = [line.split("“")[1] for line in posts]
    assert len(set(questions)) == 11  # no question twice in the week

    # #discussion pins each new prompt, the moderator's too, and unpins the one before.
    pins = [n for n, line in enumerate(lines) if "bot pins the prompt" in line]
    assert len(pins) == 8 and all("#discussion" in lines[n] for n in pins)
    assert "unpins" not in lines[pins[0]] and all(
        "unpins the one before" in lines[n] for n in pins[1:]
    )
    assert all("bot opens the thread" in lines[n - 1] for n in pins)
    # A member asks for a starter in #lounge: public, with "Another one" only they may press.
    asked = lines.index(next(line for line in lines if "runs /starter" in line))
    offered = lines[asked + 1]
    assert "#lounge" in offered and "bot offers a starter: “" in offered
    assert "Hana presses “Another one”" in lines[asked + 2]
    assert "Only the member who asked for this starter" in lines[asked + 3]
    assert "Arjun presses “Another one”" in lines[asked + 4]
    assert "bot changes the starter in place: “" in lines[asked + 5]
    assert lines[asked + 5].split("“")[1] != offered.split("“")[1]
    assert "Hana runs /starter" in lines[asked + 6]
    assert "the next one can be asked for" in lines[asked + 7]
    assert "conversation starters: 1" in out
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
    assert re.search(r"Answers per post: [\d.]+ in paced channels \(8 post\(s\)\), [\d.]+ in", out)
    assert "Nudged threads: 1, 1 (100%) got a first answer after the nudge" in out
