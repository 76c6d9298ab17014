"""The approval inbox: what the caller may grant now, oldest submission first."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import fields, report_bodies, report_schemas
from api.dependencies import LendingActor, Views
from api.problems import problem_responses

router = APIRouter(
    prefix="/approvals", tags=["approvals"], responses=problem_responses(401, 422, 503)
)


@router.get("/inbox", response_model=report_schemas.Inbox)
def inbox(
    views: Views,
    actor: LendingActor,
    limit: Annotated[int | None, Query(ge=1, le=500)] = None,
    offset: Annotated[int, Query(ge=0, le=fields.MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """Steps of review rounds and amendments your role may grant and maker–checker allows,
    and those of roles delegated to you today (decide them with `on_behalf_of`); the
    longest waiting first. All of them, or a page: `limit` (at most 500) from `offset`."""
    return report_bodies.inbox(views, actor, limit, offset)
