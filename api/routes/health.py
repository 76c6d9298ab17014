"""`GET /api/health`: no authentication; the store behind the service and how far each
read model has got."""

from __future__ import annotations

import os
from typing import Any

from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import Application, Views

router = APIRouter(tags=["health"])


class ViewPosition(BaseModel):
    position: int
    lag: int
    stuck: str | None  # the event the view stopped before, if it met one it cannot apply


class Health(BaseModel):
    status: str
    database: str
    log_position: int
    projections: dict[str, ViewPosition]
    projections_error: str | None
    pid: int  # the process that answered: `serve --workers N` runs several on one port


@router.get("/health", response_model=Health)
def health(app: Application, views: Views) -> dict[str, Any]:
    """The store's kind, the newest event's position, and each view's position and lag."""
    kind = (
        "postgresql"
        if isinstance(app.factory, PostgresFactory)
        else "sqlite"
        if isinstance(app.factory, SQLiteFactory)
        else "memory"
    )
    problem = views.problem()
    return {
        "status": "ok" if problem is None else "degraded",
        "database": kind,
        "log_position": views.head(),
        "projections": views.status(),
        "projections_error": problem,
        "pid": os.getpid(),
    }
