"""Moderators' decisions written into the prompt files, which stay the single source of truth.

An accepted suggestion becomes a prompt at the end of its theme's file (a new file for a new
theme) with an id the build state (``prompts/_state.yaml``) has never issued, and
``source: suggestion``. A draft accepted loses its ``status: draft`` and is enabled; turned off,
it loses the marker and stays disabled; rejected, it leaves the file (its id stays retired).
Every write goes through the round-trip writer: checked, atomic, the rest of the file unchanged.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from bot.prompts.model import Library, Prompt
from bot.prompts.schema import read_theme_file
from bot.prompts.state import adopt_theme, fingerprint, load_state, save_state
from bot.prompts.writer import (
    append_prompts,
    content_hash,
    create_theme_file,
    remove_prompt,
    update_prompt,
)
from bot.suggestions.rules import credit_text, is_heavy
from bot.suggestions.types import Suggestion

log = logging.getLogger(__name__)

SOURCE = "suggestion"
NEW_FILE = "new"
LEFTOVER_AGE = 300  # seconds: older temporary files of a write are a stopped process's leftovers


class PromptFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, theme_id: str) -> Path:
        """The theme's file: ``<id>.yaml``, or ``<id>.yml`` where an admin named it so."""
        for suffix in (".yaml", ".yml"):
            kept = self.directory / f"{theme_id}{suffix}"
            if kept.is_file():
                return kept
        return self.directory / f"{theme_id}.yaml"

    def seen(self, theme_id: str | None) -> str:
        """What a review shows it saw of the file a decision would change."""
        found = content_hash(self.path(theme_id)) if theme_id else None
        return found or NEW_FILE

    def add_suggestion(
        self, library: Library, suggestion: Suggestion, enabled: bool, seen: str
    ) -> Prompt:
        """Write the suggestion into its theme's file; the prompt as written."""
        theme_id = suggestion.theme_id or ""
        path = self.path(theme_id)
        prompt = Prompt(
            self._new_id(library, theme_id),
            theme_id,
            suggestion.question,
            suggestion.followups,
            credit_text(suggestion.credit_name),
            SOURCE,
            enabled,
            sensitive=is_heavy((suggestion.question, *suggestion.followups)),
        )
        if seen == NEW_FILE:
            create_theme_file(path, theme_id, _title(theme_id), [prompt])
        else:
            append_prompts(path, [prompt], expected_hash=seen)
        return prompt

    def accept_draft(self, prompt: Prompt, seen: str, enabled: bool) -> None:
        update_prompt(
            self.path(prompt.theme_id), prompt.id, {"enabled": enabled}, ("status",), seen
        )

    def reject_draft(self, prompt: Prompt, seen: str) -> None:
        remove_prompt(self.path(prompt.theme_id), prompt.id, seen)

    def edit_draft(
        self, prompt: Prompt, question: str, followups: tuple[str, ...], seen: str
    ) -> None:
        values = {"question": question, "followups": list(followups)}
        update_prompt(self.path(prompt.theme_id), prompt.id, values, (), seen)

    def uncredit(self, prompt: Prompt, credited: str) -> bool:
        """Replace the member's credit with an anonymous one, if the text is still theirs."""
        if prompt.context != credited:
            return False
        update_prompt(self.path(prompt.theme_id), prompt.id, {"context": credit_text(None)})
        return True

    def sweep(self, now: float | None = None) -> list[str]:
        """Remove what a process stopped in the middle of a write left in the folder (the
        writer's ``.NAME.tmp`` files and ``.write-*`` folders), once older than any write
        still under way; the names removed."""
        cutoff = (time.time() if now is None else now) - LEFTOVER_AGE
        removed = []
        for entry in self.directory.glob(".*"):
            is_leftover = entry.name.startswith(".write-") or entry.name.endswith(".tmp")
            try:
                if not is_leftover or entry.lstat().st_mtime > cutoff:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except OSError as exc:
                log.warning("could not remove %s: %s", entry.name, exc)
                continue
            removed.append(entry.name)
        if removed:
            log.info("removed what an interrupted write left: %s", ", ".join(sorted(removed)))
        return removed

    def _new_id(self, library: Library, theme_id: str) -> str:
        """The next id of the theme that was never issued; recorded before the file is
        written, so even a refused write never lets the id be issued twice."""
        state = load_state(self.directory)
        path = self.path(theme_id)
        file = read_theme_file(path)[0] if path.exists() else None
        tstate = state.themes.get(theme_id) or adopt_theme(file)
        taken = set(state.issued) | {p.id for t in library.themes for p in t.prompts}
        number = tstate.next
        while f"{theme_id}-{number}" in taken:
            number += 1
        prompt_id = f"{theme_id}-{number}"
        tstate.next = number + 1
        state.themes[theme_id] = tstate
        state.issued[prompt_id] = fingerprint(Prompt(prompt_id, theme_id, "", (), "", SOURCE))
        save_state(self.directory, state)
        return prompt_id


def _title(theme_id: str) -> str:
    return theme_id.replace("-", " ").capitalize()
