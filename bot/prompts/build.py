"""``prompts build``: turn themes into prompt files without ever overriding an admin.

A new theme gets a new file. An existing file only gains prompts for essay items it has not seen;
its other prompts are kept as they are (unchanged ones are reported "kept", edited, deleted or
hand-added ones "left alone"). A theme file the admins deleted is not recreated.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.essays.text import shorten
from bot.prompts.generate import Bank, Draft, draft_for_source, initial_drafts, load_bank
from bot.prompts.lint import disclosure_rules, prompt_warnings
from bot.prompts.loader import load_theme_files
from bot.prompts.model import Prompt
from bot.prompts.schema import CONTENT_WARNING_MAX, TITLE_MAX, ThemeFile, neutralise_mentions
from bot.prompts.state import (
    BuildState,
    ThemeState,
    adopt_theme,
    fingerprint,
    load_state,
    save_state,
)
from bot.prompts.writer import append_prompts, render_theme_file, write_atomically
from bot.safety.disclosure import Checker
from bot.safety.heavy import HeavyTopics, read_heavy_topics
from bot.themes.types import Source, Theme


@dataclass
class Report:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    left_alone: list[tuple[str, str]] = field(default_factory=list)  # (id, why)
    drafts: int = 0  # prompts in the folder awaiting review (status: draft)
    passing: int = 0  # of those, the ones no check of ``validate --strict`` refuses
    enabled: int = 0  # prompts in the folder that may be posted
    refused: int = 0  # generated prompts left out: the disclosure check refuses them


@dataclass(frozen=True)
class Checks:
    """What ``prompts validate --strict`` checks, so the build never writes what it refuses."""

    checker: Checker
    heavy: HeavyTopics

    @classmethod
    def load(cls, out: Path) -> Checks:
        return cls(disclosure_rules(out), read_heavy_topics())

    def fit(self, draft: Draft) -> Draft | None:
        """The draft marked sensitive if its words are on a heavy subject, and warned of the
        heavy subjects its quoted line or context tells of as happening to someone; None if the
        disclosure check refuses it."""
        texts = [draft.question, *draft.followups]
        if self.checker.messages(texts):
            return None
        if not draft.sensitive and self.heavy.touches(*texts):
            draft = replace(draft, sensitive=True)
        if draft.draft and draft.sensitive:  # what the lines members read tell of, no more
            lines = [t.replace(f"“{draft.source}”", "") for t in (draft.question, draft.context)]
            shown = self.heavy.happening(*lines)
            warning = shorten(", ".join(shown), CONTENT_WARNING_MAX) if shown else None
            draft = replace(draft, content_warning=warning)
        return draft

    def passes(self, prompt: Prompt) -> bool:
        return not prompt_warnings(prompt, self.checker, self.heavy)


def build_prompts(themes: list[Theme], out: Path, bank: Bank | None = None) -> Report:
    """Write or extend ``out/<theme-id>.yaml`` for every theme; returns what happened."""
    out = Path(out)
    checks = Checks.load(out)  # a broken rules or heavy-topics file stops the build first
    files = {f.theme.id: f for f in load_theme_files(out)} if out.is_dir() else {}
    state, report, bank = load_state(out), Report(), bank or load_bank()
    taken = set(state.issued) | {p.id for f in files.values() for p in f.theme.prompts}
    for theme in themes:
        tstate, file = state.themes.get(theme.id), files.get(theme.id)
        if tstate is not None and file is None:
            report.left_alone.append((theme.id, "theme file removed by an admin, not recreated"))
            continue
        if file is None:
            tstate = state.themes[theme.id] = ThemeState()
            drafts = initial_drafts(theme, bank)
        else:
            tstate = state.themes.setdefault(theme.id, adopt_theme(file))
            _review(file, tstate, state, report)
            new = [s for s in theme.sources if s.ref not in tstate.sources]
            drafts = [_next_draft(theme, s, tstate, bank) for s in new]
        fitting = [f for f in (checks.fit(d) for d in drafts) if f is not None]
        report.refused += len(drafts) - len(fitting)
        added = [_issue(d, theme.id, tstate, state, taken) for d in fitting]
        tstate.sources = sorted({*tstate.sources, *(s.ref for s in theme.sources)})
        if added:
            _write(out, theme, file, added)
            report.added.extend(p.id for p in added)
    _report_orphans(themes, files, report)
    out.mkdir(parents=True, exist_ok=True)
    save_state(out, state)
    written = [p for f in load_theme_files(out) for p in f.theme.prompts if p.is_draft]
    report.drafts = len(written)
    report.passing = sum(checks.passes(p) for p in written)
    report.enabled = sum(p.enabled for f in load_theme_files(out) for p in f.theme.prompts)
    return report


def _review(file: ThemeFile, tstate: ThemeState, state: BuildState, report: Report) -> None:
    present = {p.id for p in file.theme.prompts}
    for prompt in file.theme.prompts:
        if state.issued.get(prompt.id) == fingerprint(prompt):
            report.kept.append(prompt.id)
        elif prompt.id in state.issued:
            report.left_alone.append((prompt.id, "edited by an admin"))
        else:
            report.left_alone.append((prompt.id, "added by an admin"))
    for prompt_id in sorted(set(tstate.slots.values()) - present):
        report.left_alone.append((prompt_id, "deleted by an admin; its id stays retired"))


def _next_draft(theme: Theme, source: Source, tstate: ThemeState, bank: Bank) -> Draft:
    return draft_for_source(theme, source, set(tstate.slots), bank)


def _issue(
    draft: Draft, theme_id: str, tstate: ThemeState, state: BuildState, taken: set
) -> Prompt:
    number = tstate.next
    while f"{theme_id}-{number}" in taken:
        number += 1
    prompt_id = f"{theme_id}-{number}"
    tstate.next = number + 1
    taken.add(prompt_id)
    prompt = Prompt(
        prompt_id,
        theme_id,
        draft.question,
        draft.followups,
        draft.context,
        draft.source,
        enabled=not draft.draft,
        status="draft" if draft.draft else None,
        sensitive=draft.sensitive,
        content_warning=draft.content_warning,
    )
    tstate.slots[draft.slot] = prompt_id
    state.issued[prompt_id] = fingerprint(prompt)
    return prompt


def _write(out: Path, theme: Theme, file: ThemeFile | None, added: list[Prompt]) -> None:
    """A new theme gets a new file; an existing one gains the new sources and prompts through
    the round-trip writer, so the admins' comments and layout stay as they are."""
    title = file.theme.title if file else neutralise_mentions(shorten(theme.title, TITLE_MAX))
    sources = list(file.sources) if file else []
    known = {(s.get("essay"), s.get("item"), s.get("title")) for s in sources}
    new_sources = []
    for s in theme.sources:
        plain = neutralise_mentions(s.title)
        if (s.essay, s.item, plain) not in known:
            new_sources.append(
                {"essay": s.essay, "item": s.item, "title": plain, "truncated": s.truncated}
            )
    if file is not None:
        append_prompts(file.path, added, new_sources)
        return
    write_atomically(
        out / f"{theme.id}.yaml", render_theme_file(theme.id, title, new_sources, added)
    )


def _report_orphans(themes: list[Theme], files: dict[str, ThemeFile], report: Report) -> None:
    current = {t.id for t in themes}
    for theme_id in sorted(set(files) - current):
        report.left_alone.append((theme_id, "theme no longer found in the essays; file kept"))
