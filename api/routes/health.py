"""`GET /api/health`: no authentication; what store is behind the service and how far it is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import Application

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str
    log_position: int


@router.get("/health", response_model=Health)
def health(app: Application) -> dict[str, Any]:
    """The store's kind and the position of the newest event in the log."""
    module = app.factory.__module__.rsplit(".", 1)[-1]
    kind = {"popo": "memory", "sqlite": "sqlite", "postgres": "postgresql"}.get(module, module)
    return {
        "status": "ok",
        "database": kind,
        "log_position": app.recorder.max_notification_id() or 0,
    }
