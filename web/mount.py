"""The web pages, added to the service's own app: a signed session cookie, security
headers on every page, the stylesheet and script, the pages' routes, and refusals written
as pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import Refusal
from web.render import page
from web.routes import (
    audit,
    complaints,
    contract_page,
    contracts,
    customers,
    delegations,
    inbox,
    receivables,
    signing,
)
from web.session import (
    COOKIE,
    MAX_AGE,
    SignInRequired,
    StaleForm,
    session_secret,
    signed_in_user,
)

STATIC = Path(__file__).parent / "static"
NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/static/", "/metrics")
HEADERS = {
    # No inline script, nothing from another host; the SVG drawings use attributes only.
    b"content-security-policy": b"default-src 'self'; script-src 'self'; style-src 'self'; "
    b"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}


class PageHeaders:
    """Security headers on every page (not on the API or the API documentation)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(NOT_PAGES):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers)


def install_pages(app: FastAPI, users_file: Path) -> None:
    app.add_middleware(PageHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(users_file),
        session_cookie=COOKIE,
        max_age=MAX_AGE,
        same_site="strict",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        signing, inbox, contracts, contract_page, customers, receivables, complaints,
        delegations, audit,
    ):  # fmt: skip
        app.include_router(module.router)
    app.add_exception_handler(SignInRequired, _to_sign_in)
    app.add_exception_handler(StaleForm, _stale_form)


def refusal_page(request: Request, refusal: Refusal) -> Response:
    """A refusal for a browser: the not-found page for 404 (also for another's contract),
    otherwise the page of what went wrong, in the visitor's language."""
    template = "not_found.html" if refusal.status == 404 else "refused.html"
    user = signed_in_user(request)
    return page(request, template, user, status=refusal.status, refusal=refusal)


def _to_sign_in(request: Request, _: Exception) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _stale_form(request: Request, _: Exception) -> Response:
    refusal = Refusal(403, "csrf", "the form did not carry this session's token")
    return page(request, "refused.html", signed_in_user(request), status=403, refusal=refusal)
