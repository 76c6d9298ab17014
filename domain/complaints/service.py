"""Complaint commands and queries (SPEC §3), over the application's one event log, so that
complaints and contracts share one store and one notification log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import DomainEventProtocol
from typing_extensions import Unpack

from domain.actors import Actor
from domain.commands import How, as_it_stood, change, record
from domain.complaints.complaint import Complaint
from domain.complaints.links import ComplaintsOnContract
from domain.complaints.policy import authorize_reading, authorize_receiving
from domain.dates import moment
from domain.errors import InvalidInputError, NotFoundError
from domain.numbering import NumberIndex, claim_number

if TYPE_CHECKING:
    from domain.application import ContractFlow

COMPLAINT_PREFIX = "TS"


class ComplaintDesk:
    def __init__(self, app: ContractFlow) -> None:
        self.app = app

    def receive(
        self,
        actor: Actor,
        details: dict[str, Any],
        received_at: datetime | None,
        **how: Unpack[How],
    ) -> Complaint:
        """Receive (受理) a complaint, optionally about a contract the caller can see."""
        authorize_receiving(actor)
        contract_owner = self._linked_contract_owner(actor, details)
        received = moment(received_at, "received_at")
        complaint_id, levels = uuid4(), self.app.service_levels

        def decide() -> list[Any]:
            number, sequence = claim_number(
                self.app.repository, None, COMPLAINT_PREFIX, self.app.today().year
            )
            complaint = Complaint.receive(
                complaint_id, number, details, contract_owner, received, levels, actor
            )
            return [complaint, NumberIndex(number, complaint_id), *sequence, *self._link(complaint)]

        return record(self.app, decide, how.get("once"))

    def assign(
        self, actor: Actor, complaint_id: UUID, handler: str, **how: Unpack[How]
    ) -> Complaint:
        return self._change(actor, complaint_id, lambda c: c.assign(actor, handler), **how)

    def handle(
        self,
        actor: Actor,
        complaint_id: UUID,
        resolution: str,
        handled_at: datetime | None,
        **how: Unpack[How],
    ) -> Complaint:
        at, levels = moment(handled_at, "handled_at"), self.app.service_levels
        return self._change(
            actor, complaint_id, lambda c: c.handle(actor, resolution, at, levels), **how
        )

    def revisit(
        self,
        actor: Actor,
        complaint_id: UUID,
        outcome: dict[str, Any],
        revisited_at: datetime | None,
        **how: Unpack[How],
    ) -> Complaint:
        at, levels = moment(revisited_at, "revisited_at"), self.app.service_levels
        return self._change(
            actor, complaint_id, lambda c: c.revisit(actor, outcome, at, levels), **how
        )

    def get(
        self,
        actor: Actor,
        complaint_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> Complaint:
        """The complaint now, at a version, or as it stood at a recording time."""
        current = self._visible(actor, complaint_id)
        return as_it_stood(self.app.repository, self.app.events, current, version, as_of)

    def history(self, actor: Actor, complaint_id: UUID) -> list[DomainEventProtocol[UUID]]:
        self._visible(actor, complaint_id)
        return list(self.app.events.get(complaint_id))

    def _link(self, complaint: Complaint) -> list[ComplaintsOnContract]:
        """The contract's first complaint marks it as one customer service may read."""
        contract_id = complaint.contract_id
        if (
            contract_id is None
            or ComplaintsOnContract.create_id(contract_id) in self.app.repository
        ):
            return []
        return [ComplaintsOnContract(contract_id, complaint.id)]

    def _linked_contract_owner(self, actor: Actor, details: dict[str, Any]) -> str | None:
        """A linked contract must exist, be visible to the caller and be the customer's."""
        contract_id = details.get("contract_id")
        if contract_id is None:
            if authorize_reading(actor) is not None:
                raise InvalidInputError("a sales rep receives complaints about own contracts only")
            return None
        try:
            contract = self.app.contracts.to_name_in_complaint(actor, contract_id)
        except NotFoundError:
            raise InvalidInputError(
                f"contract_id {contract_id} names no contract you can see"
            ) from None
        if contract.customer.id != details["customer"]["id"]:
            raise InvalidInputError("the complaint's customer is not the contract's customer")
        return contract.owner

    def _visible(self, actor: Actor, complaint_id: UUID) -> Complaint:
        owner = authorize_reading(actor)
        try:
            complaint = self.app.repository.get(complaint_id)
        except AggregateNotFoundError:
            complaint = None
        if not isinstance(complaint, Complaint) or (
            owner is not None and complaint.contract_owner != owner
        ):
            raise NotFoundError(f"no complaint {complaint_id}")
        return complaint

    def _change(
        self,
        actor: Actor,
        complaint_id: UUID,
        command: Callable[[Complaint], None],
        **how: Unpack[How],
    ) -> Complaint:
        return change(self.app, lambda: self._visible(actor, complaint_id), command, **how)
