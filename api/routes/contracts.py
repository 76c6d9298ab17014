"""Contract routes (SPEC §8): create, read with time travel, revise, the actions, history."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import fields, schemas
from api.dependencies import (
    Application,
    CurrentActor,
    Directory,
    ExpectedVersion,
    Views,
    parse_id,
)
from api.presenters import history_body
from api.problems import problem_responses
from api.replies import ContractReplies
from domain.contracts.policy import authorize_ledger
from domain.errors import InvalidInputError

router = APIRouter(
    prefix="/contracts",
    tags=["contracts"],
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 503),
)
ContractId = Annotated[str, "the contract's id"]


Reply = ContractReplies


@router.post("", status_code=201, response_model=schemas.ContractOut)
def create_contract(
    body: schemas.ContractCreate,
    app: Application,
    actor: CurrentActor,
    users: Directory,
    reply: Reply,
) -> Response:
    """Draft a contract. Sales own what they draft; a contract specialist may name the owner."""
    if body.owner is not None and body.owner not in users.users:
        raise InvalidInputError(f"owner {body.owner!r} is not a known user")
    contract = app.contracts.create(
        actor, body.terms(), owner=body.owner, number=body.number, once=reply.once
    )
    return reply(contract)


@router.get("", response_model=schemas.ContractList)
def list_contracts(
    app: Application,
    views: Views,
    reply: Reply,
    actor: CurrentActor,
    state: schemas.State | None = None,
    customer_id: fields.Identifier | None = None,
    owner: fields.Identifier | None = None,
    q: fields.SearchText | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=fields.MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """The contract ledger (合同台账), oldest first: filter by state, customer, owner, text."""
    authorize_ledger(actor)
    if actor.sees_own_contracts_only:
        if owner not in (None, actor.id):
            return {"items": [], "total": 0, "limit": limit, "offset": offset}
        owner = actor.id
    views.refresh("ledger")
    filters = {"state": state, "customer_id": customer_id, "owner": owner}
    rows, total = views.contracts.search(filters, q, limit, offset)
    ids = [row["contract_id"] for row in rows]
    contracts = [app.contracts.get(actor, UUID(contract_id)) for contract_id in ids]
    reply.open_complaints = views.complaints.open_by_contract(ids)
    return {"items": reply.payloads(contracts), "total": total, "limit": limit, "offset": offset}


@router.get("/{contract_id}", response_model=schemas.ContractOut)
def get_contract(
    contract_id: ContractId,
    app: Application,
    actor: CurrentActor,
    reply: Reply,
    version: Annotated[int | None, Query(ge=1, le=fields.MAX_POSITION)] = None,
    as_of: fields.Timestamp | None = None,
) -> Response:
    """One contract; `version=N` or `as_of=<timestamp>` shows it as it stood then."""
    if version is not None and as_of is not None:
        raise InvalidInputError("give version or as_of, not both")
    contract = app.contracts.get(actor, parse_id(contract_id), version=version, as_of=as_of)
    return reply(contract)


@router.get("/{contract_id}/history", response_model=schemas.History)
def contract_history(
    contract_id: ContractId, app: Application, actor: CurrentActor
) -> dict[str, Any]:
    """Every event of the contract in order, with its recording time and actor."""
    uuid = parse_id(contract_id)
    return history_body(uuid, app.contracts.history(actor, uuid))


@router.patch("/{contract_id}", response_model=schemas.ContractOut)
def revise_contract(
    contract_id: ContractId,
    body: schemas.ContractRevise,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Revise a draft: only the fields sent change."""
    contract = app.contracts.revise(
        actor, parse_id(contract_id), body.changes(), expected=expected, once=reply.once
    )
    return reply(contract)
