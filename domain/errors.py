"""Domain errors. Each carries the stable `code` of SPEC §8; the API maps classes to statuses."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base of every refusal the domain can give."""

    code = "domain_error"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInputError(DomainError):
    """The request is malformed whatever the state (422)."""

    code = "invalid_input"


class NotFoundError(DomainError):
    """Unknown, or not visible to the caller (404): a sales user never learns it exists."""

    code = "not_found"


class ForbiddenError(DomainError):
    """The caller's role may not do this (403)."""

    code = "forbidden"


class SeparationOfDutiesError(ForbiddenError):
    """Maker–checker: the caller is allowed the role but not on this contract (403)."""

    code = "separation_of_duties"


class ConflictError(DomainError):
    """Refused by the current state of the aggregate (409); subclasses name the rule."""


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"

    def __init__(self, action: str, state: str, allowed_actions: Sequence[str]) -> None:
        super().__init__(
            f"'{action}' is not possible in state '{state}'",
            allowed_actions=list(allowed_actions),
        )


class ApprovalMissingError(ConflictError):
    code = "approval_missing"


class AdvanceNotReceivedError(ConflictError):
    code = "advance_not_received"


class NotFullyShippedError(ConflictError):
    code = "not_fully_shipped"


class OverpaymentError(ConflictError):
    code = "overpayment"


class OverShipmentError(ConflictError):
    code = "over_shipment"


class OverInvoicingError(ConflictError):
    code = "over_invoicing"


class RefundExceedsCollectedError(ConflictError):
    code = "refund_exceeds_collected"


class DuplicatePaymentError(ConflictError):
    code = "duplicate_payment"


class DuplicateInvoiceError(ConflictError):
    code = "duplicate_invoice"


class DuplicateNumberError(ConflictError):
    code = "duplicate_number"


class StepNotRequiredError(ConflictError):
    code = "step_not_required"


class AlreadyApprovedError(ConflictError):
    code = "already_approved"


class AmendmentPendingError(ConflictError):
    """SPEC §2.1: while an amendment is pending, no other, no acceptance, no termination."""

    code = "amendment_pending"


class NoAmendmentPendingError(ConflictError):
    code = "no_amendment_pending"


class AmendmentBelowRecordedError(ConflictError):
    """An amended amount below what was already shipped, invoiced or collected."""

    code = "amendment_below_recorded"


class DuplicateCustomerError(ConflictError):
    code = "duplicate_customer"


class DelegationOverlapsError(ConflictError):
    """SPEC §2.2: one user delegates one role to one deputy at a time."""

    code = "delegation_overlaps"


class NotDelegatedError(ForbiddenError):
    """`on_behalf_of` names someone who has not lent the step's role to the caller today."""

    code = "not_delegated"


class DateOutOfOrderError(ConflictError):
    code = "date_out_of_order"


class NotAssignedError(ForbiddenError):
    """The complaint is assigned to someone else (403)."""

    code = "not_assigned"


class VersionMismatchError(DomainError):
    """The client's `If-Match` names a version that is no longer current (412)."""

    code = "version_mismatch"


class IntegrityBrokenError(DomainError):
    """A stored event does not match its chain: the log was altered outside the service.
    Answered 500 rather than serving figures built from it; an auditor runs verify."""

    code = "integrity_broken"


class BusyError(DomainError):
    """The store is too contended or slow to answer now; the client may retry (503)."""

    code = "busy"
