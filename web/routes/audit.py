"""The audit page (SPEC §10): the global log with its filters, and verifying the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import audit_log, audit_verify
from api.dependencies import Application, Views
from domain.contracts.policy import authorize_audit
from domain.errors import InvalidInputError
from web.render import page
from web.session import Posted, Visitor

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/audit")
def audit(request: Request, user: Visitor, app: Application) -> Response:
    return _audit(request, user, app, None)


@router.post("/audit/verify")
def verify(request: Request, user: Visitor, app: Application, views: Views, _: Posted) -> Response:
    authorize_audit(user.actor)
    views.refresh("seal")
    return _audit(request, user, app, audit_verify.verify(app, views.views["seal"]))  # type: ignore[arg-type]


def _audit(request: Request, user: Any, app: Any, verification: dict[str, Any] | None) -> Response:
    authorize_audit(user.actor)
    asked = {key: value for key, value in request.query_params.items() if value}
    wanted = _filter(asked, app.timezone)
    after = int(asked["after"]) if asked.get("after", "").isdigit() else 0
    events, next_after = audit_log.matching(app, after, PAGE, wanted)
    return page(
        request, "audit.html", user, events=events, next_after=next_after, asked=asked,
        verification=verification, head=app.recorder.max_notification_id() or 0,
    )  # fmt: skip


def _filter(asked: dict[str, str], zone: Any) -> audit_log.LogFilter:
    try:
        return audit_log.LogFilter(
            actor=asked.get("actor"),
            aggregate_id=str(UUID(asked["aggregate_id"])) if "aggregate_id" in asked else None,
            type=asked.get("type"),
            since=_moment(asked.get("from"), zone),
            until=_moment(asked.get("to"), zone),
        )
    except ValueError:
        raise InvalidInputError("a filter of the log is not valid") from None


def _moment(text: str | None, zone: Any) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=zone) if text else None
