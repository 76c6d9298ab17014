"""The audit page (SPEC §10): the global log with its filters, and verifying the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from api import audit_log, audit_tree, audit_verify
from api.dependencies import Application, Views
from domain.contracts.policy import authorize_audit
from domain.errors import InvalidInputError
from projections.access_register import AccessRegister
from web.render import asked_of, page, place_asked
from web.session import Posted, Visitor

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/audit")
def audit(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    return _audit(request, user, app, views, None)


@router.post("/audit/verify")
def verify(request: Request, user: Visitor, app: Application, views: Views, _: Posted) -> Response:
    authorize_audit(user.actor)
    return _audit(request, user, app, views, audit_verify.verify_log(views))


def _audit(
    request: Request, user: Any, app: Any, views: Any, verification: dict[str, Any] | None
) -> Response:
    authorize_audit(user.actor)
    asked = asked_of(request)
    wanted = _filter(asked, app.timezone)
    after = place_asked(asked, "after")
    events, next_after = audit_log.matching(app, after, PAGE, wanted)
    register: AccessRegister = request.app.state.access_register
    reads = register.search(
        user_id=wanted.actor, subject=wanted.aggregate_id, limit=PAGE, newest_first=True
    )
    views.refresh("tree")
    checkpoint = views.views["tree"].latest_checkpoint()  # type: ignore[attr-defined]
    return page(
        request, "audit.html", user, events=events, next_after=next_after, asked=asked,
        verification=verification, head=app.recorder.max_notification_id() or 0,
        reads=reads, checkpoint=checkpoint,
    )  # fmt: skip


@router.get("/audit/checkpoint.txt")
def checkpoint_file(user: Visitor, views: Views) -> Response:
    """The latest checkpoint as a file, for the auditor to keep."""
    authorize_audit(user.actor)
    views.refresh("tree")
    note = audit_tree.latest(views.views["tree"])["note"]  # type: ignore[arg-type]
    disposition = 'attachment; filename="contractflow-checkpoint.txt"'
    return PlainTextResponse(note, headers={"Content-Disposition": disposition})


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
