"""Every request observed once, as it is answered (SPEC §9): its request id — the client's
`X-Request-ID` when that is a sane token, else a fresh one — sent back in that header on
every answer, refusals and 404s included; one JSON log line; the request, latency and
command metrics.

A pure ASGI middleware, the outermost, so that it sees every answer (the error boundary's
500s too), with no task per request as Starlette's BaseHTTPMiddleware would start: about
30 µs a request, most of it the log line and the request id's randomness.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import Metrics

HEADER = b"x-request-id"
SANE_ID = re.compile(rb"[\x21-\x7e]{1,128}")  # printable ASCII, no spaces: safe to log and echo
UNMATCHED = "unmatched"  # no route serves the path, or it was refused before routing (401)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
COMMANDS = frozenset({"POST", "PATCH"})  # every POST and PATCH of the API is a command
request_log = logging.getLogger("contractflow.requests")


class RequestObserver:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        status = 500  # an error escaping before any answer: the server answers 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, request_id)]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._observed(scope, request_id.decode(), status, time.perf_counter() - started)

    def _observed(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = route_template(scope) or UNMATCHED
        state = scope.get("state", {})
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.duration.labels(method, route).observe(seconds)
        command = _command(scope)
        if command is not None:
            outcome = state.get("outcome") or ("ok" if status < 400 else "error")
            self.metrics.commands.labels(command, outcome).inc()
        fields = {
            "request_id": request_id,
            "user": getattr(state.get("user"), "id", None),
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
        }
        request_log.info("%s %s %s", method, route, status, extra={"fields": fields})


def route_template(scope: Scope) -> str | None:
    """The matched route's path template (`/api/contracts/{contract_id}`), never the path
    itself, so that labels stay few; None when no route matched."""
    route = scope.get("route")
    if route is None:
        return None
    # The API's routes know their path within the /api router only.
    return ("/api" if scope["path"].startswith("/api/") else "") + route.path


def _request_id(scope: Scope) -> bytes:
    for key, value in scope["headers"]:
        if key == HEADER:
            if SANE_ID.fullmatch(value):
                return value
            break
    return uuid.uuid4().hex.encode()


def _command(scope: Scope) -> str | None:
    """The name of the API route a POST or PATCH reached (not a 404 or 405): the command."""
    route = scope.get("route")
    if route is None or scope["method"] not in COMMANDS or not scope["path"].startswith("/api/"):
        return None
    return route.name if scope["method"] in getattr(route, "methods", ()) else None
