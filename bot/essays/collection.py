"""``seeds/_collection.yaml``: what the essays are, who the prompts made from them are for.

Every key is optional::

    title: Cultural exchange among Asian LGBTQ+ communities
    audience: Asian LGBTQ+       # who the prompts are for; omit it and every question is
                                 # audience-neutral (bank questions that name an audience are
                                 # used only when this names the same one)
    subject: cultural exchange   # what the essays are about, as it reads mid-sentence
    essays:
      000_b66c1c57bbe23d61.txt:
        title: Sharing stories, building bridges   # shown in posts instead of the file name
        link: https://example.org/essays/1         # optional
        subject: cultural exchange                 # optional, overrides the collection's

Without the file, an essay's title is its first ``# heading`` or its file name made readable,
and its subject is found from that title or its introduction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode

from bot.errors import InputError
from bot.yaml_nodes import Reader

COLLECTION_FILE = "_collection.yaml"
_TOP_KEYS = ("title", "audience", "subject", "essays")
_ESSAY_KEYS = ("title", "link", "subject")


@dataclass(frozen=True)
class EssayInfo:
    title: str | None = None
    link: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class Collection:
    title: str | None = None
    audience: str | None = None
    subject: str | None = None
    essays: dict[str, EssayInfo] = field(default_factory=dict)

    def essay(self, name: str) -> EssayInfo:
        return self.essays.get(name, EssayInfo())


def load_collection(seeds: Path) -> Collection:
    """The declaration beside the essays, or an empty one; InputError with lines when invalid."""
    path = Path(seeds) / COLLECTION_FILE
    if not path.is_file():
        return Collection()
    reader = Reader(path)
    text = reader.read(path)
    root = reader.compose(text) if text is not None else None
    if root is None:
        if reader.problems:
            raise InputError(reader.problems)
        return Collection()
    top = reader.mapping(root, "the collection file", _TOP_KEYS) or {}
    values = {k: reader.text(top[k], k, 300) for k in ("title", "audience", "subject") if k in top}
    essays: dict[str, EssayInfo] = {}
    node = top.get("essays")
    if node is not None and not isinstance(node, MappingNode):
        reader.problem(node, "essays must map essay file names to their title and link")
    elif node is not None:
        for key_node, value_node in node.value:
            name = reader.text(key_node, "essay file name", 255)
            fields = reader.mapping(value_node, f"essay {name}", _ESSAY_KEYS) or {}
            info = {k: reader.text(v, k, 300) for k, v in fields.items()}
            if name:
                essays[name] = EssayInfo(**info)
    if reader.problems:
        raise InputError(reader.problems)
    return Collection(values.get("title"), values.get("audience"), values.get("subject"), essays)
