"""Themes across essays: every item goes to the theme its title is about, with its provenance.

Items whose titles name the same concept (see ``bot/data/synonyms.yaml``) are one theme.
Theme ids come from that concept, never from the order of essays, so adding an essay keeps ids.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.essays.reader import Essay, Item, read_essays
from bot.themes.titles import TitleKey, Vocabulary, analyse_title, load_vocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """Where a theme comes from: one item of one essay."""

    essay: str
    item: int | None
    title: str
    excerpt: str
    truncated: bool
    phrase: str  # the item's noun phrase as written, e.g. "marginalized voices"

    @property
    def ref(self) -> str:
        return f"{self.essay}#{self.item if self.item is not None else self.title}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.essay, self.item if self.item is not None else 0, self.title)


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    phrase: str  # what the theme is about, as a noun phrase for sentences
    concept: bool  # True when the vocabulary knows this theme
    sources: tuple[Source, ...]

    @property
    def essays(self) -> list[str]:
        return sorted({s.essay for s in self.sources})


def find_themes(
    seeds: Path, overrides: Path | None = None, vocab: Vocabulary | None = None
) -> list[Theme]:
    """Read ``seeds``, merge equivalent themes and apply the admin's overrides file if present."""
    from bot.themes.overrides import apply_overrides, load_overrides

    themes = merge_items(read_essays(seeds), vocab or load_vocabulary())
    if overrides is not None and Path(overrides).exists():
        themes = apply_overrides(themes, load_overrides(Path(overrides)))
    return themes


def merge_items(essays: list[Essay], vocab: Vocabulary) -> list[Theme]:
    """One theme per key; each item in exactly one theme; sorted by id."""
    groups: dict[str, list[tuple[Source, TitleKey]]] = defaultdict(list)
    for essay in essays:
        for item in essay.items:
            key = analyse_title(item.title, vocab)
            groups[key.key].append((_source(item, key), key))
    return sorted((_theme(tid, members) for tid, members in groups.items()), key=lambda t: t.id)


def build_theme(theme_id: str, sources: list[Source], title: str | None = None) -> Theme:
    """A theme from its sources; the title is the most common source title unless given."""
    sources = sorted(sources, key=Source.sort_key)
    counts = Counter(s.title for s in sources)
    best = min(counts, key=lambda t: (-counts[t], len(t), t))
    phrase = next(s.phrase for s in sources if s.title == best)
    return Theme(theme_id, title or best, phrase, False, tuple(sources))


def theme_json(themes: list[Theme]) -> list[dict]:
    """The ``themes --json`` shape, sorted by id."""
    return [
        {
            "id": t.id,
            "title": t.title,
            "sources": [
                {
                    "essay": s.essay,
                    "item": s.item,
                    "title": s.title,
                    "excerpt": s.excerpt,
                    "truncated": s.truncated,
                }
                for s in t.sources
            ],
        }
        for t in sorted(themes, key=lambda t: t.id)
    ]


def _source(item: Item, key: TitleKey) -> Source:
    return Source(item.essay, item.number, item.title, item.excerpt, item.truncated, key.phrase)


def _theme(theme_id: str, members: list[tuple[Source, TitleKey]]) -> Theme:
    concept = members[0][1].concept
    theme = build_theme(theme_id, [s for s, _ in members], concept.title if concept else None)
    if concept is None:
        return theme
    return Theme(theme.id, theme.title, theme.phrase, True, theme.sources)
