"""The Complaint aggregate: a closed loop of receipt, handling and revisit (SPEC §3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor
from domain.chain import ChainedAggregate
from domain.complaints.lifecycle import COMPLAINT_LIFECYCLE, RECEIVED
from domain.complaints.policy import (
    ServiceLevels,
    authorize,
    authorize_receiving,
)
from domain.errors import InvalidInputError


class Complaint(ChainedAggregate):
    class_version = 2  # the shape of its state; snapshots of another are replayed over

    @event("Received")
    def __init__(  # the event's fields
        self,
        id: UUID,  # noqa: A002 - the library names it so
        number: str,
        details: dict[str, Any],
        contract_owner: str | None,
        received_at: datetime,
        handle_due: datetime,
        actor: str,
    ) -> None:
        self.number = number
        self.customer = details["customer"]
        self.contract_id = details.get("contract_id")
        self.channel = details["channel"]
        self.category = details["category"]
        self.severity = details["severity"]
        self.description = details["description"]
        self.contract_owner = contract_owner
        self.received_at = received_at
        self.handle_due: datetime | None = handle_due
        self.state = RECEIVED
        self.handler: str | None = None  # assigned, or else whoever handled it last
        self.assigned_to: str | None = None
        self.handled_at: datetime | None = None
        self.revisit_due: datetime | None = None
        self.resolution: str | None = None
        self.revisited_at: datetime | None = None
        self.last_revisit: dict[str, Any] | None = None
        self.reopen_count = 0

    @classmethod
    def receive(
        cls, complaint_id: UUID, number: str, details: dict[str, Any],
        contract_owner: str | None, received_at: datetime, levels: ServiceLevels, actor: Actor,
    ) -> Complaint:  # fmt: skip
        authorize_receiving(actor)
        return cls(
            id=complaint_id, number=number, details=details, contract_owner=contract_owner,
            received_at=received_at, handle_due=received_at + levels.handle_within,
            actor=actor.id,
        )  # fmt: skip

    @property
    def allowed_actions(self) -> list[str]:
        return COMPLAINT_LIFECYCLE.allowed_actions(self)

    def assign(self, actor: Actor, handler: str) -> None:
        authorize(actor, "assign", self)
        to = COMPLAINT_LIFECYCLE.target(self, "assign")
        self._assigned(to=to, handler=handler, actor=actor.id)

    def handle(
        self, actor: Actor, resolution: str, handled_at: datetime, levels: ServiceLevels
    ) -> None:
        authorize(actor, "handle", self)
        to = COMPLAINT_LIFECYCLE.target(self, "handle")
        # After a reopening the new round starts at the revisit, not at the first receipt.
        round_start = self.revisited_at or self.received_at
        _not_before(handled_at, round_start, "handled_at", "the start of this round")
        self._handled(
            to=to, resolution=resolution, handled_at=handled_at,
            revisit_due=handled_at + levels.revisit_within, actor=actor.id,
        )  # fmt: skip

    def revisit(
        self, actor: Actor, outcome: dict[str, Any], revisited_at: datetime, levels: ServiceLevels
    ) -> None:
        authorize(actor, "revisit", self)
        to = COMPLAINT_LIFECYCLE.target(self, "revisit", satisfied=outcome["satisfied"])
        assert self.handled_at is not None  # handled is the only state a revisit leaves
        _not_before(revisited_at, self.handled_at, "revisited_at", "handled_at")
        reopened_due = None if to != RECEIVED else revisited_at + levels.handle_within
        self._revisited(
            to=to, outcome=outcome, revisited_at=revisited_at, handle_due=reopened_due,
            actor=actor.id,
        )  # fmt: skip

    @event("Assigned")
    def _assigned(self, to: str, handler: str, actor: str) -> None:
        self.state = to
        self.handler = handler
        self.assigned_to = handler

    @event("Handled")
    def _handled(
        self, to: str, resolution: str, handled_at: datetime, revisit_due: datetime, actor: str
    ) -> None:
        self.state = to
        self.handler = actor
        self.resolution = resolution
        self.handled_at = handled_at
        self.handle_due = None
        self.revisit_due = revisit_due

    @event("Revisited")
    def _revisited(
        self, to: str, outcome: dict[str, Any], revisited_at: datetime,
        handle_due: datetime | None, actor: str,
    ) -> None:  # fmt: skip
        self.state = to
        self.last_revisit = outcome
        self.revisited_at = revisited_at
        self.revisit_due = None
        self.handle_due = handle_due
        if to == RECEIVED:
            self.reopen_count += 1


def _not_before(later: datetime, earlier: datetime, later_name: str, earlier_name: str) -> None:
    if later < earlier:
        raise InvalidInputError(f"{later_name} {later.isoformat()} is before {earlier_name}")
