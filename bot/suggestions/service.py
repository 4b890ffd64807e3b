"""Suggestions from members and the moderators' review, the same for Discord and the shell.

A decision is claimed in the database first (one decision when two moderators press at once),
then written into the prompt files; when the write is refused (a broken file, or one changed
on disk since the review showed it) or fails (a full disk), the claim is released, the
moderator is told why and nothing is lost. A press while a claim is held is told the item is
being decided and when to try again. After each written decision the library is reloaded, so
the running bot uses it at once.

Every file write runs in a worker thread, one at a time: a large prompt file takes a while to
read, change and check, and the bot keeps answering members meanwhile.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.errors import InputError
from bot.posting.types import LibrarySource
from bot.prompts.model import Library, Prompt
from bot.suggestions import rules
from bot.suggestions.files import SOURCE, PromptFiles
from bot.suggestions.ports import SuggestionRecords
from bot.suggestions.types import (
    ACCEPTED,
    DECIDING,
    DRAFT,
    PENDING,
    REJECTED,
    STALE_CLAIM,
    SUGGESTION,
    Decision,
    Limits,
    ReviewItem,
    Suggestion,
    SuggestionError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

ALREADY = "Already decided (another moderator, or earlier); nothing changed."
CHANGED = (
    "This card no longer matches the suggestion it showed (it was reworded, or the number now"
    " belongs to another suggestion); nothing changed. Here it is as it is now."
)
GONE = "This suggestion is no longer there (its member erased it); nothing changed."
# How a failed write is named to the moderator (else the system's own words, lower case).
_OS_REASONS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the folder is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error",
}
ACCEPTED_TEXT = "Your suggestion was accepted: it will be posted as a discussion prompt."
KEPT_TEXT = "Your suggestion was accepted into the prompts; moderators will choose when it posts."


class SuggestionService:
    def __init__(
        self,
        store: SuggestionRecords,
        prompts_dir: Path,
        holder: LibrarySource,
        reload: Callable[[], Awaitable[object]],
    ) -> None:
        self.store = store
        self.files = PromptFiles(prompts_dir)
        self.holder = holder
        self._reload = reload
        self._writing = asyncio.Lock()  # one file write at a time (ids, hashes, the state file)

    @property
    def library(self) -> Library:
        return self.holder.library

    # --- members ---------------------------------------------------------------------------

    async def suggest(
        self,
        guild_id: int,
        member_id: int,
        question: str,
        *,
        theme: str | None,
        note: str | None,
        credit_name: str | None,
        limits: Limits,
        now: int,
    ) -> Suggestion:
        """Store a member's suggestion; SuggestionError (nothing stored) says what is wrong."""
        question = rules.checked_question(question)
        note = rules.checked_note(note)
        theme_id = rules.checked_theme(self.library, theme, new_allowed=False)
        duplicate = rules.duplicate_of(
            question, self.library, await self.store.pending(guild_id, now)
        )
        if duplicate:
            raise SuggestionError(duplicate)
        name = rules.clean_name(credit_name) if credit_name else None
        new_id = await self.store.add(
            guild_id, member_id, question, theme_id, note, name, now, limits
        )
        if new_id is None:
            pending, today = await self.store.counts(guild_id, member_id, now)
            if pending >= limits.pending:
                raise SuggestionError(
                    f"You have {pending} suggestions waiting for review (the limit is"
                    f" {limits.pending}); withdraw one with /suggest mine or wait for a decision."
                )
            raise SuggestionError(
                f"You made {today} suggestions in the last 24 hours (the limit is"
                f" {limits.per_day}); try again tomorrow."
            )
        log.info("suggestion %s from member %s in guild %s", new_id, member_id, guild_id)
        made = await self.store.get(new_id)
        if made is None:
            raise RuntimeError(f"suggestion {new_id} was stored but cannot be read back")
        return made

    async def mine(self, guild_id: int, member_id: int) -> list[Suggestion]:
        return await self.store.of_member(guild_id, member_id)

    async def withdraw(self, member_id: int, suggestion_id: int, now: int) -> bool:
        return await self.store.withdraw(suggestion_id, member_id, now)

    async def card_posted(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """The mod-log card announcing the suggestion (taken off it when the member erases)."""
        await self.store.set_card(suggestion_id, channel_id, message_id)

    async def forget(self, guild_id: int, member_id: int) -> list[Suggestion]:
        """Erase the member's suggestions; prompts made from them stay, uncredited. Returns
        what was erased (its mod-log cards are to be cleared)."""
        erased = await self.store.forget(guild_id, member_id)
        credited = [s for s in erased if s.status == ACCEPTED and s.credit_name]
        changed = False
        for suggestion in credited:
            prompt = self.library.prompt(suggestion.prompt_id or "")
            if prompt is None:
                continue
            credited_as = rules.credit_text(suggestion.credit_name)
            try:
                changed |= await self._write(
                    prompt.theme_id, functools.partial(self.files.uncredit, prompt, credited_as)
                )
            except SuggestionError as exc:
                log.warning("could not uncredit %s: %s", prompt.id, exc)
        if changed:
            await self._reload()
        return erased

    # --- review ----------------------------------------------------------------------------

    async def review_items(self, guild_id: int, now: int) -> list[ReviewItem]:
        """Pending suggestions of the server (oldest first), then draft prompts."""
        items = [await self.suggestion_item(s) for s in await self.store.pending(guild_id, now)]
        return items + [await self.draft_item(p) for p in self.library.drafts()]

    async def item(self, kind: str, key: str, now: int) -> ReviewItem | None:
        """The item as it is now, or None when it is no longer waiting for a decision."""
        if kind == SUGGESTION:
            found = await self.store.get(int(key)) if key.isdigit() else None
            return await self.suggestion_item(found) if found and found.status == PENDING else None
        prompt = self.library.prompt(key)
        return await self.draft_item(prompt) if prompt and prompt.status == "draft" else None

    async def suggestion_item(self, suggestion: Suggestion) -> ReviewItem:
        theme_id = suggestion.theme_id or ""
        texts = (suggestion.question, *suggestion.followups)
        heavy, warnings = await self._checked(texts)
        prompt = Prompt(
            f"suggestion-{suggestion.id}",
            theme_id,
            suggestion.question,
            suggestion.followups,
            rules.credit_text(suggestion.credit_name),
            SOURCE,
            sensitive=heavy,
        )
        return ReviewItem(
            SUGGESTION,
            str(suggestion.id),
            prompt,
            self._theme_title(theme_id),
            self.files.seen(suggestion.theme_id),
            suggestion,
            warnings,
        )

    async def draft_item(self, prompt: Prompt) -> ReviewItem:
        _, warnings = await self._checked((prompt.question, *prompt.followups))
        return ReviewItem(
            DRAFT,
            prompt.id,
            prompt,
            self._theme_title(prompt.theme_id),
            self.files.seen(prompt.theme_id),
            warnings=warnings,
        )

    async def _checked(self, texts: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
        """Whether the texts are on a heavy subject, and what the disclosure check says of
        them. In a worker thread: the admins' rules may be slow, and members' commands are
        answered meanwhile (each rule also stops at its time limit)."""

        def check() -> tuple[bool, tuple[str, ...]]:
            warnings = rules.disclosure_warnings(texts, self.files.directory)
            return rules.is_heavy(texts), warnings

        return await asyncio.to_thread(check)

    async def decide(
        self,
        kind: str,
        key: str,
        action: str,
        moderator_id: int,
        seen: str,
        now: int,
        reason: str | None = None,
        shown: str | None = None,
    ) -> Decision:
        """Accept, turn off or reject one item, as the review showed it (``seen``: the file;
        ``shown``: the suggestion, checked when given)."""
        if kind == SUGGESTION:
            return await self._decide_suggestion(
                int(key), action, moderator_id, seen, now, reason, shown
            )
        return await self._decide_draft(key, action, moderator_id, seen, now)

    async def edit(
        self,
        kind: str,
        key: str,
        seen: str,
        now: int,
        *,
        question: str,
        followups: str,
        theme: str | None = None,
        shown: str | None = None,
    ) -> ReviewItem:
        """Reword an item (it stays to be decided); the item as it is now."""
        text = rules.checked_question(question)
        more = rules.checked_followups(followups)
        current = await self.item(kind, key, now)
        if current is None:
            raise SuggestionError(ALREADY)
        if kind == SUGGESTION and shown is not None and shown != current.shown:
            raise SuggestionError(CHANGED)
        if kind == SUGGESTION:
            theme_id = rules.checked_theme(self.library, theme, new_allowed=True)
            await self.store.edit(int(key), text, more, theme_id)
        else:
            theme_id = current.prompt.theme_id
            await self._write(
                theme_id, lambda: self.files.edit_draft(current.prompt, text, more, seen)
            )
            await self._reload()
        return await self.item(kind, key, now) or current

    # --- helpers ---------------------------------------------------------------------------

    async def _decide_suggestion(
        self,
        sid: int,
        action: str,
        moderator_id: int,
        seen: str,
        now: int,
        reason: str | None,
        shown: str | None,
    ) -> Decision:
        suggestion = await self.store.get(sid)
        if suggestion is None:
            return Decision(GONE, False)
        if shown is not None and shown != suggestion.shown:
            return Decision(CHANGED, False)
        if suggestion.status not in (PENDING, DECIDING):
            return Decision(ALREADY, False)
        if action in ("accept", "off") and not suggestion.theme_id:
            return Decision("Choose a theme first: press Edit and name one.", False)
        if not await self.store.claim(sid, moderator_id, now):
            return Decision(await self._not_claimed(sid, now), False)
        try:
            return await self._decide_claimed(suggestion, action, seen, reason)
        except BaseException:
            await _unless_failing(self.store.release(sid))  # a failed decision frees the item
            raise

    async def _not_claimed(self, sid: int, now: int) -> str:
        """Why a claim was refused: decided already, or being decided right now."""
        found = await self.store.get(sid)
        if found is None:
            return GONE
        if found.status == DECIDING and found.decided_at is not None:
            return being_decided(found.decided_at, now)
        return ALREADY

    async def _decide_claimed(
        self, suggestion: Suggestion, action: str, seen: str, reason: str | None
    ) -> Decision:
        sid = suggestion.id
        if action == "reject":
            await self.store.finish(sid, REJECTED, reason, None)
            told = "Your suggestion was not accepted"
            told += f": {reason}" if reason else "."
            return Decision(
                f"Rejected suggestion {sid}.", True, suggestion.member_id, _quote(suggestion, told)
            )
        enabled = action == "accept"
        library = self.library
        prompt = self._written_before(suggestion)
        if prompt is None:
            prompt = await self._write(
                suggestion.theme_id or "",
                functools.partial(self.files.add_suggestion, library, suggestion, enabled, seen),
            )
        await self.store.finish(sid, ACCEPTED, None, prompt.id)
        await self._reload()
        state = "enabled" if prompt.enabled else "turned off for now"
        return Decision(
            f"Accepted suggestion {sid} as `{prompt.id}` ({state})"
            f" in `{self.files.path(prompt.theme_id).name}`.",
            True,
            suggestion.member_id,
            _quote(suggestion, ACCEPTED_TEXT if prompt.enabled else KEPT_TEXT),
        )

    async def _decide_draft(
        self, prompt_id: str, action: str, moderator_id: int, seen: str, now: int
    ) -> Decision:
        prompt = self.library.prompt(prompt_id)
        if prompt is None or prompt.status != "draft":
            return Decision(ALREADY, False)
        if not await self.store.claim_draft(prompt_id, moderator_id, now):
            claimed_at = await self.store.draft_claimed_at(prompt_id)
            return Decision(being_decided(claimed_at, now) if claimed_at else ALREADY, False)
        try:
            if action == "reject":
                await self._write(prompt.theme_id, lambda: self.files.reject_draft(prompt, seen))
                file = self.files.path(prompt.theme_id).name
                done = f"Rejected draft `{prompt_id}`: removed from `{file}`."
            else:
                enabled = action == "accept"
                await self._write(
                    prompt.theme_id, lambda: self.files.accept_draft(prompt, seen, enabled)
                )
                done = f"{'Accepted' if enabled else 'Turned off'} draft `{prompt_id}`."
            await self._reload()
        finally:
            await _unless_failing(self.store.release_draft(prompt_id))
        return Decision(done, True)

    def _written_before(self, suggestion: Suggestion) -> Prompt | None:
        """The prompt an interrupted decision already wrote (the process stopped between the
        file write and the database), so taking the stale claim again does not add it twice."""
        theme = self.library.theme(suggestion.theme_id or "")
        return next(
            (
                p
                for p in (theme.prompts if theme else ())
                if p.source == SOURCE and p.question == suggestion.question
            ),
            None,
        )

    async def _write(self, theme_id: str, write: Callable[[], T]) -> T:
        """Run a write of the theme's file in a worker thread (one at a time); a refusal or a
        failure becomes the moderator's message (nothing written, no temporary file left)."""
        async with self._writing:
            try:
                return await asyncio.to_thread(self._swept, write)
            except InputError as exc:
                raise SuggestionError(
                    "Nothing was written: " + "\n".join(str(p) for p in exc.problems)
                ) from None
            except OSError as exc:
                path = self.files.path(theme_id)
                log.warning("could not write %s: %s", path, exc)
                shown = f"{self.files.directory.name}/{path.name}"
                raise SuggestionError(
                    f"Nothing was written: could not write {shown}: {_os_reason(exc)}."
                    " Try again once that is fixed."
                ) from None

    def _swept(self, write: Callable[[], T]) -> T:
        """``write``, after clearing what an interrupted earlier write left in the folder."""
        self.files.sweep()
        return write()

    def _theme_title(self, theme_id: str) -> str:
        theme = self.library.theme(theme_id)
        if theme is not None:
            return theme.title
        return f"{theme_id} (new theme)" if theme_id else "(no theme yet)"


def being_decided(claimed_at: int, now: int) -> str:
    """A press while another decision holds the claim (or one a stopped process left, until
    the claim expires)."""
    minutes = max(1, -(-(claimed_at + STALE_CLAIM - now) // 60))
    return (
        "Being decided (another moderator pressed just now, or a decision was cut short);"
        f" nothing changed. If it is still waiting, try again in {minutes} min."
    )


async def _unless_failing(release: Awaitable[object]) -> None:
    """Free a claim after a failure without hiding why it failed: when the database refuses
    this too (a full disk), the claim expires on its own after ``STALE_CLAIM``."""
    try:
        await release
    except Exception as exc:
        log.warning("a claim could not be released (it expires in %d s): %s", STALE_CLAIM, exc)


def _os_reason(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno or 0)
    return reason or (exc.strerror or str(exc)).lower()


def _quote(suggestion: Suggestion, text: str) -> str:
    return f"{text}\n> {suggestion.question}"
