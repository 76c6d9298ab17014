"""The approval inbox: what the caller may grant now, oldest submission first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import report_bodies, report_schemas
from api.dependencies import LendingActor, Views
from api.problems import problem_responses

router = APIRouter(prefix="/approvals", tags=["approvals"], responses=problem_responses(401, 503))


@router.get("/inbox", response_model=report_schemas.Inbox)
def inbox(views: Views, actor: LendingActor) -> dict[str, Any]:
    """Steps of review rounds and amendments your role may grant and maker–checker allows,
    and those of roles delegated to you today (decide them with `on_behalf_of`)."""
    return report_bodies.inbox(views, actor)
