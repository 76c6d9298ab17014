"""Named rules of the contract lifecycle (SPEC §2). Guards decide transitions; `ensure_*`
functions check a command's arguments. Each raises the domain error carrying its code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from domain import errors
from domain.contracts.states import TERMINATED
from domain.contracts.terms import Movement
from domain.lifecycle import Guard

if TYPE_CHECKING:
    from domain.contracts.contract import Contract


def approval_pending(contract: Contract) -> bool:
    return bool(contract.pending_approvals)


def approvals_complete(contract: Contract) -> bool:
    return not contract.pending_approvals


def advance_received(contract: Contract) -> bool:
    """seed 000: 项目执行前收取预付款 — collected ≥ amount × advance_percent / 100."""
    return contract.collected >= contract.payment_terms.advance_due(contract.amount)


def fully_shipped(contract: Contract) -> bool:
    """验收 after full delivery: the shipped total equals the amount."""
    return contract.shipped == contract.amount


def fully_collected(contract: Contract) -> bool:
    return contract.collected == contract.amount


APPROVAL_PENDING = Guard(
    approval_pending, errors.AlreadyApprovedError, "every required approval is already granted"
)
APPROVALS_COMPLETE = Guard(
    approvals_complete, errors.ApprovalMissingError, "not every required approval is granted"
)
ADVANCE_RECEIVED = Guard(
    advance_received, errors.AdvanceNotReceivedError, "the advance payment is not received"
)
FULLY_SHIPPED = Guard(
    fully_shipped, errors.NotFullyShippedError, "acceptance needs the full amount shipped"
)


def amendment_pending(contract: Contract) -> bool:
    return contract.amendment is not None


AMENDMENT_PENDING = Guard(
    amendment_pending,
    errors.AmendmentPendingError,
    "an amendment is pending: it is decided or withdrawn first",
)
AMENDMENT_TO_DECIDE = Guard(
    amendment_pending, errors.NoAmendmentPendingError, "no amendment is pending"
)


def ensure_amount_covers_recorded(contract: Contract, amount: Decimal) -> None:
    """SPEC §2.1: an amended amount never falls below what was shipped, invoiced or
    collected."""
    recorded = max(contract.shipped, contract.invoiced, contract.collected)
    if amount < recorded:
        raise errors.AmendmentBelowRecordedError(
            f"the amount {amount} is below the {recorded} already shipped, invoiced or collected"
        )


FULLY_COLLECTED = Guard(
    fully_collected, errors.OverpaymentError, "settles only when collected equals the amount"
)


def ensure_payment_fits(contract: Contract, amount: Decimal) -> None:
    """Collected never exceeds the amount; for a terminated contract, never the shipped."""
    limit = contract.shipped if contract.state == TERMINATED else contract.amount
    if contract.collected + amount > limit:
        raise errors.OverpaymentError(
            f"collected would be {contract.collected + amount}, above {limit}",
            limit=str(limit),
        )


def ensure_new_payment_reference(contract: Contract, reference: str) -> None:
    if reference in contract.payment_references:
        raise errors.DuplicatePaymentError(f"payment '{reference}' is already recorded")


def ensure_shipment_fits(contract: Contract, amount: Decimal) -> None:
    if contract.shipped + amount > contract.amount:
        raise errors.OverShipmentError(
            f"shipped would be {contract.shipped + amount}, above {contract.amount}"
        )


def ensure_invoice_fits(contract: Contract, amount: Decimal) -> None:
    if contract.invoiced + amount > contract.amount:
        raise errors.OverInvoicingError(
            f"invoiced would be {contract.invoiced + amount}, above {contract.amount}"
        )


def ensure_new_invoice_number(contract: Contract, invoice_no: str) -> None:
    if invoice_no in contract.invoice_numbers:
        raise errors.DuplicateInvoiceError(f"invoice '{invoice_no}' is already recorded")


def ensure_refund_covered(contract: Contract, amount: Decimal, refunded_on: date) -> None:
    """A refund never exceeds what was collected by its date, nor, on any later day, what
    is collected by then (a back-dated refund must not leave a later day below zero)."""
    covered = collected_from(contract.movements, refunded_on)
    if amount > covered:
        raise errors.RefundExceedsCollectedError(
            f"refund {amount} exceeds what was collected by {refunded_on} and kept since: "
            f"{covered}",
            collected=str(contract.collected),
        )


def collected_from(movements: list[Movement], day: date) -> Decimal:
    """The least net collected on `day` or any later day with a movement."""
    days = sorted({day, *(moved.on for moved in movements if moved.on > day)})
    return min(sum((m.amount for m in movements if m.on <= d), Decimal(0)) for d in days)


EARLIER = {
    "signed_on": "the signing",
    "started_on": "the start of execution",
    "last_shipped_on": "the last shipment",
}


def ensure_in_order(contract: Contract, day: date, name: str, *earlier: str) -> None:
    """SPEC §2: business dates keep their order (never before signing, shipping never
    before the start, acceptance never before the last shipment)."""
    for other in earlier:
        bound = getattr(contract, other)
        if bound is not None and day < bound:
            raise errors.DateOutOfOrderError(
                f"{name} {day} is before {EARLIER[other]} on {bound}", **{other: bound.isoformat()}
            )
