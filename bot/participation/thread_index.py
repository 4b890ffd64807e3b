"""In-memory index of the prompt posts still open for answers. Pure: no Discord, no database.

Every message the bot sees is checked against this index, so a message in an unrelated channel
must cost a single dict miss. The index is rebuilt from the database at start
(``ParticipationStore.open_posts``) and kept current by the posting code (``add``) and by the
daily expiry (``expire``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from bot.participation.types import PromptPost

log = logging.getLogger(__name__)


class PromptIndex:
    """Open prompt posts by thread id and by prompt message id."""

    __slots__ = ("_by_message", "_by_post", "_by_thread")

    def __init__(self) -> None:
        self._by_thread: dict[int, PromptPost] = {}
        self._by_message: dict[int, PromptPost] = {}
        self._by_post: dict[int, PromptPost] = {}

    @classmethod
    def from_rows(cls, posts: Iterable[PromptPost]) -> PromptIndex:
        index = cls()
        for post in posts:
            index.add(post)
        return index

    def __len__(self) -> int:
        return len(self._by_post)

    def __iter__(self) -> Iterator[PromptPost]:
        return iter(list(self._by_post.values()))

    def add(self, post: PromptPost) -> None:
        """Start watching a post (replacing an older entry with the same post id)."""
        self.remove(post.post_id)
        self._by_post[post.post_id] = post
        self._by_message[post.message_id] = post
        if post.thread_id is not None:
            self._by_thread[post.thread_id] = post

    def lookup_thread(self, channel_id: int) -> PromptPost | None:
        """The post whose answer thread is ``channel_id``, or None."""
        return self._by_thread.get(channel_id)

    def lookup_message(self, message_id: int) -> PromptPost | None:
        """The post whose prompt message is ``message_id``, or None."""
        return self._by_message.get(message_id)

    def remove(self, post_id: int) -> PromptPost | None:
        """Stop watching a post (thread archived or deleted, prompt message deleted)."""
        post = self._by_post.pop(post_id, None)
        if post is None:
            return None
        self._by_message.pop(post.message_id, None)
        if post.thread_id is not None:
            self._by_thread.pop(post.thread_id, None)
        return post

    def remove_thread(self, thread_id: int) -> PromptPost | None:
        post = self._by_thread.get(thread_id)
        return self.remove(post.post_id) if post else None

    def expire(self, posted_before: int) -> int:
        """Drop posts posted before ``posted_before`` (Unix seconds); returns how many."""
        old = [p.post_id for p in self._by_post.values() if p.posted_at < posted_before]
        for post_id in old:
            self.remove(post_id)
        if old:
            log.debug("expired %d prompt posts from the index", len(old))
        return len(old)
