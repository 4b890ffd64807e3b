"""The admin's forced theme decisions: ``prompts/_overrides.yaml``.

Applied after the automatic merge, in this order::

    split:                      # move items out of their theme into another (new or existing)
      - id: online-spaces       # target theme id: lower-case letters, digits and hyphens
        title: Online spaces    # optional
        items:                  # "essay file#item number", or an item title as the essay writes it
          - "000_b66c1c57bbe23d61.txt#6"
          - Creating a safe space
    merge:                      # fold whole themes into one
      - into: stories
        themes: [empathy]
        title: Stories and empathy   # optional
    rename:                     # theme id -> title shown
      dialogue: Talking across differences

A name that matches nothing is an error with its line, so a typo never goes unnoticed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node

from bot.errors import InputError, Problem
from bot.themes.types import Source, Theme, build_theme
from bot.yaml_nodes import Reader, line_of

THEME_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Named:
    name: str
    line: int


@dataclass
class Overrides:
    path: str
    splits: list[tuple[Named, str | None, list[Named]]] = field(default_factory=list)
    merges: list[tuple[Named, str | None, list[Named]]] = field(default_factory=list)
    renames: list[tuple[Named, str]] = field(default_factory=list)


def load_overrides(path: Path) -> Overrides:
    """Parse the overrides file; raises InputError listing every problem with its line."""
    reader = Reader(path)
    text = reader.read(path)
    root = reader.compose(text) if text is not None else None
    out = Overrides(str(path))
    if root is not None:
        top = reader.mapping(root, "the overrides file", ("split", "merge", "rename")) or {}
        for entry in reader.sequence(top["split"], "split") if "split" in top else []:
            out.splits.append(_entry(reader, entry, "split", ("id", "title", "items")))
        for entry in reader.sequence(top["merge"], "merge") if "merge" in top else []:
            out.merges.append(_entry(reader, entry, "merge", ("into", "title", "themes")))
        if "rename" in top:
            out.renames = _renames(reader, top["rename"])
    if reader.problems:
        raise InputError(reader.problems)
    return out


def apply_overrides(themes: list[Theme], overrides: Overrides) -> list[Theme]:
    """Themes after the splits, merges and renames; InputError when a name matches nothing."""
    by_id = {t.id: t for t in themes}
    problems: list[Problem] = []
    for target, title, refs in overrides.splits:
        _split(by_id, target, title, refs, problems, overrides.path)
    for target, title, names in overrides.merges:
        _merge(by_id, target, title, names, problems, overrides.path)
    for target, title in overrides.renames:
        if _known(by_id, target, problems, overrides.path):
            by_id[target.name] = _retitled(by_id[target.name], title)
    if problems:
        raise InputError(problems)
    return sorted(by_id.values(), key=lambda t: t.id)


def _entry(reader: Reader, node: Node, what: str, keys: tuple[str, str, str]):
    fields = reader.mapping(node, f"a {what} entry", keys) or {}
    for required in (keys[0], keys[2]):
        if required not in fields:
            reader.problem(node, f"a {what} entry needs {required!r}")
    target = _name(reader, fields.get(keys[0]), keys[0])
    title = reader.text(fields[keys[1]], "title", 256) if keys[1] in fields else None
    listed = reader.sequence(fields[keys[2]], keys[2]) if keys[2] in fields else []
    names = [n for n in (_name(reader, x, keys[2], plain=keys[2] == "items") for x in listed) if n]
    if target and not THEME_ID.match(target.name):
        reader.problem(target.line, f"{target.name!r} is not a theme id (a-z, 0-9 and -)")
    return target or Named("", line_of(node)), title, names


def _name(reader: Reader, node: Node | None, what: str, plain: bool = False) -> Named | None:
    if node is None:
        return None
    value = reader.text(node, what, 300)
    return (
        Named(value.strip() if plain else value.strip().lower(), line_of(node)) if value else None
    )


def _renames(reader: Reader, node: Node) -> list[tuple[Named, str]]:
    out: list[tuple[Named, str]] = []
    if not isinstance(node, MappingNode):
        reader.problem(node, "rename must map theme ids to titles")
        return out
    for key_node, value_node in node.value:
        target, title = _name(reader, key_node, "theme id"), reader.text(value_node, "title", 256)
        if target and title:
            out.append((target, title))
    return out


def _split(
    by_id: dict[str, Theme],
    target: Named,
    title: str | None,
    refs: list[Named],
    problems: list[Problem],
    path: str,
) -> None:
    moved: list[Source] = []
    for ref in refs:
        found = [s for t in by_id.values() for s in t.sources if _matches(s, ref.name)]
        if not found:
            problems.append(Problem(path, ref.line, f"no essay item matches {ref.name!r}"))
        moved.extend(s for s in found if s not in moved)
    for tid, theme in list(by_id.items()):
        kept = [s for s in theme.sources if s not in moved]
        if not kept:
            del by_id[tid]
        elif len(kept) != len(theme.sources):
            by_id[tid] = _with_sources(theme, kept)
    if not moved:
        return
    old = by_id.get(target.name)
    theme = build_theme(target.name, [*(old.sources if old else ()), *moved], title)
    if old is not None:
        theme = Theme(old.id, title or old.title, old.phrase, old.concept, theme.sources)
    by_id[target.name] = theme


def _merge(
    by_id: dict[str, Theme],
    target: Named,
    title: str | None,
    names: list[Named],
    problems: list[Problem],
    path: str,
) -> None:
    if not _known(by_id, target, problems, path):
        return
    into = by_id[target.name]
    sources = list(into.sources)
    for name in names:
        if name.name != target.name and _known(by_id, name, problems, path):
            sources.extend(by_id.pop(name.name).sources)
    merged = build_theme(into.id, sources, title or into.title)
    by_id[into.id] = Theme(into.id, merged.title, into.phrase, into.concept, merged.sources)


def _known(by_id: dict[str, Theme], name: Named, problems: list[Problem], path: str) -> bool:
    if name.name in by_id:
        return True
    problems.append(Problem(path, name.line, f"no theme has id {name.name!r}"))
    return False


def _matches(source: Source, ref: str) -> bool:
    return ref == source.ref or ref.casefold() == source.title.casefold()


def _with_sources(theme: Theme, sources: list[Source]) -> Theme:
    rebuilt = build_theme(theme.id, sources, theme.title)
    return Theme(theme.id, theme.title, rebuilt.phrase, theme.concept, rebuilt.sources)


def _retitled(theme: Theme, title: str) -> Theme:
    return Theme(theme.id, title, theme.phrase, theme.concept, theme.sources)
