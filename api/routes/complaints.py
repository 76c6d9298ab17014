"""Complaint routes (SPEC §3, §8): receive, list, read with time travel, assign, handle,
revisit, history, and the loop view.

This module keeps its annotations evaluated (no `from __future__ import annotations`):
each action's route is made by `_route` with its body class, which FastAPI must see."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import fields, schemas
from api.complaint_commands import COMMANDS, Command, ensure_handler
from api.dependencies import (
    Application,
    CurrentActor,
    Directory,
    ExpectedVersion,
    Views,
    parse_id,
)
from api.presenters import complaint_body, history_body
from api.problems import problem_responses
from api.replies import ComplaintReplies
from domain.complaints.policy import authorize_reading
from domain.errors import InvalidInputError

router = APIRouter(
    prefix="/complaints",
    tags=["complaints"],
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 503),
)
ComplaintId = Annotated[str, "the complaint's id"]


Reply = ComplaintReplies


@router.post("", status_code=201, response_model=schemas.ComplaintOut)
def receive(
    body: schemas.ComplaintReceive, app: Application, views: Views, actor: CurrentActor,
    reply: Reply,
) -> Response:  # fmt: skip
    """受理: record a complaint; its handling is due within the service level."""
    complaint = app.complaints.receive(actor, body.details(), body.received_at, once=reply.once)
    return _answered(views, reply, complaint)


@router.get("", response_model=schemas.ComplaintList)
def list_complaints(
    app: Application,
    views: Views,
    actor: CurrentActor,
    state: schemas.ComplaintState | None = None,
    customer_id: fields.Identifier | None = None,
    category: schemas.Category | None = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=fields.MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """Complaints, oldest first: by state, customer, category, or overdue now."""
    owner = authorize_reading(actor)
    views.refresh("complaints")
    filters = {
        "state": state, "customer_id": customer_id, "category": category,
        "contract_owner": owner, "overdue": overdue,
    }  # fmt: skip
    ids, total = views.complaints.search(filters, datetime.now(UTC), limit, offset)
    items = [complaint_body(app.complaints.get(actor, UUID(i)), actor) for i in ids]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/loop", response_model=schemas.ComplaintLoop)
def loop(
    views: Views, actor: CurrentActor, as_of: fields.Timestamp | None = None
) -> dict[str, Any]:
    """投诉闭环: counts by state, overdue handling and revisits, reopened, time to handle,
    satisfaction, by category; as the loop stood at `as_of` (now by default)."""
    owner = authorize_reading(actor)
    as_of = as_of or datetime.now(UTC)
    views.refresh("complaints")
    return {"as_of": as_of, **views.complaints.loop(as_of, owner)}


@router.get("/{complaint_id}", response_model=schemas.ComplaintOut)
def get_complaint(
    complaint_id: ComplaintId, app: Application, actor: CurrentActor, reply: Reply,
    version: Annotated[int | None, Query(ge=1, le=fields.MAX_POSITION)] = None,
    as_of: fields.Timestamp | None = None,
) -> Response:  # fmt: skip
    """One complaint; `version=N` or `as_of=<timestamp>` shows it as it stood then."""
    if version is not None and as_of is not None:
        raise InvalidInputError("give version or as_of, not both")
    return reply(app.complaints.get(actor, parse_id(complaint_id), version=version, as_of=as_of))


@router.get("/{complaint_id}/history", response_model=schemas.History)
def complaint_history(
    complaint_id: ComplaintId, app: Application, actor: CurrentActor
) -> dict[str, Any]:
    """Every event of the complaint in order, with its recording time and actor."""
    uuid = parse_id(complaint_id)
    return history_body(uuid, app.complaints.history(actor, uuid))


def _route(command: Command) -> Callable[..., Response]:
    body_class = command.body

    def act(
        complaint_id: ComplaintId, body: body_class, app: Application, views: Views,  # type: ignore[valid-type]
        actor: CurrentActor, users: Directory, expected: ExpectedVersion, reply: Reply,
    ) -> Response:  # fmt: skip
        ensure_handler(users, body)
        how = {"expected": expected, "once": reply.once}
        complaint = command.run(app.complaints, actor, parse_id(complaint_id), body, how)
        return _answered(views, reply, complaint)

    return act


for _action, _command in COMMANDS.items():
    router.add_api_route(
        f"/{{complaint_id}}/{_action}", _route(_command), methods=["POST"],
        response_model=schemas.ComplaintOut, name=f"complaint {_action}",
        summary=_action.capitalize(), description=_command.does,
    )  # fmt: skip


def _answered(views: Views, reply: Reply, complaint: Any) -> Response:
    """The complaint is saved: that is the answer, whatever the views are doing. Contract
    responses count open complaints from the complaints view, so it is brought up to date
    first when that is quick."""
    views.settle("complaints")
    return reply(complaint)
