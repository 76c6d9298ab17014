"""Delegations (SPEC §2.2) as a page: the ones the visitor gave, received or (as a manager,
director or auditor) may see; lending a role; revoking one."""

from __future__ import annotations

import secrets
from contextlib import suppress
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import report_bodies, schemas
from api.dependencies import Application, Directory, Views, parse_id
from domain.delegations.service import DELEGABLE_ROLES
from domain.errors import InvalidInputError
from domain.idempotency import Replayed
from web.forms import fields_of
from web.i18n import catalogue
from web.posting import Failed, posted
from web.render import done, language, page
from web.session import Posted, Visitor, form_once

router = APIRouter(include_in_schema=False)


@router.get("/delegations")
def delegations(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    return _page(request, user, app, views)


def _page(
    request: Request, user: Any, app: Any, views: Any, *,
    failed: Failed | None = None, status: int = 200,
) -> Response:  # fmt: skip
    roles = sorted(DELEGABLE_ROLES & user.actor.roles)
    return page(
        request, "delegations.html", user, status=status,
        items=report_bodies.delegations(app, views, user.actor),
        lending=roles, fields=fields_of(schemas.DelegationCreate),
        once=secrets.token_urlsafe(16), failed=failed or Failed("delegate", {}),
    )  # fmt: skip


@router.post("/delegations")
def delegate(
    request: Request, user: Visitor, app: Application, views: Views, users: Directory,
    form: Posted,
) -> Response:  # fmt: skip
    def run(body: Any, once: Any) -> str:
        if body.to not in users.users:
            raise InvalidInputError(f"{body.to!r} is not a known user")
        app.delegations.create(
            user.actor, body.to, body.role, body.starts_on, body.ends_on, body.reason, once=once
        )
        views.settle("delegations")
        return "/delegations"

    def again(failed: Failed, status: int) -> Response:
        return _page(request, user, app, views, failed=failed, status=status)

    return posted(
        request, user, form, "delegate", schemas.DelegationCreate, run, again, "/delegations"
    )


@router.post("/delegations/{delegation_id}/revoke")
def revoke(
    request: Request, delegation_id: str, user: Visitor, app: Application, views: Views,
    form: Posted,
) -> Response:  # fmt: skip
    with suppress(Replayed):  # a second click: done the first time
        app.delegations.revoke(user.actor, parse_id(delegation_id), once=form_once(user, form))
    views.settle("delegations")
    t = catalogue(language(request))
    return done(request, "/delegations", t("page.done", action=t("action.revoke")))
