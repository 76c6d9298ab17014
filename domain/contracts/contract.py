"""The Contract aggregate: each public method checks and decides, then records one event.

Public commands validate; the private `@event` methods only assign, because they run
again on every replay (and the ids, timestamps and figures they need are decided before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor
from domain.chain import ChainedAggregate
from domain.contracts import rules
from domain.contracts.amendments import (
    AMENDMENT_LIFECYCLE,
    APPLIED,
    PENDING,
    Amendment,
    requested_changes,
)
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.policy import (
    authorize,
    authorize_amendment_step,
    authorize_step,
    known_step,
)
from domain.contracts.routing import ApprovalRouting, Credit
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
    class_version = 3  # the shape of its state; snapshots of another are replayed over

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
    amendment: Amendment | None  # the pending one
    amendments: list[Amendment]  # the applied ones, in order
    amendments_asked: int  # every amendment asked for, for numbering

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
        self.amendment = None
        self.amendments = []
        self.amendments_asked = 0

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

    def submit(self, actor: Actor, routing: ApprovalRouting, credit: Credit | None = None) -> None:
        """`credit`: the customer's limit and the exposure this contract brings it to."""
        to = self._begin(actor, "submit")
        self._submitted(
            to=to,
            required_approvals=routing.required_steps(self.amount, credit),
            routing=routing.record(self.amount, credit),
            actor=actor.id,
            timestamp=Contract.Event.create_timestamp(),
        )

    # A step is decided by its role, or by a deputy `on_behalf_of` one who holds it (SPEC
    # §2.2): the desk has checked the delegation and lent the role to `actor`.

    def approve(
        self, actor: Actor, step: str, comment: str | None, on_behalf_of: str | None = None
    ) -> None:
        to = self._begin_step(actor, "approve", step, on_behalf_of, granting=True)
        if step not in self.pending_approvals:
            raise AlreadyApprovedError(f"step '{step}' is already approved")
        self._approved(
            to=to,
            step=step,
            comment=comment,
            actor=actor.id,
            timestamp=Contract.Event.create_timestamp(),
            on_behalf_of=on_behalf_of,
        )

    def reject(self, actor: Actor, step: str, reason: str, on_behalf_of: str | None = None) -> None:
        to = self._begin_step(actor, "reject", step, on_behalf_of, granting=False)
        self._rejected(to=to, step=step, reason=reason, actor=actor.id, on_behalf_of=on_behalf_of)

    def _begin_step(
        self, actor: Actor, action: str, step: str, on_behalf_of: str | None, *, granting: bool
    ) -> str:
        """The step's role and maker–checker first, then the lifecycle, then the routing."""
        known_step(step)
        authorize_step(actor, self, step, granting=granting, on_behalf_of=on_behalf_of)
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

    # Amendments (SPEC §2.1).

    def amend(
        self,
        actor: Actor,
        changes: dict[str, Any],
        reason: str,
        routing: ApprovalRouting,
        credit: Callable[[Decimal], Credit | None] = lambda increase: None,
    ) -> None:
        """`credit`: the customer's limit and exposure, given the amendment's increase."""
        self._begin(actor, "amend")
        requested_changes(changes, reason)
        amended = self.terms.revised(changes)
        rules.ensure_amount_covers_recorded(self, amended.amount)
        checked = credit(max(amended.amount - self.amount, ZERO))
        self._amendment_requested(
            number=f"{self.number}-A{self.amendments_asked + 1}",
            changes=amended.as_dict(tuple(changes)),
            reason=reason,
            required_approvals=routing.required_steps(amended.amount, checked),
            routing=routing.record(amended.amount, checked),
            actor=actor.id,
            timestamp=Contract.Event.create_timestamp(),
        )

    def approve_amendment(
        self, actor: Actor, step: str, comment: str | None, on_behalf_of: str | None = None
    ) -> None:
        amendment = self._amendment_step(actor, "approve_amendment", step, on_behalf_of)
        if step not in amendment.pending_steps:
            raise AlreadyApprovedError(f"step '{step}' of {amendment.number} is already approved")
        grant = {
            "step": step, "by": actor.id, "on_behalf_of": on_behalf_of, "comment": comment,
            "at": Contract.Event.create_timestamp(),
        }  # fmt: skip
        if AMENDMENT_LIFECYCLE.target(amendment, "approve_amendment", step=step) == APPLIED:
            amount = Terms.of({**self.terms.as_dict(), **amendment.changes}).amount
            rules.ensure_amount_covers_recorded(self, amount)  # money moved while pending
            self._amended(grant=grant, changes=amendment.changes, actor=actor.id)
        else:
            self._amendment_approved(grant=grant, actor=actor.id)

    def reject_amendment(
        self, actor: Actor, step: str, reason: str, on_behalf_of: str | None = None
    ) -> None:
        self._amendment_step(actor, "reject_amendment", step, on_behalf_of)
        if not reason.strip():
            raise InvalidInputError("a rejection needs a reason")
        self._amendment_rejected(
            step=step, reason=reason, actor=actor.id, on_behalf_of=on_behalf_of
        )

    def withdraw_amendment(self, actor: Actor, reason: str) -> None:
        authorize(actor, "withdraw_amendment", self.owner, self.requester)
        CONTRACT_LIFECYCLE.target(self, "withdraw_amendment")
        if not reason.strip():
            raise InvalidInputError("a withdrawal needs a reason")
        self._amendment_withdrawn(reason=reason, actor=actor.id)

    @property
    def requester(self) -> str | None:
        """Who asked for the pending amendment."""
        return self.amendment.requested_by if self.amendment else None

    def _amendment_step(
        self, actor: Actor, action: str, step: str, on_behalf_of: str | None
    ) -> Amendment:
        """The lifecycle, then the step's role and maker–checker (the requester is a maker
        too), then the amendment's routing."""
        known_step(step)
        CONTRACT_LIFECYCLE.target(self, action)
        assert self.amendment is not None
        granting = action.startswith("approve")
        authorize_amendment_step(actor, self, step, granting=granting, on_behalf_of=on_behalf_of)
        if step not in self.amendment.required:
            raise StepNotRequiredError(
                f"step '{step}' is not required; required: {list(self.amendment.required)}"
            )
        return self.amendment

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
        self,
        to: str,
        step: str,
        comment: str | None,
        actor: str,
        timestamp: datetime,
        on_behalf_of: str | None = None,  # absent from events recorded before delegation
    ) -> None:
        self.state = to
        grant = {"step": step, "by": actor, "at": timestamp}
        self.approvals.append(grant | ({"on_behalf_of": on_behalf_of} if on_behalf_of else {}))

    @event("Rejected")
    def _rejected(
        self, to: str, step: str, reason: str, actor: str, on_behalf_of: str | None = None
    ) -> None:
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

    @event("AmendmentRequested")
    def _amendment_requested(
        self,
        number: str,
        changes: dict[str, Any],
        reason: str,
        required_approvals: list[str],
        routing: dict[str, str],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.amendments_asked += 1
        self.amendment = Amendment(
            number, changes, reason, actor, timestamp, tuple(required_approvals), routing
        )

    @event("AmendmentApproved")
    def _amendment_approved(self, grant: dict[str, Any], actor: str) -> None:
        assert self.amendment is not None
        self.amendment = self.amendment.granted(grant, PENDING)

    @event("Amended")
    def _amended(self, grant: dict[str, Any], changes: dict[str, Any], actor: str) -> None:
        """The last grant: the change (said again, for whoever reads the log) applies in
        this event."""
        assert self.amendment is not None
        applied = self.amendment.granted(grant, APPLIED)
        self._set_terms(Terms.of({**self.terms.as_dict(), **changes}), changes)
        self.amendments.append(applied)
        self.amendment = None

    @event("AmendmentRejected")
    def _amendment_rejected(
        self, step: str, reason: str, actor: str, on_behalf_of: str | None
    ) -> None:
        self.amendment = None

    @event("AmendmentWithdrawn")
    def _amendment_withdrawn(self, reason: str, actor: str) -> None:
        self.amendment = None

    @event("Terminated")
    def _terminated(self, to: str, reason: str, actor: str) -> None:
        self.state = to
        self.termination_reason = reason
