"""Stand-ins for discord.py's two request functions: ``HTTPClient.request`` (bot token REST) and
``AsyncWebhookAdapter.request`` (interaction responses and follow-ups).

They record every attempt, answer from the fake server, and reproduce discord.py's own handling
of error statuses, so the bot sees what it would see against Discord:
- ``HTTPClient``: 429 is retried after ``retry_after`` (recorded in ``sleeps``, never slept), or
  raises ``discord.RateLimited`` when ``retry_after`` exceeds the client's
  ``max_ratelimit_timeout``; a 429 without Cloudflare's Via header (``cloudflare=True``) raises
  ``HTTPException`` at once. 500/502/504/524 are retried up to 5 attempts, then raise
  ``DiscordServerError``; other 5xx raise it at once. 403 → Forbidden, 404 → NotFound.
- Webhook adapter: every 5xx is retried up to 5 attempts; 429 is retried.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.http import Route

from bot.devserver.requests import Request
from bot.devserver.state import Handler, route_params

from .failures import DEFAULT_ERRORS, Failure, body_and_files, http_error

log = logging.getLogger(__name__)
RETRIED_BY_HTTP_CLIENT = {500, 502, 504, 524}


class Transport:
    def __init__(self, routes: dict[tuple[str, str], Handler]) -> None:
        self.routes = routes
        self.requests: list[Request] = []
        self.failures: list[Failure] = []
        self.sleeps: list[float] = []  # delays discord.py would have slept before retrying
        self.max_ratelimit_timeout: float | None = None

    def fail_next(
        self,
        method: str,
        pattern: str,
        status: int = 403,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
        exc: BaseException | None = None,
        cloudflare: bool = False,
    ) -> None:
        default_code, default_message = DEFAULT_ERRORS.get(status, (0, f"{status}"))
        self.failures.append(
            Failure(
                method.upper(),
                pattern,
                status,
                default_code if code is None else code,
                message or default_message,
                retry_after,
                exc,
                times,
                cloudflare,
            )
        )

    def _take_failure(self, req: Request) -> Failure | None:
        for failure in self.failures:
            if failure.times > 0 and req.matches(failure.method, failure.pattern):
                failure.times -= 1
                return failure
        return None

    def _new_request(self, route: Route, via: str, kwargs: dict[str, Any], form: Any, files: Any):
        path = route.url[len(Route.BASE) :].split("?")[0]
        body, attached = body_and_files(kwargs, form, files)
        params = {k: v for k, v in (kwargs.get("params") or {}).items()}
        return Request(
            route.method, path, route.path, body, attached, kwargs.get("reason"), params, via
        )

    def _answer(self, req: Request) -> tuple[int, Any]:
        handler = self.routes.get((req.method, req.route))
        if handler is None:
            raise AssertionError(
                f"fake Discord has no answer for {req.method} {req.route}; add one with "
                "FakeDiscord.respond(method, route_template, handler)"
            )
        return handler(req, route_params(req.route, req.path))

    def _attempt(self, route: Route, via: str, kwargs: dict, form: Any, files: Any):
        """One attempt: returns (request, failure or None); records the request."""
        req = self._new_request(route, via, kwargs, form, files)
        self.requests.append(req)
        failure = self._take_failure(req)
        if failure is not None:
            req.status = failure.status
            if failure.exc is not None:
                raise failure.exc
            req.response = failure.body()
            return req, failure
        req.status, req.response = self._answer(req)
        if req.status >= 400:
            raise http_error(req.status, req.response)
        return req, None

    async def http_request(self, route: Route, *, files=None, form=None, **kwargs: Any) -> Any:
        failure = None
        for attempt in range(5):
            req, failure = self._attempt(route, "http", kwargs, form, files)
            if failure is None:
                return req.response
            if failure.status == 429:
                retry_after = failure.retry_after or 1.0
                if failure.cloudflare:
                    raise http_error(429, req.response)
                if self.max_ratelimit_timeout and retry_after > self.max_ratelimit_timeout:
                    raise discord.RateLimited(retry_after)
                self.sleeps.append(retry_after)
                continue
            if failure.status in RETRIED_BY_HTTP_CLIENT:
                self.sleeps.append(1 + attempt * 2)
                continue
            raise http_error(failure.status, req.response)
        raise http_error(failure.status, req.response)  # out of retries, as discord.py does

    async def webhook_request(self, route: Route, session: Any = None, **kwargs: Any) -> Any:
        failure = None
        for attempt in range(5):
            req, failure = self._attempt(route, "webhook", kwargs, None, kwargs.get("files"))
            if failure is None:
                return req.response
            if failure.status == 429 and not failure.cloudflare:
                self.sleeps.append(failure.retry_after or 1.0)
                continue
            if failure.status >= 500:
                self.sleeps.append(1 + attempt * 2)
                continue
            raise http_error(failure.status, req.response)
        raise http_error(failure.status, req.response)
