"""The global log for auditors (SPEC §6): pages in position order, and NDJSON / CSV exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api import audit_log, audit_verify, fields
from api.dependencies import Application, CurrentActor, Views
from api.fields import MAX_POSITION
from api.problems import problem_responses
from domain.contracts.policy import authorize_audit

router = APIRouter(prefix="/audit", tags=["audit"], responses=problem_responses(401, 403, 422, 503))
MEDIA = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


class LogEntry(BaseModel):
    position: int
    aggregate_type: str
    aggregate_id: str
    version: int
    type: str
    recorded_at: str | None
    actor: str | None
    data: dict[str, Any]


class Log(BaseModel):
    events: list[LogEntry]
    next_after: int


@router.get(
    "/log",
    response_model=Log,
    responses={200: {"content": {MEDIA["ndjson"]: {}, MEDIA["csv"]: {}}, "description": "the log"}},
)
def log(
    app: Application,
    actor: CurrentActor,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    fmt: Annotated[Literal["json", "ndjson", "csv"], Query(alias="format")] = "json",
    by: Annotated[fields.Identifier | None, Query(alias="actor")] = None,
    aggregate_id: Annotated[UUID | None, Query()] = None,
    event_type: Annotated[str | None, Query(alias="type", pattern=r"^[A-Za-z]{1,64}$")] = None,
    since: Annotated[fields.Timestamp | None, Query(alias="from")] = None,
    until: Annotated[fields.Timestamp | None, Query(alias="to")] = None,
) -> Any:
    """Events after position `after`, oldest first, by `actor`, `aggregate_id`, `type` and
    recording time `from`/`to`; `format=ndjson|csv` streams all of them. A filtered page
    reads a bounded stretch of the log: go on from `next_after`."""
    authorize_audit(actor)
    if fmt != "json":
        headers = {"Content-Disposition": f'attachment; filename="contractflow-log.{fmt}"'}
        lines = audit_log.export_lines(app, fmt, after)
        return StreamingResponse(lines, media_type=MEDIA[fmt], headers=headers)
    wanted = audit_log.LogFilter(
        by, str(aggregate_id) if aggregate_id else None, event_type, since, until
    )
    events, next_after = audit_log.matching(app, after, limit, wanted)
    return {"events": events, "next_after": next_after}


class Problem(BaseModel):
    position: int
    aggregate_id: str
    version: int
    problem: str


class Verification(BaseModel):
    ok: bool
    checked: int
    digest: str
    problems: list[Problem]


@router.get("/verify", response_model=Verification)
def verify(app: Application, views: Views, actor: CurrentActor) -> dict[str, Any]:
    """Check every stored event against its chain and the audit seal; `digest` covers
    the whole log in order, for comparing with one taken before."""
    authorize_audit(actor)
    views.refresh("seal")
    return audit_verify.verify(app, views.views["seal"])  # type: ignore[arg-type]
