"""The approval inbox: what the caller may grant now, oldest submission first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api import report_bodies, report_schemas
from api.dependencies import CurrentActor, Views
from api.problems import problem_responses

router = APIRouter(prefix="/approvals", tags=["approvals"], responses=problem_responses(401, 503))


@router.get("/inbox", response_model=report_schemas.Inbox)
def inbox(views: Views, actor: CurrentActor) -> dict[str, Any]:
    """Contracts in review with a step your role may grant and maker–checker allows."""
    return report_bodies.inbox(views, actor)
