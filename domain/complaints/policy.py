"""Who may do what with complaints (SPEC §3, §7), and the service levels of the loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.actors import AUDITOR, CUSTOMER_SERVICE, DIRECTOR, MANAGER, SALES, Actor
from domain.complaints.lifecycle import COMPLAINT_LIFECYCLE
from domain.errors import ForbiddenError, SeparationOfDutiesError

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


def authorize_working(actor: Actor, action: str) -> None:
    if not actor.has(*COMPLAINT_LIFECYCLE.who(action)):
        raise ForbiddenError(f"'{action}' is for customer service")


def authorize_revisit(actor: Actor, handler: str | None) -> None:
    """The revisit checks the handling, so whoever handled it last may not do it."""
    authorize_working(actor, "revisit")
    if actor.id == handler:
        raise SeparationOfDutiesError("the revisit needs someone other than the last handler")
