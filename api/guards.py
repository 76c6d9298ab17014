"""ASGI middleware that runs before any API route: authentication first, then body size.

Doing both here keeps SPEC §8's order: 401 always comes first, whatever else is wrong.
The web pages sign their users in with a session instead (`web.session`); their bodies
are capped here too.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem
from api.users import UserDirectory

API = "/api/"
PUBLIC_PATHS = frozenset({"/api/health"})


class BodyTooLargeError(HTTPException):
    """Raised while a streamed body grows past the limit; the problem handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")


class Gatekeeper:
    """Resolves the bearer token to a user (401 otherwise) and caps request bodies (413)."""

    def __init__(self, app: ASGIApp, directory: UserDirectory, max_body_bytes: int) -> None:
        self.app = app
        self.directory = directory
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if not scope["path"].startswith(API):
            await self._capped_app(scope, receive, send)
            return
        user = self._user(scope)
        if self.directory.broken:
            await problem(
                503, "users_unavailable", "the users file cannot be read; see the service log"
            )(scope, receive, send)
            return
        if user is None:
            await problem(401, "unauthenticated", "a valid bearer token is required")(
                scope, receive, send
            )
            return
        scope.setdefault("state", {})["user"] = user
        await self._capped_app(scope, receive, send)

    async def _capped_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        await self.app(scope, self._capped(receive), send)

    def _user(self, scope: Scope) -> Any:
        scheme, _, token = (_header(scope, b"authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.directory.authenticate(token.strip())

    def _capped(self, receive: Receive) -> Receive:
        seen = 0

        async def capped_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body_bytes:
                raise BodyTooLargeError(self.max_body_bytes)
            return message

        return capped_receive

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = BodyTooLargeError(self.max_body_bytes).detail
        await problem(413, "too_large", detail)(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
