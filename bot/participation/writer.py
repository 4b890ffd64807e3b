"""Batched participation writes: one transaction per batch, bounded delay, flushed on close.

Rows wait in memory until ``max_rows`` are queued (written at once by ``add``) or until the
background loop (``start``), which wakes every ``max_delay`` seconds, finds something queued (a
timer rather than an event wait: an idle writer then only waits on a timer). Tests
call ``flush()`` directly instead of waiting. Deletions and ``forget`` go through the writer so
they also remove rows still queued, and run after any write in flight (one lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.participation.ports import ParticipationRecords
from bot.participation.types import ANSWER, REACTION, ParticipationRow, PromptPost

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]


class BatchWriter:
    def __init__(
        self,
        store: ParticipationRecords,
        max_rows: int = 500,
        max_delay: float = 1.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.store = store
        self.max_rows = max_rows
        self.max_delay = max_delay
        self._sleep = sleep
        self._queue: list[ParticipationRow] = []
        self._seen: dict[int, int] = {}  # post id -> newest answer message seen, not yet saved
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._flushing: asyncio.Task | None = None  # a full batch being written (add_nowait)
        # Erasures, in memory only and only while reactions are to be read back from Discord
        # (``remember_erasures``), so that reading does not undo them: members forgotten
        # (guild, member), reactions taken back (prompt message, member), prompt messages
        # whose reactions were cleared.
        self._remembering = False
        self._forgotten: set[tuple[int, int]] = set()
        self._taken_back: set[tuple[int, int]] = set()
        self._cleared: set[int] = set()
        # Told of every batch right after it is stored (facilitation looks at its threads).
        self.on_written: Callable[[list[ParticipationRow]], None] | None = None

    @property
    def pending(self) -> int:
        """Rows queued and not yet written."""
        return len(self._queue)

    @property
    def dirty(self) -> bool:
        """Rows or read cursors wait to be written."""
        return bool(self._queue or self._seen)

    @property
    def running(self) -> bool:
        """The background loop (``start``) is running."""
        return self._task is not None and not self._task.done()

    def saw(self, post_id: int, message_id: int) -> None:
        """An answer message was seen in a post (recorded or not): its read cursor moves up to
        it with the next flush, after the rows queued with it."""
        if message_id > self._seen.get(post_id, 0):
            self._seen[post_id] = message_id

    def add_nowait(self, row: ParticipationRow) -> bool | None:
        """Queue a row without waiting: True if queued, False if the member opted out, None
        (nothing queued) if the server's opt-outs are not read yet (use ``add`` then). A full
        batch is written by one background flush."""
        opted_out = self.store.opted_out_cached(row.guild_id)
        if opted_out is None:
            return None
        if not self._enqueue(row, opted_out):
            return False
        if len(self._queue) >= self.max_rows and self._flushing is None:
            self._flushing = asyncio.create_task(self._flush_full(), name="participation-batch")
        return True

    def _enqueue(self, row: ParticipationRow, opted_out: set[int]) -> bool:
        if row.member_id in opted_out:
            return False
        self._queue.append(row)
        return True

    async def _flush_full(self) -> None:
        try:
            await self.flush()
        except Exception:
            log.exception("participation batch not written; kept for the next try")
        finally:
            self._flushing = None

    async def add(self, row: ParticipationRow) -> bool:
        """Queue a row; False (and nothing kept) if the member opted out in that server."""
        if not self._enqueue(row, await self.store.opted_out_members(row.guild_id)):
            return False
        if len(self._queue) >= self.max_rows:
            await self.flush()
        return True

    async def flush(self) -> int:
        """Write everything queued now; returns rows newly stored. Failed rows are re-queued."""
        async with self._lock:
            batch, self._queue = self._queue, []
            seen, self._seen = self._seen, {}
            try:
                written = await self.store.record_many(batch) if batch else 0
                if seen:  # after the rows: a crash in between only means reading them again
                    await self.store.advance_cursors(seen)
            except BaseException:  # cancelled too: re-inserting later is harmless (idempotent)
                self._queue[:0] = batch
                for post_id, message_id in seen.items():
                    self.saw(post_id, message_id)
                raise
        if batch and self.on_written is not None:
            try:
                self.on_written(batch)
            except Exception:
                log.exception("telling of %d written rows failed", len(batch))
        return written

    async def delete_message(self, message_id: int) -> int:
        """A message was deleted: drop its queued answer and its stored row."""
        return await self._drop(
            lambda r: r.message_id == message_id and r.kind == ANSWER,
            lambda _: self.store.delete_message(message_id),
        )

    async def delete_reaction(self, message_id: int, member_id: int) -> int:
        if self._remembering:
            self._taken_back.add((message_id, member_id))
        return await self._drop(
            lambda r: (
                r.message_id == message_id and r.member_id == member_id and r.kind == REACTION
            ),
            lambda _: self.store.delete_reaction(message_id, member_id),
        )

    async def clear_reactions(self, message_id: int) -> int:
        """A prompt message's reactions were cleared: drop all its reactions, queued or stored."""
        if self._remembering:
            self._cleared.add(message_id)
        return await self._drop(
            lambda r: r.message_id == message_id and r.kind == REACTION,
            lambda _: self.store.delete_reactions(message_id),
        )

    async def forget(self, guild_id: int, member_id: int) -> int:
        """Erase a member's rows in a server, queued ones included; returns rows erased."""
        if self._remembering:
            self._forgotten.add((guild_id, member_id))
        return await self._drop(
            lambda r: r.guild_id == guild_id and r.member_id == member_id,
            lambda dropped: self.store.forget(
                guild_id, member_id, {r.post_id for r in dropped if r.kind == REACTION}
            ),
        )

    def erased_this_run(self, post: PromptPost, member_id: int) -> bool:
        """The member's reaction on the post was erased while erasures were remembered
        (forgotten, taken back or cleared): a reaction Discord still lists must not be recorded
        again."""
        return (
            (post.guild_id, member_id) in self._forgotten
            or (post.message_id, member_id) in self._taken_back
            or post.message_id in self._cleared
        )

    def remember_erasures(self) -> None:
        """Keep erasures in memory from now on: reactions will be read back from Discord."""
        self._remembering = True

    def drop_erasures(self) -> None:
        """No reading back of reactions is under way: forget the erasures kept, keep no more."""
        self._remembering = False
        self._forgotten.clear()
        self._taken_back.clear()
        self._cleared.clear()

    async def _drop(
        self,
        match: Callable[[ParticipationRow], bool],
        delete: Callable[[list[ParticipationRow]], Awaitable[int]],
    ) -> int:
        """Under the lock (so no row queued meanwhile escapes): take the queued rows ``match``
        picks out of the queue, then ``delete(dropped)`` the stored ones; returns both counts."""
        async with self._lock:
            kept: list[ParticipationRow] = []
            dropped: list[ParticipationRow] = []
            for row in self._queue:
                (dropped if match(row) else kept).append(row)
            self._queue = kept
            return len(dropped) + await delete(dropped)

    def start(self) -> None:
        """Run the delayed flush in the background (call once the event loop runs)."""
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="participation-writer")

    async def run(self) -> None:
        """Every ``max_delay`` seconds, write what is queued, forever. Errors are logged."""
        while True:
            await self._sleep(self.max_delay)
            if self.dirty:
                try:
                    await self.flush()
                except Exception:
                    log.exception("participation batch not written; kept for the next try")

    async def close(self) -> None:
        """Stop the background loop and write everything still queued."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._flushing is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._flushing
        await self.flush()
