"""Turns errors the bot only logs into test failures.

discord.py logs exceptions raised by listeners (``Client.on_error``), app commands
(``CommandTree.on_error``) and views instead of raising them; the bot's own handlers log too.
Every ERROR record from the ``discord``, ``bot`` and ``asyncio`` loggers is kept, as is any
exception a task ended with; a test must acknowledge them with ``take()`` or it fails.
"""

from __future__ import annotations

import asyncio
import logging
import traceback

WATCHED_LOGGERS = ("discord", "bot", "asyncio")


class _Collector(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        self.sink.append(text)


class ErrorLog:
    def __init__(self) -> None:
        self.entries: list[str] = []
        self._handler = _Collector(self.entries)

    def install(self) -> None:
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).addHandler(self._handler)

    def uninstall(self) -> None:
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).removeHandler(self._handler)

    def check_task(self, task: asyncio.Task) -> None:
        if task.cancelled():
            return
        exc = task.exception()  # also marks it retrieved, so asyncio does not log it again
        if exc is not None:
            trace = "".join(traceback.format_exception(exc)).rstrip()
            self.entries.append(f"task {task.get_name()} failed:\n{trace}")

    def take(self) -> list[str]:
        taken = list(self.entries)
        self.entries.clear()
        return taken

    def assert_none(self) -> None:
        if self.entries:
            joined = "\n\n".join(self.entries)
            self.entries.clear()
            raise AssertionError(
                "the bot logged errors (call fd.take_errors() in tests that expect them):\n"
                + joined
            )
