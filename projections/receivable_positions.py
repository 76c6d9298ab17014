"""A contract's receivable position, settled in memory while the receivables view applies a
batch: its shipments, what it has collected, and how first-in-first-out leaves each
shipment (SPEC §5: collections pay the earliest due shipment first; ties by shipped date,
then recording order — the order `fifo.unpaid_parts` applies at query time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Shipment:
    position: int
    due_on: str  # ISO dates: text order is date order
    effective_on: str
    amount: int  # cents

    def turn(self) -> tuple[str, str, int]:
        """Its place in the order collections pay shipments."""
        return (self.due_on, self.effective_on, self.position)


@dataclass
class Account:
    customer_id: str
    owner: str
    currency: str
    collected: int = 0  # cents, refunds taken off: below zero when refunds came first
    shipments: list[Shipment] = field(default_factory=list)
    _stored: dict[int, int] = field(default_factory=dict)  # position → unpaid cents

    @property
    def key(self) -> tuple[str, str, str]:
        """What reports group and scope by: the contract's customer, owner and currency."""
        return (self.customer_id, self.owner, self.currency)

    @property
    def shipped(self) -> int:
        return sum(shipment.amount for shipment in self.shipments)

    def revise(self, changes: dict[str, Any]) -> None:
        """A draft's new customer or currency (a contract ships only once signed)."""
        self.currency = changes.get("currency", self.currency)
        self.customer_id = changes.get("customer", {"id": self.customer_id})["id"]

    def ship(self, shipment: Shipment) -> None:
        self.shipments.append(shipment)

    def collect(self, amount: int) -> None:
        self.collected += amount

    def stored(self, shipment: Shipment, unpaid: int) -> None:
        """A shipment as the view holds it, with the cents it had left unpaid."""
        self.shipments.append(shipment)
        self._stored[shipment.position] = unpaid

    def settle(self) -> dict[int, int]:
        """Position → unpaid cents now, of each shipment whose stored figure differs (new
        ones included): collections, net of refunds, pay shipments in turn."""
        changed, left = {}, max(self.collected, 0)
        for shipment in sorted(self.shipments, key=Shipment.turn):
            paid = min(left, shipment.amount)
            left -= paid
            if self._stored.get(shipment.position) != shipment.amount - paid:
                changed[shipment.position] = shipment.amount - paid
        return changed
