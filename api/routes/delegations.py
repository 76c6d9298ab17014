"""Delegations (SPEC §2.2): lend an approving role for a date range, revoke it, list them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response

from api import report_bodies, schemas
from api.dependencies import Application, CurrentActor, Directory, Views, parse_id
from api.problems import problem_responses
from api.replies import DelegationReplies
from domain.errors import InvalidInputError

router = APIRouter(
    prefix="/delegations",
    tags=["delegations"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
)
DelegationId = Annotated[str, "the delegation's id"]


@router.post("", status_code=201, response_model=schemas.DelegationOut)
def create_delegation(
    body: schemas.DelegationCreate,
    app: Application,
    views: Views,
    actor: CurrentActor,
    users: Directory,
    reply: DelegationReplies,
) -> Response:
    """Lend one of your approving roles to `to` from `starts_on` to `ends_on` (both
    included): they decide that role's approval and amendment steps on your behalf."""
    if body.to not in users.users:
        raise InvalidInputError(f"{body.to!r} is not a known user")
    delegation = app.delegations.create(
        actor, body.to, body.role, body.starts_on, body.ends_on, body.reason, once=reply.once
    )
    views.settle("delegations")
    return reply(delegation)


@router.post("/{delegation_id}/revoke", response_model=schemas.DelegationOut)
def revoke_delegation(
    delegation_id: DelegationId,
    app: Application,
    views: Views,
    actor: CurrentActor,
    reply: DelegationReplies,
) -> Response:
    """End a delegation now (its delegator, or a director)."""
    delegation = app.delegations.revoke(actor, parse_id(delegation_id), once=reply.once)
    views.settle("delegations")
    return reply(delegation)


@router.get("", response_model=schemas.DelegationList)
def list_delegations(app: Application, views: Views, actor: CurrentActor) -> dict[str, Any]:
    """Delegations you gave or received; managers, directors and auditors see all. One
    whose last day has passed is recorded as expired when it is first listed after."""
    return {"items": report_bodies.delegations(app, views, actor)}
