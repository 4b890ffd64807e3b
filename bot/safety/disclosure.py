"""Questions that ask members for private facts, and the admins' own rules.

The shipped check reads what a question asks *of the member*: a private fact (health, immigration
status, money, a criminal record, sexuality and gender, outness, religion where it may put them
at risk, where they live, the names of people in their life) attached to "you" or "your"
(``bot/data/disclosure_rules.yaml``, ``asks:``). Its ``rules:`` and the admins'
``prompts/_disclosure.yaml`` add regular expressions, matched with a time limit
(:mod:`bot.safety.patterns`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import regex
from yaml.nodes import Node

from bot.errors import InputError
from bot.safety.cues import alternation, normalised
from bot.safety.patterns import PatternRefused, TimedOut, compile_rule, search
from bot.yaml_nodes import NodeReader

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "disclosure_rules.yaml"
ADMIN_RULES = "_disclosure.yaml"

# Words naming someone else: a fact after them is not asked of the member.
_OTHERS = (
    r"who|whom|whose|someone|somebody|anyone|anybody|everyone|people|person|others|other"
    r"|friend|friends|they|them|he|she|him|her|his|their|member|members|family|parents?"
    r"|relatives?|partner|colleagues?|coworkers?|kids?|children|child|mum|mom|dad|mother"
    r"|father|brother|sister|grandparents?|grandmother|grandfather|son|daughter"
)
# Words that make a fact a topic rather than the member's own: "think about a record".
_TOPIC = r"about|of|regarding|around|towards?|on|concerning"
_WORD = rf"(?!(?:{_OTHERS}|{_TOPIC})(?![\w'-]))[\w'-]+"
_OWN = rf"(?!(?:{_TOPIC})(?![\w'-]))[\w'-]+"  # "your current visa", not "your view of visas"
_ASKING = r"(?<![\w'])(?:what|which|how\s+much|how\s+many|whose)"
_AS_IS = (
    r"still|openly|already|now|currently|really|actually|fully|ever|not|also|publicly"
    r"|secretly|yet|totally|completely|even|maybe|both|out|a|an"
)
_AUX = r"are|do|did|does|have|has|were|was|is|had"
_QUOTED = re.compile(r"[“\"«「『]([^”\"»」』]{3,})[”\"»」』]")
_SECOND = re.compile(r"(?<![\w'])(?:you|your|yours|yourself|you're|you've|you'd|you'll)(?![\w'])")


@dataclass(frozen=True)
class Fact:
    """One kind of private fact and how a question asks a member for it."""

    about: str
    message: str
    patterns: tuple[re.Pattern, ...]
    when: re.Pattern | None = None  # required beside the ``gated`` patterns
    gated: tuple[re.Pattern, ...] = ()
    quoted: tuple[re.Pattern, ...] = ()  # the author's own fact, in a quote


@dataclass(frozen=True)
class Rule:
    """An admin's (or the shipped) regular expression and where it was written."""

    pattern: regex.Pattern
    message: str
    where: str  # path:line


@dataclass(frozen=True)
class Checker:
    """The private facts and the regular-expression rules, checked together."""

    facts: tuple[Fact, ...] = ()
    rules: tuple[Rule, ...] = ()

    def messages(self, texts: tuple[str, ...] | list[str]) -> list[str]:
        """What the question and follow-ups ask that they should not, one message each.
        A rule that runs out of time says so instead of holding everything up."""
        found: list[str] = []
        for fact in self.facts:
            if any(_asks(fact, t) for t in texts):
                found.append(fact.message)
        for rule in self.rules:
            try:
                hit = any(search(rule.pattern, t) for t in texts)
            except TimedOut:
                log.warning("disclosure rule at %s stopped after its time limit", rule.where)
                found.append(f"the rule at {rule.where} took too long and was stopped")
                continue
            if hit and rule.message not in found:
                found.append(rule.message)
        return found


def _asks(fact: Fact, question: str) -> bool:
    text = normalised(question)
    quotes = [m.group(1) for m in _QUOTED.finditer(text)]
    own = _QUOTED.sub(" ", text)
    if any(p.search(own) for p in fact.patterns):
        return True
    gated = fact.when is not None and fact.when.search(own)
    if gated and any(p.search(own) for p in fact.gated):
        return True
    if fact.quoted and quotes and _SECOND.search(own):
        return any(p.search(q) for p in fact.quoted for q in quotes)
    return False


def _compile(your: list[str], you: list[str], close: list[str], phrases: list[str]) -> list[str]:
    """The patterns asking the member for one fact: "your <thing>", "what <thing> are you…",
    "you … <what they are or did>", "are you <close>", and phrases that ask it outright."""
    out = []
    if your:
        things = alternation(your)
        out.append(rf"(?<![\w'])(?:your|ur)(?:\s+{_OWN}){{0,2}}?\s+{things}")
        out.append(
            rf"{_ASKING}(?:\s+[\w'-]+){{0,2}}?\s+{things}(?:\s+{_WORD}){{0,2}}?"
            rf"\s+(?:{_AUX})\s+you(?![\w'])"
        )
        out.append(  # "which antidepressant works best for you"
            rf"{_ASKING}(?:\s+(?!(?:{_AUX})\s)[\w'-]+)?\s+{things}(?:\s+{_WORD}){{0,4}}?"
            rf"\s+(?:for|to)\s+you(?![\w'])"
        )
        out.append(  # "do you have any convictions", "have you got a visa"
            rf"(?<![\w'])(?:you|you've)(?:\s+(?:ever|still|now|currently|already))?\s+"
            rf"(?:have|had|got|carry|carried|hold|held|take|took|taking|use|used|need|needed)"
            rf"(?:\s+{_OWN}){{0,2}}?\s+{things}"
        )
    if you:
        out.append(
            rf"(?<![\w'])(?:you|you're|you've|you'd)(?:\s+{_WORD}){{0,5}}?\s+{alternation(you)}"
        )
    if close:
        out.append(
            r"(?<![\w'])(?:(?:are|were)\s+you|you're|you\s+are|you\s+were|you've\s+been"
            r"|have\s+you\s+been|(?:consider|call|describe|see)\s+yourself(?:\s+as)?"
            rf"|identify\s+as)(?:\s+(?:{_AS_IS})){{0,3}}\s+{alternation(close)}"
        )
    if phrases:
        out.append(alternation(phrases))
    return out


