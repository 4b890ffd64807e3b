"""What a theme is: the data types every other themes module builds on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """Where a theme comes from: one item of one essay."""

    essay: str
    item: int | None
    title: str
    excerpt: str
    truncated: bool
    phrase: str  # the item's noun phrase as written, e.g. "marginalized voices"
    text: str = ""  # the item's whole body
    essay_title: str = ""  # the essay's title as members see it (never its file name)
    subject: str = ""  # what the essay is about, e.g. "climate activism"
    audience: str | None = None  # who the collection declares the prompts are for
    kind: str = "noun"  # "noun", "sentence", "foreign" (see TitleKey), "prose" (a phrase found
    # in a prose paragraph: asked about mostly through its own sentences) or "opening" (a prose
    # paragraph titled by its opening sentence: asked about only through its sentences)

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

    @property
    def kind(self) -> str:
        """How the theme's phrase reads: "noun", "sentence" or "foreign" (see TitleKey)."""
        return next((s.kind for s in self.sources if s.phrase == self.phrase), "noun")


def build_theme(theme_id: str, sources: list[Source], title: str | None = None) -> Theme:
    """A theme from its sources; the title is the most common source title unless given."""
    sources = sorted(sources, key=Source.sort_key)
    counts = Counter(s.title for s in sources)
    best = min(counts, key=lambda t: (-counts[t], len(t), t))
    phrase = next(s.phrase for s in sources if s.title == best)
    return Theme(theme_id, title or best, phrase, False, tuple(sources))
