"""The approval inbox (SPEC §10): the visitor's steps, oldest first, with hours waiting;
approve or reject in place (the forms post to the contract's own actions)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import report_bodies
from api.dependencies import Application, Views, with_loans
from web.render import page
from web.session import Visitor

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
def inbox(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    items = report_bodies.inbox(views, with_loans(app, views, user.actor))["items"]
    for item in items:
        item["once"] = secrets.token_urlsafe(16)
    return page(request, "inbox.html", user, items=items)
