"""The prompt library as the rest of the bot sees it (immutable values)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Poll:
    """A prompt posted as a Discord poll: its answers, one or several choices, open how long."""

    answers: tuple[str, ...]
    multiselect: bool = False
    hours: int = 24


@dataclass(frozen=True)
class Prompt:
    id: str
    theme_id: str
    question: str
    followups: tuple[str, ...]
    context: str
    source: str  # the title of the essay the context quotes (older files: its file name)
    enabled: bool = True
    status: str | None = None  # "draft": generated, awaiting review; None: accepted
    sensitive: bool = False  # a heavy subject: posted with the care note, pinged only if allowed
    content_warning: str | None = None  # the question is posted behind a spoiler after it
    poll: Poll | None = None  # posted as a Discord poll (the question is the poll's)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def may_post(self) -> bool:
        """Enabled and not awaiting review: the scheduler and moderators may post it."""
        return self.enabled and not self.is_draft


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
        """Prompts that may be posted: enabled and not awaiting review."""
        return [p for t in self.themes for p in t.prompts if p.may_post]

    def drafts(self) -> list[Prompt]:
        """Prompts awaiting a moderator's review."""
        return [p for t in self.themes for p in t.prompts if p.is_draft]
