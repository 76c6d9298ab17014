"""`POST /contracts/{id}/{action}`: one route per lifecycle action, each answering 200
with the contract as it now stands."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api import schemas
from api.dependencies import Application, CurrentActor, ExpectedVersion, parse_id
from api.problems import problem_responses
from api.routes.contracts import ContractId, Reply

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["contract actions"],
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 503),
)


@router.post("/submit", response_model=schemas.ContractOut)
def submit(
    contract_id: ContractId,
    body: schemas.Submit,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Send a draft for approval; the required steps follow the amount (SPEC §2 routing)."""
    return reply(
        app.contracts.submit(actor, parse_id(contract_id), expected=expected, once=reply.once)
    )


@router.post("/approve", response_model=schemas.ContractOut)
def approve(
    contract_id: ContractId,
    body: schemas.Approve,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Grant one approval step; never by the owner or creator, one step per user per round."""
    contract = app.contracts.approve(
        actor, parse_id(contract_id), body.step, body.comment, expected=expected, once=reply.once
    )
    return reply(contract)


@router.post("/reject", response_model=schemas.ContractOut)
def reject(
    contract_id: ContractId,
    body: schemas.Reject,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Send the contract back to draft, clearing every approval of the round."""
    contract = app.contracts.reject(
        actor, parse_id(contract_id), body.step, body.reason, expected=expected, once=reply.once
    )
    return reply(contract)


@router.post("/sign", response_model=schemas.ContractOut)
def sign(
    contract_id: ContractId,
    body: schemas.Sign,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Sign once every required approval is granted."""
    contract = app.contracts.sign(
        actor, parse_id(contract_id), body.signed_on, expected=expected, once=reply.once
    )
    return reply(contract)


@router.post("/start", response_model=schemas.ContractOut)
def start(
    contract_id: ContractId,
    body: schemas.Start,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Begin execution once the advance is received (seed 000: 项目执行前收取预付款)."""
    contract = app.contracts.start(
        actor, parse_id(contract_id), body.started_on, expected=expected, once=reply.once
    )
    return reply(contract)


@router.post("/ship", response_model=schemas.ContractOut)
def ship(
    contract_id: ContractId,
    body: schemas.Ship,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Record a shipment; the shipped total never exceeds the amount."""
    contract = app.contracts.ship(
        actor, parse_id(contract_id), body.amount, body.shipped_on, body.note,
        expected=expected, once=reply.once,
    )  # fmt: skip
    return reply(contract)


@router.post("/invoice", response_model=schemas.ContractOut)
def invoice(
    contract_id: ContractId,
    body: schemas.Invoice,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Record an invoice; invoice numbers are unique per contract."""
    contract = app.contracts.invoice(
        actor, parse_id(contract_id), body.amount, body.invoice_no, body.issued_on,
        expected=expected, once=reply.once,
    )  # fmt: skip
    return reply(contract)


@router.post("/pay", response_model=schemas.ContractOut)
def pay(
    contract_id: ContractId,
    body: schemas.Pay,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Record a payment (回款); collected never exceeds the amount, references are unique."""
    contract = app.contracts.pay(
        actor, parse_id(contract_id), body.amount, body.received_on, body.reference,
        expected=expected, once=reply.once,
    )  # fmt: skip
    return reply(contract)


@router.post("/refund", response_model=schemas.ContractOut)
def refund(
    contract_id: ContractId,
    body: schemas.Refund,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Record a refund of at most what was collected."""
    contract = app.contracts.refund(
        actor, parse_id(contract_id), body.amount, body.refunded_on, body.reason,
        expected=expected, once=reply.once,
    )  # fmt: skip
    return reply(contract)


@router.post("/accept", response_model=schemas.ContractOut)
def accept(
    contract_id: ContractId,
    body: schemas.Accept,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """Record customer acceptance (验收) after full delivery; settles if fully collected."""
    contract = app.contracts.accept(
        actor, parse_id(contract_id), body.accepted_on, body.note,
        expected=expected, once=reply.once,
    )  # fmt: skip
    return reply(contract)


@router.post("/terminate", response_model=schemas.ContractOut)
def terminate(
    contract_id: ContractId,
    body: schemas.Terminate,
    app: Application,
    actor: CurrentActor,
    expected: ExpectedVersion,
    reply: Reply,
) -> Response:
    """End a contract before acceptance; goods shipped stay owed."""
    contract = app.contracts.terminate(
        actor, parse_id(contract_id), body.reason, expected=expected, once=reply.once
    )
    return reply(contract)
