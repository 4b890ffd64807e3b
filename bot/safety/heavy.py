"""Heavy subjects, judged on what a whole text is about rather than on one word in it.

``bot/data/heavy_topics.yaml`` lists, per subject, *strong* cues (a word or phrase that alone
says the text is about it: "evicted", "self-harm", "in hospital") and *weak* ones (words that
also appear in light texts: "rent", "hospital", "shelter"). A text is on a subject when it holds
one strong cue or two different weak ones of that subject, in any inflection and for any person
("end my life" also finds "tried to end his life"; :class:`bot.safety.cues.CueSet`); phrases
under ``never`` ("dying to", "technical debt") are read as no cue at all. So "the choir raises
money" or "the hospital rota" is light, while "behind on rent and the bills pile up" is about
debt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from bot.errors import InputError
from bot.safety.cues import CueSet, alternation, normalised
from bot.yaml_nodes import NodeReader

if TYPE_CHECKING:
    from yaml.nodes import Node

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "heavy_topics.yaml"
CUE_MAX = 80
_PERSONAL = re.compile(
    r"(?i)\b(?:i|i'm|i’m|i've|i’ve|me|my|we|our|us|he|she|him|her|his|hers|they told|"
    r"(?:a|my|our|one) (?:friend|neighbour|neighbor|colleague|member|volunteer|lodger|guest))\b"
)


_SOMEONE = re.compile(
    r"(?i)\b(?:people|someone|somebody|members?|guests?|friends?|neighbou?rs?|tenants?|families|"
    r"parents|a few|one of us|some of us|many of us|several of us|colleagues?|relatives?|"
    r"volunteers?|regulars?|newcomers?|students?|caller|callers)\b"
)
_CLAUSE = re.compile(r"[;:]|,\s+(?=(?:and|but|so|yet|while)\b)|[.!?]\s+")
_ATTRIBUTION = re.compile(r"\s*\(from [“\"][^”\"]*[”\"]\)\s*$")


@dataclass(frozen=True)
class Subject:
    name: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]


@dataclass(frozen=True)
class HeavyTopics:
    subjects: tuple[Subject, ...] = ()
    never: re.Pattern | None = None
    cues: CueSet = field(default_factory=lambda: CueSet(()))

    def subjects_of(self, *texts: str | None) -> tuple[str, ...]:
        """The heavy subjects the texts (read as one) are about, in the list's order."""
        found = self._found(texts, stop=False)
        return tuple(s.name for s in self.subjects if s.name in found)

    def happening(self, *lines: str | None) -> tuple[str, ...]:
        """The heavy subjects the lines tell of as happening to someone: a strong cue ("was
        evicted", "died", "asked to leave home") in a line about a person or people. A genre
        ("novels that end in a funeral"), a metaphor ("a bill I owed") or an everyday word
        ("drinks", "exhausted") is no warning."""
        found: list[str] = []
        clauses = [c for line in lines for c in _CLAUSE.split(_ATTRIBUTION.sub("", line or ""))]
        for clause in clauses:  # the hard thing and the person in one clause
            if not (_PERSONAL.search(clause) or _SOMEONE.search(clause)):
                continue
            strong = self._found((clause,), stop=False, strong_only=True)
            found += [s.name for s in self.subjects if s.name in strong and s.name not in found]
        return tuple(found)

    def in_context(self, context: str | None) -> tuple[str, ...]:
        """The heavy subjects a prompt's context (a line of the essay shown under the question)
        tells of someone's own life ("I lost my flat that winter", "his mother died"). A line on
        a heavy subject in general terms ("members can meet without fear of harassment") is
        what many of these essays discuss and needs no care note of its own; a person's crisis
        always does, and so does any line on suicide or self-harm."""
        context = _ATTRIBUTION.sub(
            "", context or ""
        )  # "(from “Low mood and grief”)" tells no one's story
        found = self.subjects_of(context)
        if not found:
            return ()
        if _PERSONAL.search(context or "") or "self-harm and suicide" in found:
            return found
        return ()

    def touches(self, *texts: str | None) -> bool:
        """Whether the texts (read as one) are about any heavy subject."""
        return bool(self._found(texts, stop=True))

    def _found(
        self, texts: tuple[str | None, ...], *, stop: bool, strong_only: bool = False
    ) -> set[str]:
        """The subjects found (with ``stop``, only the first one)."""
        text = normalised(" \n ".join(t for t in texts if t))
        if self.never is not None:
            text = self.never.sub(" ", text)
        found: set[str] = set()
        weak: dict[str, set[str]] = {}
        for label, cue in self.cues.found(text):
            name, strong = cast(tuple[str, bool], label)  # what _subjects labelled each cue with
            if name in found:
                continue
            seen = weak.setdefault(name, set())
            seen.add(cue)
            if strong or (len(seen) >= 2 and not strong_only):
                found.add(name)
                if stop:
                    break
        return found


