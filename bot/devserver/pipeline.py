"""Every REST request to the server passes here: it is logged, then failed, held or handed to
its route."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from .control import BODY, Failure, Hold, LoggedRequest, error, read_body, scripted_error


class Pipeline:
    def __init__(self, prefix: str, notify: Callable[[], None]) -> None:
        self.prefix = prefix
        self.notify = notify
        self.requests: list[LoggedRequest] = []
        self.failures: list[Failure] = []
        self.holds: list[Hold] = []

    @web.middleware
    async def middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if not request.path.startswith(self.prefix + "/"):
            return await handler(request)
        request[BODY] = await read_body(request)
        path = request.path[len(self.prefix) :]
        record = LoggedRequest(request.method, path, dict(request.query), request[BODY][0])
        self.requests.append(record)
        try:
            response = await self._answer(request, record, handler)
        except web.HTTPException as exc:  # unknown route or method
            response = error(exc.status, f"{exc.status}: {exc.reason}")
        record.status = response.status
        record.answered_at = time.monotonic()
        self.notify()
        return response

    async def _answer(
        self, request: web.Request, record: LoggedRequest, handler: Callable
    ) -> web.StreamResponse:
        failure = next((f for f in self.failures if record.matches(f.method, f.pattern)), None)
        if failure is not None:
            failure.times -= 1
            if failure.times <= 0:
                self.failures.remove(failure)
            return scripted_error(failure)
        hold = next((h for h in self.holds if record.matches(h.method, h.pattern)), None)
        if hold is None:
            return await handler(request)
        self.holds.remove(hold)
        response = await handler(request) if hold.apply_first else None
        self.notify()
        await hold.wait(record)
        return response or await handler(request)

    def release_all(self) -> None:
        for hold in self.holds:
            hold.release()
