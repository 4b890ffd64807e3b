"""What counts as participation, and streaks. Pure: no Discord, no database.

An *answer* is a message by a member (not a bot, not a system message) either inside a prompt's
thread or replying to the prompt message. A *reaction* on the prompt message is a lighter kind of
participation. Only metadata is kept: never the text of a message, only its length.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.participation.thread_index import PromptIndex
from bot.participation.types import (
    ANSWER,
    REACTION,
    ParticipationRow,
    PromptPost,
    Ranked,
    Streak,
)


@dataclass(frozen=True, slots=True)
class Answer:
    """A message recognised as an answer to ``post``; ``via`` says how it was recognised."""

    post: PromptPost
    via: Literal["thread", "reply"]

    def row(
        self, member_id: int, message_id: int, created_at: int, length: int | None
    ) -> ParticipationRow:
        p = self.post
        return ParticipationRow(
            p.guild_id, p.post_id, p.prompt_id, p.theme_id, member_id, message_id, ANSWER,
            created_at, length,
        )  # fmt: skip


def classify_message(
    author_is_bot: bool,
    channel_id: int,
    parent_id: int | None,
    reference_message_id: int | None,
    index: PromptIndex,
    *,
    is_system: bool = False,
) -> Answer | None:
    """The prompt a message answers, or None. An unrelated message costs one dict miss.

    ``channel_id`` is where the message was sent (the thread id inside a thread), ``parent_id``
    the thread's parent channel (None outside threads), ``reference_message_id`` the message it
    replies to (None if it is not a reply).
    """
    if author_is_bot or is_system:
        return None
    post = index.lookup_thread(channel_id)
    if post is not None:
        if parent_id is not None and parent_id != post.channel_id:
            return None
        return Answer(post, "thread")
    if reference_message_id is not None:
        post = index.lookup_message(reference_message_id)
        if post is not None:
            return Answer(post, "reply")
    return None


def classify_reaction(user_is_bot: bool, message_id: int, index: PromptIndex) -> PromptPost | None:
    """The prompt post a reaction counts for (a reaction on the prompt message), or None."""
    if user_is_bot:
        return None
    return index.lookup_message(message_id)


def reaction_row(post: PromptPost, member_id: int, created_at: int) -> ParticipationRow:
    """The row for a member's reaction on a prompt message (one per member and prompt)."""
    return ParticipationRow(
        post.guild_id, post.post_id, post.prompt_id, post.theme_id, member_id, post.message_id,
        REACTION, created_at, None,
    )  # fmt: skip


def streak(posts_in_order: Sequence[int], answered: Container[int]) -> Streak:
    """Streak over one channel's scheduled prompts (post ids, oldest first).

    Each answered prompt adds one. A single missed prompt between answers is forgiven: it does
    not break the streak but does not count either. Two missed prompts in a row reset it to 0.
    The current streak is the one still alive after the newest prompt: one trailing miss keeps
    it (the member can still come back), two trailing misses end it.
    """
    current = best = misses = 0
    for post_id in posts_in_order:
        if post_id in answered:
            current += 1
            misses = 0
            best = max(best, current)
        else:
            misses += 1
            if misses >= 2:
                current = 0
    return Streak(current, best)


def best_of(streaks: Sequence[Streak]) -> Streak:
    """A member's figures across channels: the highest current and the highest best streak."""
    return Streak(
        max((s.current for s in streaks), default=0), max((s.best for s in streaks), default=0)
    )


def rank_by_answers_per_post(posts: Iterable[tuple[str, int]]) -> list[Ranked]:
    """Group (key, answers) per post into one entry per key, most discussed first.

    Ties: more answers first, then key order, so the ranking is stable between runs.
    """
    totals: dict[str, list[int]] = {}
    for key, answers in posts:
        entry = totals.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += answers
    ranked = [Ranked(key, n, answers) for key, (n, answers) in totals.items()]
    ranked.sort(key=lambda r: (-r.per_post, -r.answers, r.key))
    return ranked