def read_heavy_topics(path: Path | None = None) -> HeavyTopics:
    """The subjects of the file (the shipped list by default); InputError
    (``path:line: message``) for a badly edited one."""
    path = path or SHIPPED
    reader = NodeReader(path)
    text = reader.read(path)
    root = reader.compose(text) if text is not None else None
    subjects: list[Subject] = []
    never: list[str] = []
    if root is None and not reader.problems:
        reader.problem(None, "the file is empty; it needs `topics:`")
    if root is not None:
        top = reader.mapping(root, "the heavy-topics file", ("topics", "never")) or {}
        if "topics" not in top:
            reader.problem(root, "the file needs `topics:` (subject: {strong: [...], weak: [...]})")
        else:
            subjects = _subjects(reader, top["topics"])
        if "never" in top:
            never = _cues(reader, top["never"], "never")
    if reader.problems:
        raise InputError(reader.problems)
    pattern = re.compile(alternation(never)) if never else None
    labelled = [(c, (s.name, True)) for s in subjects for c in s.strong]
    labelled += [(c, (s.name, False)) for s in subjects for c in s.weak]
    return HeavyTopics(tuple(subjects), pattern, CueSet(labelled))


def _subjects(reader: NodeReader, node: Node | None) -> list[Subject]:
    fields = reader.mapping(node, "topics", tuple(_keys(node))) if node is not None else None
    subjects = []
    for name, value in (fields or {}).items():
        what = f"topic {name!r}"
        parts = reader.mapping(value, what, ("strong", "weak")) or {}
        strong = _cues(reader, parts["strong"], f"{what} strong") if "strong" in parts else []
        weak = _cues(reader, parts["weak"], f"{what} weak") if "weak" in parts else []
        if not strong and not weak and parts is not None and not reader.problems:
            reader.problem(value, f"{what} needs `strong:` or `weak:` words")
        subjects.append(Subject(name, tuple(strong), tuple(weak)))
    return subjects


def _keys(node: object) -> list[str]:
    """Every text key of a mapping node (the subjects are the admins' own names)."""
    from yaml.nodes import MappingNode, ScalarNode

    if not isinstance(node, MappingNode):
        return []
    return [k.value for k, _ in node.value if isinstance(k, ScalarNode)]


def _cues(reader: NodeReader, node: Node, what: str) -> list[str]:
    cues = []
    for entry in reader.sequence(node, what):
        value = reader.scalar(entry)
        if not isinstance(value, str) or not value.strip():
            reader.problem(entry, f"{what}: each entry must be a word or phrase, not {value!r}")
        elif len(value) > CUE_MAX or not re.fullmatch(r"[\w' -]+\*?", value.strip()):
            reader.problem(
                entry, f"{what}: {value!r} must be words (letters, ' and -), with * only at the end"
            )
        else:
            cues.append(value)
    return cues
