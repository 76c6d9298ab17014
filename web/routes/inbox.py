"""The approval inbox (SPEC §10): the visitor's steps, oldest first, with hours waiting;
approve or reject in place (the forms post to the contract's own actions)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import report_bodies
from api.dependencies import Application, Views, with_loans
from web.render import asked_of, linker, page, place_asked
from web.session import Visitor

router = APIRouter(include_in_schema=False)


PAGE = 50  # steps a page shows, the longest waiting first


@router.get("/inbox")
def inbox(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    asked = asked_of(request)
    offset = place_asked(asked)
    body = report_bodies.inbox(views, with_loans(app, views, user.actor), PAGE, offset)
    for item in body["items"]:
        item["once"] = secrets.token_urlsafe(16)
    return page(
        request, "inbox.html", user, items=body["items"], total=body["total"], offset=offset,
        limit=PAGE, link=linker("/inbox", asked),
    )  # fmt: skip