def _first_person(your: list[str], you: list[str]) -> list[re.Pattern]:
    """The same facts said of oneself ("I was diagnosed", "my visa"), for quotes."""
    out = []
    if your:
        out.append(rf"(?<![\w'])(?:my|our)(?:\s+{_OWN}){{0,2}}?\s+{alternation(your)}")
    if you:
        subject = r"i|i'm|i've|i'd|we|we're|we've"
        out.append(rf"(?<![\w'])(?:{subject})(?:\s+{_WORD}){{0,5}}?\s+{alternation(you)}")
    return [re.compile(p) for p in out]


def load_checker(directory: Path | None = None, shipped: Path = SHIPPED) -> Checker:
    """The shipped facts and rules, plus the admins' ``_disclosure.yaml`` in ``directory``.

    InputError (``path:line: message``) for a broken file or a refused pattern."""
    facts, rules = _read(shipped)
    extra = Path(directory) / ADMIN_RULES if directory is not None else None
    if extra is not None and extra.is_file():
        more_facts, more_rules = _read(extra)
        facts, rules = facts + more_facts, rules + more_rules
    return Checker(tuple(facts), tuple(rules))


def _read(path: Path) -> tuple[list[Fact], list[Rule]]:
    reader = NodeReader(path)
    text = reader.read(path)
    root = reader.compose(text) if text is not None else None
    facts: list[Fact] = []
    rules: list[Rule] = []
    if root is not None:
        top = reader.mapping(root, "the rules file", ("asks", "rules")) or {}
        for node in reader.items(top.get("rules"), "rules"):
            rule = _rule(reader, node)
            if rule is not None:
                rules.append(rule)
        for node in reader.items(top.get("asks"), "asks"):
            fact = _fact(reader, node)
            if fact is not None:
                facts.append(fact)
    if reader.problems:
        raise InputError(reader.problems)
    return facts, rules


def _rule(reader: NodeReader, node: Node) -> Rule | None:
    fields = reader.mapping(node, "a rule", ("pattern", "message")) or {}
    if "pattern" not in fields or "message" not in fields:
        reader.problem(node, "a rule needs 'pattern' and 'message'")
        return None
    pattern = _text(reader, fields["pattern"], "pattern", 1000)
    message = _text(reader, fields["message"], "message", 300)
    if pattern is None or message is None:
        return None
    try:
        compiled = compile_rule(pattern)
    except PatternRefused as exc:
        reader.problem(fields["pattern"], str(exc))
        return None
    line = fields["pattern"].start_mark.line + 1
    return Rule(compiled, message, f"{Path(reader.path).name}:{line}")


FACT_KEYS = ("about", "message", "your", "you", "close", "phrases", "when", "quoted")


def _fact(reader: NodeReader, node: Node) -> Fact | None:
    fields = reader.mapping(node, "a private fact", FACT_KEYS) or {}
    about = _text(reader, fields["about"], "about", 100) if "about" in fields else None
    message = _text(reader, fields["message"], "message", 300) if "message" in fields else None
    if about is None or message is None:
        if "about" not in fields or "message" not in fields:
            reader.problem(node, "a private fact needs 'about' and 'message'")
        return None
    lists = {k: _words(reader, fields.get(k), k) for k in ("your", "you", "close", "phrases")}
    when = _words(reader, fields.get("when"), "when")
    quoted = reader.scalar(fields["quoted"]) if "quoted" in fields else False
    if not isinstance(quoted, bool):
        reader.problem(fields["quoted"], "quoted must be true or false")
        quoted = False
    your = lists["your"]
    if when:  # "your faith" or "do you pray" alone is no risk; "what faith are you" asks
        patterns = _compile([], [], lists["close"], lists["phrases"])
        gated = _compile(your, lists["you"], [], [])
    else:
        patterns = _compile(your, lists["you"], lists["close"], lists["phrases"])
        gated = []
    return Fact(
        about,
        message,
        tuple(re.compile(p) for p in patterns),
        re.compile(alternation(when)) if when else None,
        tuple(re.compile(p) for p in gated),
        tuple(_first_person(your, lists["you"])) if quoted else (),
    )


def _text(reader: NodeReader, node: Node, what: str, limit: int) -> str | None:
    value = reader.scalar(node)
    if not isinstance(value, str) or not value.strip():
        reader.problem(node, f"{what} must be text")
        return None
    if len(value) > limit:
        reader.problem(node, f"{what} is {len(value)} characters long (limit {limit})")
        return None
    return value


def _words(reader: NodeReader, node: Node | None, what: str) -> list[str]:
    words = []
    for entry in reader.items(node, what):
        value = reader.scalar(entry)
        if not isinstance(value, str) or not re.fullmatch(r"[\w'& -]+\*?", value.strip()):
            reader.problem(entry, f"{what}: {value!r} must be words, with * only at the end")
        else:
            words.append(value)
    return words
