"""The prompt library as the rest of the bot sees it (immutable values)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prompt:
    id: str
    theme_id: str
    question: str
    followups: tuple[str, ...]
    context: str
    source: str  # essay file name the context quotes
    enabled: bool = True
    status: str | None = None  # "draft": generated, waiting for a moderator's look; None = accepted
    sensitive: bool = False


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True)
class Library:
    themes: tuple[Theme, ...] = ()
    _by_id: dict[str, Prompt] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for theme in self.themes:
            for prompt in theme.prompts:
                self._by_id[prompt.id] = prompt

    def prompt(self, prompt_id: str) -> Prompt | None:
        return self._by_id.get(prompt_id)

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def enabled_prompts(self) -> list[Prompt]:
        return [p for t in self.themes for p in t.prompts if p.enabled]

    def drafts(self) -> list[Prompt]:
        return [p for t in self.themes for p in t.prompts if p.status == "draft"]
