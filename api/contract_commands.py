"""Each contract action as the API and the web pages take it, said once: its request body
(SPEC §8), the contract desk's command it runs, and what it does.

The routes `POST /contracts/{id}/{action}` and the forms of the contract page are both
made from this table, so an action added to the lifecycle needs one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.fields import BusinessDate, Identifier, MoneyIn, Text
from api.schemas import AmendmentChanges, Body, Step
from domain.actors import Actor
from domain.contracts.contract import Contract
from domain.contracts.service import ContractDesk


class Submit(Body):
    pass


class Approve(Body):
    step: Step
    comment: Text | None = None
    on_behalf_of: Identifier | None = None  # a deputy acts for who delegated the role


class Reject(Body):
    step: Step
    reason: Text
    on_behalf_of: Identifier | None = None


class Sign(Body):
    signed_on: BusinessDate | None = None


class Start(Body):
    started_on: BusinessDate | None = None


class Ship(Body):
    amount: MoneyIn
    shipped_on: BusinessDate | None = None
    note: Text | None = None


class Invoice(Body):
    amount: MoneyIn
    invoice_no: Identifier
    issued_on: BusinessDate | None = None


class Pay(Body):
    amount: MoneyIn
    received_on: BusinessDate | None = None
    reference: Identifier


class Refund(Body):
    amount: MoneyIn
    refunded_on: BusinessDate | None = None
    reason: Text


class Accept(Body):
    accepted_on: BusinessDate | None = None
    note: Text | None = None


class Terminate(Body):
    reason: Text


class Amend(Body):
    changes: AmendmentChanges
    reason: Text


class ApproveAmendment(Approve):
    pass


class RejectAmendment(Reject):
    pass


class WithdrawAmendment(Body):
    reason: Text


Run = Callable[[ContractDesk, Actor, UUID, Any, dict[str, Any]], Contract]


@dataclass(frozen=True)
class Command:
    body: type[Body]
    run: Run  # (desk, actor, contract id, body, how) → the contract as it now stands
    does: str


COMMANDS: dict[str, Command] = {
    "submit": Command(
        Submit,
        lambda desk, actor, cid, body, how: desk.submit(actor, cid, **how),
        "Send a draft for approval; the required steps follow the amount (SPEC §2 routing).",
    ),
    "approve": Command(
        Approve,
        lambda desk, actor, cid, body, how: desk.approve(
            actor, cid, body.step, body.comment, body.on_behalf_of, **how
        ),
        "Grant one approval step; never by the owner or creator, one step per user a round.",
    ),
    "reject": Command(
        Reject,
        lambda desk, actor, cid, body, how: desk.reject(
            actor, cid, body.step, body.reason, body.on_behalf_of, **how
        ),
        "Send the contract back to draft, clearing every approval of the round.",
    ),
    "sign": Command(
        Sign,
        lambda desk, actor, cid, body, how: desk.sign(actor, cid, body.signed_on, **how),
        "Sign once every required approval is granted.",
    ),
    "start": Command(
        Start,
        lambda desk, actor, cid, body, how: desk.start(actor, cid, body.started_on, **how),
        "Begin execution once the advance is received (seed 000: 项目执行前收取预付款).",
    ),
    "ship": Command(
        Ship,
        lambda desk, actor, cid, body, how: desk.ship(
            actor, cid, body.amount, body.shipped_on, body.note, **how
        ),
        "Record a shipment; the shipped total never exceeds the amount.",
    ),
    "invoice": Command(
        Invoice,
        lambda desk, actor, cid, body, how: desk.invoice(
            actor, cid, body.amount, body.invoice_no, body.issued_on, **how
        ),
        "Record an invoice (发票); invoice numbers are unique per contract.",
    ),
    "pay": Command(
        Pay,
        lambda desk, actor, cid, body, how: desk.pay(
            actor, cid, body.amount, body.received_on, body.reference, **how
        ),
        "Record a payment (回款); collected never exceeds the amount, references are unique.",
    ),
    "refund": Command(
        Refund,
        lambda desk, actor, cid, body, how: desk.refund(
            actor, cid, body.amount, body.refunded_on, body.reason, **how
        ),
        "Record a refund of at most what was collected by its date.",
    ),
    "accept": Command(
        Accept,
        lambda desk, actor, cid, body, how: desk.accept(
            actor, cid, body.accepted_on, body.note, **how
        ),
        "Record customer acceptance (验收) after full delivery; settles if fully collected.",
    ),
    "terminate": Command(
        Terminate,
        lambda desk, actor, cid, body, how: desk.terminate(actor, cid, body.reason, **how),
        "End a contract before acceptance; goods shipped stay owed.",
    ),
    "amend": Command(
        Amend,
        lambda desk, actor, cid, body, how: desk.amend(
            actor, cid, body.changes.changes(), body.reason, **how
        ),
        "Ask to change a signed or executing contract's amount, payment terms, delivery date, "
        "lines or title (SPEC §2.1); routing on the new amount says which steps approve it.",
    ),
    "approve_amendment": Command(
        ApproveAmendment,
        lambda desk, actor, cid, body, how: desk.approve_amendment(
            actor, cid, body.step, body.comment, body.on_behalf_of, **how
        ),
        "Grant one step of the pending amendment; the last grant applies it.",
    ),
    "reject_amendment": Command(
        RejectAmendment,
        lambda desk, actor, cid, body, how: desk.reject_amendment(
            actor, cid, body.step, body.reason, body.on_behalf_of, **how
        ),
        "Discard the pending amendment; the contract stays as it is.",
    ),
    "withdraw_amendment": Command(
        WithdrawAmendment,
        lambda desk, actor, cid, body, how: desk.withdraw_amendment(actor, cid, body.reason, **how),
        "Withdraw the pending amendment (its requester or a contract specialist).",
    ),
}
