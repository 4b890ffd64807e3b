"""Disclosure-safety warnings for prompt files (``prompts validate``).

A question can be valid and still push members to disclose what they may not want to: their
health, immigration status, money, a criminal record, sexuality, outness, religion where it may
put them at risk, where they live, or the names of people in their life. The check
(:mod:`bot.safety.disclosure`) reads what the question asks of the member, from
``bot/data/disclosure_rules.yaml``; admins add their own regular expressions in
``prompts/_disclosure.yaml``. A question on a heavy subject (``bot/data/heavy_topics.yaml``,
judged on the question and its follow-ups as a whole), or whose context tells of someone's own
hard time (a death, an eviction, a crisis), that is not marked ``sensitive: true`` is warned
about too, since it would be posted without the care note.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import Problem
from bot.prompts.model import Prompt
from bot.prompts.schema import ThemeFile
from bot.safety.disclosure import Checker, load_checker
from bot.safety.heavy import HeavyTopics, read_heavy_topics

NOT_MARKED = "touches a heavy subject ({}) but is not marked sensitive: true"


def disclosure_rules(directory: Path) -> Checker:
    """The shipped check plus the admins' ``_disclosure.yaml`` in the prompt folder, if any;
    InputError (``path:line: message``) for a broken file or a refused pattern."""
    return load_checker(directory)


def prompt_warnings(prompt: Prompt, checker: Checker, heavy: HeavyTopics) -> list[str]:
    """What ``validate --strict`` refuses in one prompt, as messages."""
    texts = [prompt.question, *prompt.followups]
    found = checker.messages(texts)
    subjects = tuple(dict.fromkeys([*heavy.subjects_of(*texts), *heavy.in_context(prompt.context)]))
    if subjects and not prompt.sensitive:
        found.append(NOT_MARKED.format(", ".join(subjects)))
    return found


def disclosure_warnings(
    files: list[ThemeFile], checker: Checker, heavy: HeavyTopics | None = None
) -> list[Problem]:
    """One warning per prompt and problem, at the prompt's line."""
    heavy = heavy or read_heavy_topics()
    warnings = []
    for file in files:
        for prompt in file.theme.prompts:
            line = file.id_lines.get(prompt.id)
            for message in prompt_warnings(prompt, checker, heavy):
                warnings.append(Problem(str(file.path), line, f"warning: {prompt.id}: {message}"))
    return warnings
