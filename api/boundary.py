"""The last line: an error nothing else answered is a bug, logged with its traceback and
answered 500 problem+json, and the connection stays usable for the client's next request
(left to the server, an error after the response began would close it)."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem

logger = logging.getLogger("contractflow.errors")


class ErrorBoundary:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:  # the boundary: every other error has its own handler
            logger.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if started:
                raise  # half a response cannot be mended: the server closes the connection
            await problem(500, "internal_error", "an unexpected error; it has been logged")(
                scope, receive, send
            )
