"""Pages rendered from Jinja2 templates, each with what every page needs: the signed-in
user and their navigation, the catalogue of the page's language, the CSRF token for its
forms, and a message left by the last form posted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.users import User
from web import formats
from web.i18n import catalogue, language_of
from web.navigation import Item, items_for
from web.session import csrf_token

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["money"] = formats.money
templates.env.filters["day"] = formats.day


def asked_of(request: Request) -> dict[str, str]:
    """The page's query as asked: its parameters that hold something."""
    return {key: value for key, value in request.query_params.items() if value}


def place_asked(asked: dict[str, str], key: str = "offset") -> int:
    """Where a paged page starts (`offset`, or the log's `after`): 0 unless a whole number
    was asked."""
    return int(asked[key]) if asked.get(key, "").isdigit() else 0


def linker(path: str, asked: dict[str, str]) -> Callable[..., str]:
    """Links to `path` with the page's query as asked, changed as given (a sort, a page)."""

    def link(**changes: Any) -> str:
        merged = {**asked, **{key: str(value) for key, value in changes.items()}}
        return f"{path}?" + urlencode({k: v for k, v in merged.items() if v not in ("", "None")})

    return link


def language(request: Request) -> str:
    """The page's language: asked for (`?lang=`), else remembered, else Chinese."""
    chosen = language_of(request.query_params.get("lang"), request.session.get("lang"))
    request.session["lang"] = chosen
    return chosen


def page(
    request: Request, template: str, user: User | None, *, status: int = 200, **context: Any
) -> HTMLResponse:
    lang = language(request)
    zone: ZoneInfo = request.app.state.application.timezone
    t = catalogue(lang)
    nav = items_for(user.actor) if user else []
    return templates.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "lang": lang,
            "user": user,
            "nav": nav,
            "active": active_item(nav, request.url.path),
            "csrf": csrf_token(request),
            "flash": request.session.pop("flash", None),
            "moment": lambda value: formats.moment(value, zone),
            "person": lambda user_id: _person(request, user_id),
            **context,
        },
        status_code=status,
    )


def _person(request: Request, user_id: str | None) -> str:
    """A user as people know them: their name, with their id when it differs."""
    if not user_id:
        return ""
    known = request.app.state.directory.users.get(user_id)
    return f"{known.name} ({user_id})" if known and known.name != user_id else user_id


def active_item(nav: list[Item], path: str) -> Item | None:
    """The navigation item a page belongs to: the longest path that leads to it."""
    matching = [item for item in nav if path == item.path or path.startswith(item.path + "/")]
    return max(matching, key=lambda item: len(item.path), default=None)


def done(request: Request, to: str, message: str) -> RedirectResponse:
    """After a form did what it asked: back to a page (303), with a word of what was done."""
    request.session["flash"] = message
    return RedirectResponse(to, status_code=303)
