"""The global log for auditors (SPEC §6): pages in position order, and NDJSON / CSV exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel

from api import audit_log, audit_tree, audit_verify, fields
from api.dependencies import Application, CurrentActor, Views
from api.fields import MAX_POSITION
from api.problems import problem_responses
from domain.contracts.policy import authorize_audit
from projections.access_register import AccessRegister
from projections.view import recorded

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
    tree_size: int
    checkpoint: str | None  # the latest signed checkpoint the log agrees with
    signed_by: str | None  # null: checkpoints unsigned (no CONTRACTFLOW_AUDIT_SIGNING_KEY)


@router.get("/verify", response_model=Verification)
def verify(views: Views, actor: CurrentActor) -> dict[str, Any]:
    """Check every stored event against its chain, the audit seal and every checkpoint the
    service's key signed; `digest` covers the whole log in order, for comparing with one
    taken before."""
    authorize_audit(actor)
    return audit_verify.verify_log(views)


@router.get("/checkpoint", response_class=PlainTextResponse)
def checkpoint(views: Views, actor: CurrentActor) -> PlainTextResponse:
    """The latest checkpoint of the log's Merkle tree as a C2SP signed note (unsigned when
    the service holds no signing key): keep it, and check the log against it later."""
    authorize_audit(actor)
    views.refresh("tree")
    return PlainTextResponse(audit_tree.latest(views.views["tree"])["note"])  # type: ignore[arg-type]


class InclusionProof(BaseModel):
    position: int
    leaf_index: int
    tree_size: int
    leaf: str  # base64 of the event's canonical encoding
    leaf_hash: str
    audit_path: list[str]
    root_hash: str


@router.get("/proof/inclusion", response_model=InclusionProof)
def inclusion_proof(
    app: Application,
    views: Views,
    actor: CurrentActor,
    position: Annotated[int, Query(ge=1, le=MAX_POSITION)],
    tree_size: Annotated[int | None, Query(ge=1, le=MAX_POSITION)] = None,
) -> dict[str, Any]:
    """RFC 9162 §2.1.3: the audit path proving the event at `position` is in the tree of
    `tree_size` leaves (the latest checkpoint's by default)."""
    authorize_audit(actor)
    views.refresh("tree")
    return audit_tree.inclusion(app, views.views["tree"], position, tree_size)  # type: ignore[arg-type]


class ConsistencyProof(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


@router.get("/proof/consistency", response_model=ConsistencyProof)
def consistency_proof(
    views: Views,
    actor: CurrentActor,
    first: Annotated[int, Query(ge=1, le=MAX_POSITION)],
    second: Annotated[int, Query(ge=1, le=MAX_POSITION)],
) -> dict[str, Any]:
    """RFC 9162 §2.1.4: the proof that the tree of `first` leaves is a prefix of the tree
    of `second` leaves."""
    authorize_audit(actor)
    views.refresh("tree")
    return audit_tree.consistency(views.views["tree"], first, second)  # type: ignore[arg-type]


class AccessEntry(BaseModel):
    seq: int
    at: str
    user_id: str
    route: str
    target: str
    subject: str
    client: str


class AccessPage(BaseModel):
    entries: list[AccessEntry]
    next_after: int


@router.get("/access", response_model=AccessPage)
def access(
    request: Request,
    actor: CurrentActor,
    user: Annotated[fields.Identifier | None, Query()] = None,
    contract_id: Annotated[UUID | None, Query()] = None,
    since: Annotated[fields.Timestamp | None, Query(alias="from")] = None,
    until: Annotated[fields.Timestamp | None, Query(alias="to")] = None,
    after: Annotated[int, Query(ge=0, le=MAX_POSITION)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The access register (调阅登记): who read which contract, complaint, report or export,
    when and from where, oldest first; go on from `next_after`."""
    authorize_audit(actor)
    register: AccessRegister = request.app.state.access_register
    entries = register.search(
        user_id=user,
        subject=str(contract_id) if contract_id else None,
        since=recorded(since) if since else None,
        until=recorded(until) if until else None,
        after=after,
        limit=limit,
    )
    return {"entries": entries, "next_after": entries[-1]["seq"] if entries else after}
