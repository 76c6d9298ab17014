"""Amendments (变更, SPEC §2.1): a signed or executing contract's amount, payment terms,
delivery date, lines or title change only through an amendment its approval steps grant.

An amendment is a value inside its contract, with a sub-lifecycle of its own, declared
once like the others: pending → applied, rejected or withdrawn. The last grant applies
the change in the same event."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domain.actors import CONTRACT_SPECIALIST
from domain.errors import ConflictError, InvalidInputError
from domain.lifecycle import SAME, STEP_ROLE, Guard, Lifecycle, Row, who

PENDING, APPLIED, REJECTED, WITHDRAWN = "pending", "applied", "rejected", "withdrawn"
AMENDABLE_FIELDS = ("title", "amount", "payment_terms", "delivery_due", "lines")
REQUESTER = "requester"  # who: the user who asked for the pending amendment


@dataclass(frozen=True)
class Amendment:
    number: str  # HT-2026-000123-A1
    changes: dict[str, Any]  # as recorded: the fields amended, JSON-ready
    reason: str
    requested_by: str
    requested_at: datetime
    required: tuple[str, ...]  # the approval steps routing asked for
    routing: dict[str, str]  # what routing evaluated, for the history
    approvals: tuple[dict[str, Any], ...] = ()  # {step, by, comment, at}
    state: str = PENDING
    applied_at: datetime | None = field(default=None)

    def __post_init__(self) -> None:
        """Tuples also when read back from a snapshot (JSON has only lists)."""
        object.__setattr__(self, "required", tuple(self.required))
        object.__setattr__(self, "approvals", tuple(self.approvals))

    @property
    def pending_steps(self) -> list[str]:
        granted = {grant["step"] for grant in self.approvals}
        return [step for step in self.required if step not in granted]

    def granted(self, grant: dict[str, Any], state: str) -> Amendment:
        applied_at = grant["at"] if state == APPLIED else None
        return replace(self, approvals=(*self.approvals, grant), state=state, applied_at=applied_at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "changes": self.changes,
            "reason": self.reason,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at,
            "required_approvals": list(self.required),
            "approvals": list(self.approvals),
            "state": self.state,
            "applied_at": self.applied_at,
        }


def requested_changes(changes: dict[str, Any], reason: str) -> None:
    """Only amendable fields, at least one, and a reason."""
    if not changes:
        raise InvalidInputError("an amendment changes at least one field")
    unknown = sorted(set(changes) - set(AMENDABLE_FIELDS))
    if unknown:
        raise InvalidInputError(
            f"an amendment cannot change {unknown}; it changes {list(AMENDABLE_FIELDS)}"
        )
    if not reason.strip():
        raise InvalidInputError("an amendment needs a reason")


def _last_step(amendment: Amendment, step: str) -> bool:
    return amendment.pending_steps == [step]


LAST_STEP = Guard(_last_step, ConflictError, "more steps remain", needs=("step",))

AMENDMENT_LIFECYCLE = Lifecycle(
    states=(PENDING, APPLIED, REJECTED, WITHDRAWN),
    initial=PENDING,
    creators=who(),  # an amendment is asked for through its contract's `amend`
    rows=[
        Row("approve_amendment", PENDING, APPLIED, who(STEP_ROLE), (LAST_STEP,)),
        Row("approve_amendment", PENDING, SAME, who(STEP_ROLE)),
        Row("reject_amendment", PENDING, REJECTED, who(STEP_ROLE)),
        Row("withdraw_amendment", PENDING, WITHDRAWN, who(REQUESTER, CONTRACT_SPECIALIST)),
    ],
)
