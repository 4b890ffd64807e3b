"""Disclosure-safety warnings for prompt files (``prompts validate``).

A question can be valid and still push members to disclose what they may not want to: name
people in their private life, say whether or to whom they are out, reveal their family situation
or where they live. The rules are regular expressions in ``bot/data/disclosure_rules.yaml``;
admins add their own in ``prompts/_disclosure.yaml`` (same format). A question on a heavy
subject (``bot/data/heavy_topics.yaml``) that is not marked ``sensitive: true`` is warned about
too, since it would be posted without the care note.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InputError, Problem
from bot.prompts.schema import ThemeFile
from bot.prompts.yaml_nodes import Reader

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_RULES = DATA / "disclosure_rules.yaml"
HEAVY_TOPICS = DATA / "heavy_topics.yaml"
ADMIN_RULES = "_disclosure.yaml"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    message: str


def load_rules(path: Path) -> list[Rule]:
    """The rules of one file; InputError (``path:line: message``) for a bad file or pattern."""
    reader = Reader(path)
    text = reader.read(path)
    root = reader.compose(text) if text is not None else None
    rules: list[Rule] = []
    if root is not None:
        top = reader.mapping(root, "the rules file", ("rules",)) or {}
        for node in reader.sequence(top["rules"], "rules") if "rules" in top else []:
            fields = reader.mapping(node, "a rule", ("pattern", "message")) or {}
            if "pattern" not in fields or "message" not in fields:
                reader.problem(node, "a rule needs 'pattern' and 'message'")
                continue
            pattern = reader.text(fields["pattern"], "pattern", 1000)
            message = reader.text(fields["message"], "message", 300)
            if pattern is None or message is None:
                continue
            try:
                rules.append(Rule(re.compile(pattern, re.IGNORECASE), message))
            except re.error as exc:
                reader.problem(fields["pattern"], f"pattern is not a regular expression: {exc}")
    if reader.problems:
        raise InputError(reader.problems)
    return rules


def disclosure_rules(directory: Path) -> list[Rule]:
    """The shipped rules plus the admins' ``_disclosure.yaml`` in the prompt folder, if any."""
    rules = load_rules(DEFAULT_RULES)
    extra = Path(directory) / ADMIN_RULES
    return rules + (load_rules(extra) if extra.is_file() else [])


def disclosure_warnings(files: list[ThemeFile], rules: list[Rule]) -> list[Problem]:
    """One warning per prompt and rule it breaks, at the prompt's line."""
    from bot.prompts.generate import load_heavy_topics

    heavy = load_heavy_topics(HEAVY_TOPICS)
    warnings = []
    for file in files:
        for prompt in file.theme.prompts:
            line = file.id_lines.get(prompt.id)
            texts = [prompt.question, *prompt.followups]
            for rule in rules:
                if any(rule.pattern.search(t) for t in texts):
                    warnings.append(
                        Problem(str(file.path), line, _warning(prompt.id, rule.message))
                    )
            if not prompt.sensitive and any(p.search(prompt.question) for p in heavy):
                message = "touches a heavy subject but is not marked sensitive: true"
                warnings.append(Problem(str(file.path), line, _warning(prompt.id, message)))
    return warnings


def _warning(prompt_id: str, message: str) -> str:
    return f"warning: {prompt_id}: {message}"
