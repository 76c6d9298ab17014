"""Who may do what with complaints (SPEC §3, §7), and the service levels of the loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from domain.actors import AUDITOR, CUSTOMER_SERVICE, DIRECTOR, MANAGER, SALES, Actor
from domain.complaints.lifecycle import COMPLAINT_LIFECYCLE
from domain.errors import ForbiddenError, NotAssignedError, SeparationOfDutiesError

if TYPE_CHECKING:
    from domain.complaints.complaint import Complaint

COMPLAINT_READERS = frozenset({CUSTOMER_SERVICE, MANAGER, DIRECTOR, AUDITOR, SALES})


@dataclass(frozen=True)
class ServiceLevels:
    """Defaults: handle within 48 hours of receipt, revisit within 7 days of handling."""

    handle_within: timedelta = timedelta(hours=48)
    revisit_within: timedelta = timedelta(days=7)


def authorize_reading(actor: Actor) -> str | None:
    """Returns the owner whose contracts' complaints a sales user is narrowed to."""
    if not actor.has(*COMPLAINT_READERS):
        raise ForbiddenError("complaints are not open to your roles")
    return actor.id if actor.roles.isdisjoint(COMPLAINT_READERS - {SALES}) else None


def authorize_receiving(actor: Actor) -> None:
    if not actor.has(*COMPLAINT_LIFECYCLE.creators):
        raise ForbiddenError("complaints are received by customer service or sales")


def refusal(actor: Actor, action: str, complaint: Complaint) -> ForbiddenError | None:
    """Why `actor` may not take `action` on `complaint`, or None: customer service works
    the loop; once assigned, only the assignee handles it (SPEC §3); the revisit checks the
    handling, so whoever handled it last may not do it."""
    if not actor.has(*COMPLAINT_LIFECYCLE.who(action)):
        return ForbiddenError(f"'{action}' is for customer service")
    if action == "handle" and complaint.assigned_to not in (None, actor.id):
        return NotAssignedError(f"the complaint is assigned to {complaint.assigned_to}")
    if action == "revisit" and actor.id == complaint.handler:
        return SeparationOfDutiesError("the revisit needs someone other than the last handler")
    return None


def authorize(actor: Actor, action: str, complaint: Complaint) -> None:
    found = refusal(actor, action, complaint)
    if found is not None:
        raise found


def my_actions(actor: Actor, complaint: Complaint) -> list[str]:
    """SPEC §2: of the actions the loop allows now, those this actor may take."""
    return [a for a in complaint.allowed_actions if refusal(actor, a, complaint) is None]
