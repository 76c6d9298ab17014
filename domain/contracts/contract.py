"""The Contract aggregate: each public method checks and decides, then records one event.

Public commands validate; the private `@event` methods only assign, because they run
again on every replay (and the ids, timestamps and figures they need are decided before).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor
from domain.chain import ChainedAggregate
from domain.contracts import rules
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.policy import authorize, authorize_step
from domain.contracts.routing import ApprovalRouting
from domain.contracts.states import DRAFT
from domain.contracts.terms import (
    EDITABLE_FIELDS,
    CustomerRef,
    Line,
    Movement,
    PaymentTerms,
    Terms,
)
from domain.errors import AlreadyApprovedError, InvalidInputError, StepNotRequiredError
from domain.money import ZERO


class Contract(ChainedAggregate):
    class_version = 2  # the shape of its state; snapshots of another are replayed over

    number: str
    owner: str
    created_by: str
    state: str
    title: str
    customer: CustomerRef
    amount: Decimal
    currency: str
    payment_terms: PaymentTerms
    delivery_due: date | None
    lines: list[Line]
    required_approvals: list[str]
    approvals: list[dict[str, Any]]
    routing: dict[str, str]
    submitted_at: datetime | None
    signed_on: date | None
    started_on: date | None
    accepted_on: date | None
    termination_reason: str | None
    last_shipped_on: date | None
    shipped: Decimal
    invoiced: Decimal
    paid: Decimal
    refunded: Decimal
    movements: list[Movement]  # payments and refunds, by effective date
    payment_references: list[str]
    invoice_numbers: list[str]

    @event("Created")
    def __init__(
        self,
        id: UUID,  # noqa: A002 - the library names it so
        number: str,
        owner: str,
        terms: dict[str, Any],
        actor: str,
    ) -> None:
        self.number = number
        self.owner = owner
        self.created_by = actor
        self.state = DRAFT
        self._set_terms(Terms.of(terms))
        self.required_approvals = []
        self.approvals = []
        self.routing = {}
        self.submitted_at = None
        self.signed_on = None
        self.started_on = None
        self.accepted_on = None
        self.termination_reason = None
        self.last_shipped_on = None
        self.movements = []
        self.shipped = ZERO
        self.invoiced = ZERO
        self.paid = ZERO
        self.refunded = ZERO
        self.payment_references = []
        self.invoice_numbers = []

    @classmethod
    def create(
        cls, contract_id: UUID, number: str, owner: str, terms: dict[str, Any], actor: Actor
    ) -> Contract:
        authorize(actor, "create")
        return cls(
            id=contract_id, number=number, owner=owner, terms=Terms.of(terms).validated().as_dict(),
            actor=actor.id,
        )  # fmt: skip

    # Derived figures (SPEC §2 totals).

    @property
    def collected(self) -> Decimal:
        return self.paid - self.refunded

    @property
    def receivable(self) -> Decimal:
        """Negative means an advance held as credit."""
        return self.shipped - self.collected

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.collected

    @property
    def pending_approvals(self) -> list[str]:
        granted = {grant["step"] for grant in self.approvals}
        return [step for step in self.required_approvals if step not in granted]

    @property
    def allowed_actions(self) -> list[str]:
        return CONTRACT_LIFECYCLE.allowed_actions(self)

    def _begin(self, actor: Actor, action: str) -> str:
        """Role first, then the lifecycle: returns the state the action leads to."""
        authorize(actor, action, self.owner)
        return CONTRACT_LIFECYCLE.target(self, action)

    # Drafting and approval.

    def revise(self, actor: Actor, changes: dict[str, Any]) -> None:
        self._begin(actor, "revise")
        revised = self.terms.revised(changes)
        self._revised(changes=revised.as_dict(tuple(changes)), actor=actor.id)

    def submit(self, actor: Actor, routing: ApprovalRouting) -> None:
        to = self._begin(actor, "submit")
        self._submitted(
            to=to,
            required_approvals=routing.required_steps(self.amount),
            routing=routing.record(self.amount),
            actor=actor.id,
            timestamp=Contract.Event.create_timestamp(),
        )

    def approve(self, actor: Actor, step: str, comment: str | None) -> None:
        to = self._begin_step(actor, "approve", step, granting=True)
        if step not in self.pending_approvals:
            raise AlreadyApprovedError(f"step '{step}' is already approved")
        self._approved(
            to=to,
            step=step,
            comment=comment,
            actor=actor.id,
            timestamp=Contract.Event.create_timestamp(),
        )

    def reject(self, actor: Actor, step: str, reason: str) -> None:
        to = self._begin_step(actor, "reject", step, granting=False)
        self._rejected(to=to, step=step, reason=reason, actor=actor.id)

    def _begin_step(self, actor: Actor, action: str, step: str, *, granting: bool) -> str:
        """The step's role and maker–checker first, then the lifecycle, then the routing."""
        authorize_step(actor, self, step, granting=granting)
        to = CONTRACT_LIFECYCLE.target(self, action)
        if step not in self.required_approvals:
            raise StepNotRequiredError(
                f"step '{step}' is not required; required: {self.required_approvals}"
            )
        return to

    def sign(self, actor: Actor, signed_on: date) -> None:
        to = self._begin(actor, "sign")
        self._signed(to=to, signed_on=signed_on, actor=actor.id)

    # Execution and money.

    def start(self, actor: Actor, started_on: date) -> None:
        to = self._begin(actor, "start")
        rules.ensure_in_order(self, started_on, "started_on", "signed_on")
        self._started(to=to, started_on=started_on, actor=actor.id)

    def ship(self, actor: Actor, amount: Decimal, shipped_on: date, note: str | None) -> None:
        to = self._begin(actor, "ship")
        rules.ensure_in_order(self, shipped_on, "shipped_on", "signed_on", "started_on")
        rules.ensure_shipment_fits(self, amount)
        due_on = self.payment_terms.due_on(shipped_on)
        self._shipped(
            to=to, amount=amount, shipped_on=shipped_on, due_on=due_on, note=note, actor=actor.id
        )

    def invoice(self, actor: Actor, amount: Decimal, invoice_no: str, issued_on: date) -> None:
        to = self._begin(actor, "invoice")
        rules.ensure_in_order(self, issued_on, "issued_on", "signed_on")
        rules.ensure_new_invoice_number(self, invoice_no)
        rules.ensure_invoice_fits(self, amount)
        self._invoiced(
            to=to, amount=amount, invoice_no=invoice_no, issued_on=issued_on, actor=actor.id
        )

    def pay(self, actor: Actor, amount: Decimal, received_on: date, reference: str) -> None:
        to = self._begin(actor, "pay")
        rules.ensure_in_order(self, received_on, "received_on", "signed_on")
        rules.ensure_new_payment_reference(self, reference)
        rules.ensure_payment_fits(self, amount)
        self._payment_received(
            to=to, amount=amount, received_on=received_on, reference=reference, actor=actor.id
        )
        self._settle_if_collected(actor)

    def refund(self, actor: Actor, amount: Decimal, refunded_on: date, reason: str) -> None:
        to = self._begin(actor, "refund")
        rules.ensure_in_order(self, refunded_on, "refunded_on", "signed_on")
        rules.ensure_refund_covered(self, amount, refunded_on)
        self._refunded(to=to, amount=amount, refunded_on=refunded_on, reason=reason, actor=actor.id)

    def accept(self, actor: Actor, accepted_on: date, note: str | None) -> None:
        to = self._begin(actor, "accept")
        rules.ensure_in_order(self, accepted_on, "accepted_on", "signed_on", "last_shipped_on")
        self._accepted(to=to, accepted_on=accepted_on, note=note, actor=actor.id)
        self._settle_if_collected(actor)

    def _settle_if_collected(self, actor: Actor) -> None:
        """The automatic accepted → paid, fired after `pay` or `accept`."""
        if CONTRACT_LIFECYCLE.can(self, "settle"):
            self._settled(to=CONTRACT_LIFECYCLE.target(self, "settle"), actor=actor.id)

    def terminate(self, actor: Actor, reason: str) -> None:
        to = self._begin(actor, "terminate")
        if not reason.strip():
            raise InvalidInputError("a termination needs a reason")
        self._terminated(to=to, reason=reason, actor=actor.id)

    # Terms: held as values, recorded as dicts.

    @property
    def terms(self) -> Terms:
        return Terms(
            self.title, self.customer, self.amount, self.payment_terms, self.currency,
            self.delivery_due, tuple(self.lines),
        )  # fmt: skip

    def _set_terms(self, terms: Terms, names: Iterable[str] = EDITABLE_FIELDS) -> None:
        for name in names:
            value = getattr(terms, name)
            setattr(self, name, list(value) if name == "lines" else value)

    # Events: assignment only.

    @event("Revised")
    def _revised(self, changes: dict[str, Any], actor: str) -> None:
        self._set_terms(Terms.of({**self.terms.as_dict(), **changes}), changes)

    @event("Submitted")
    def _submitted(
        self,
        to: str,
        required_approvals: list[str],
        routing: dict[str, str],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.state = to
        self.required_approvals = required_approvals
        self.approvals = []
        self.routing = routing
        self.submitted_at = timestamp

    @event("Approved")
    def _approved(
        self, to: str, step: str, comment: str | None, actor: str, timestamp: datetime
    ) -> None:
        self.state = to
        self.approvals.append({"step": step, "by": actor, "at": timestamp})

    @event("Rejected")
    def _rejected(self, to: str, step: str, reason: str, actor: str) -> None:
        self.state = to
        self.approvals = []

    @event("Signed")
    def _signed(self, to: str, signed_on: date, actor: str) -> None:
        self.state = to
        self.signed_on = signed_on

    @event("Started")
    def _started(self, to: str, started_on: date, actor: str) -> None:
        self.state = to
        self.started_on = started_on

    @event("Shipped")
    def _shipped(
        self,
        to: str,
        amount: Decimal,
        shipped_on: date,
        due_on: date,
        note: str | None,
        actor: str,
    ) -> None:
        self.state = to
        self.shipped += amount
        self.last_shipped_on = max(shipped_on, self.last_shipped_on or shipped_on)

    @event("Invoiced")
    def _invoiced(
        self, to: str, amount: Decimal, invoice_no: str, issued_on: date, actor: str
    ) -> None:
        self.state = to
        self.invoiced += amount
        self.invoice_numbers.append(invoice_no)

    @event("PaymentReceived")
    def _payment_received(
        self, to: str, amount: Decimal, received_on: date, reference: str, actor: str
    ) -> None:
        self.state = to
        self.paid += amount
        self.movements.append(Movement(received_on, amount))
        self.payment_references.append(reference)

    @event("Refunded")
    def _refunded(
        self, to: str, amount: Decimal, refunded_on: date, reason: str, actor: str
    ) -> None:
        self.state = to
        self.refunded += amount
        self.movements.append(Movement(refunded_on, -amount))

    @event("Accepted")
    def _accepted(self, to: str, accepted_on: date, note: str | None, actor: str) -> None:
        self.state = to
        self.accepted_on = accepted_on

    @event("Settled")
    def _settled(self, to: str, actor: str) -> None:
        self.state = to

    @event("Terminated")
    def _terminated(self, to: str, reason: str, actor: str) -> None:
        self.state = to
        self.termination_reason = reason
