"""First-in-first-out application of collections to shipments, by due date (SPEC §5):
the one rule behind aging, collection rate and the next due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Shipment:
    contract_id: str
    customer_id: str
    owner: str
    shipped_on: date
    due_on: date
    position: int  # recording order breaks the last ties
    amount: int  # cents


def unpaid_parts(
    shipments: list[Shipment], collected: int
) -> tuple[list[tuple[Shipment, int]], int]:
    """Each shipment with the cents still unpaid after `collected` is applied, earliest due
    first (ties by shipped date, then recording order), and the credit left over."""
    left = max(collected, 0)
    parts = []
    for shipment in sorted(shipments, key=lambda s: (s.due_on, s.shipped_on, s.position)):
        applied = min(left, shipment.amount)
        left -= applied
        parts.append((shipment, shipment.amount - applied))
    return parts, left


def overdrawn(collected: int) -> int:
    """Refunds dated before the payments they return leave a net negative collection: the
    customer owes it, so it counts as unpaid (and current) rather than vanishing."""
    return max(-collected, 0)
