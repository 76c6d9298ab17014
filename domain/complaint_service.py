"""Complaint commands and queries of the contractflow application (SPEC §3)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import DomainEventProtocol

from domain.actors import Actor
from domain.commands import as_it_stood, change, record
from domain.complaint import Complaint
from domain.complaint_policy import ServiceLevels, authorize_reading, authorize_receiving
from domain.errors import InvalidInputError, NotFoundError
from domain.numbering import NumberIndex

if TYPE_CHECKING:
    from domain.service import ContractFlow

COMPLAINT_PREFIX = "TS"


class ComplaintDesk:
    """Mixed into the application: complaints share its store and notification log."""

    service_levels: ServiceLevels

    def receive_complaint(
        self: ContractFlow, actor: Actor, details: dict[str, Any], received_at: datetime | None
    ) -> Complaint:
        """Receive (受理) a complaint, optionally about a contract the caller can see."""
        authorize_receiving(actor)
        contract_owner = self._linked_contract_owner(actor, details)
        received = self.moment(received_at, "received_at")
        complaint_id = uuid4()

        def decide() -> list[Any]:
            number, sequence = self.claim_number(None, COMPLAINT_PREFIX)
            complaint = Complaint.receive(
                complaint_id, number, details, contract_owner, received, self.service_levels, actor
            )
            return [complaint, NumberIndex(number, complaint_id), sequence]

        return record(self, decide)

    def assign_complaint(
        self: ContractFlow, actor: Actor, complaint_id: UUID, handler: str, expected: int | None
    ) -> Complaint:
        return self._change_complaint(
            actor, complaint_id, expected, lambda c: c.assign(actor, handler)
        )

    def handle_complaint(
        self: ContractFlow, actor: Actor, complaint_id: UUID, resolution: str,
        handled_at: datetime | None, expected: int | None,
    ) -> Complaint:  # fmt: skip
        moment = self.moment(handled_at, "handled_at")
        return self._change_complaint(
            actor, complaint_id, expected,
            lambda c: c.handle(actor, resolution, moment, self.service_levels),
        )  # fmt: skip

    def revisit_complaint(
        self: ContractFlow, actor: Actor, complaint_id: UUID, outcome: dict[str, Any],
        revisited_at: datetime | None, expected: int | None,
    ) -> Complaint:  # fmt: skip
        moment = self.moment(revisited_at, "revisited_at")
        return self._change_complaint(
            actor, complaint_id, expected,
            lambda c: c.revisit(actor, outcome, moment, self.service_levels),
        )  # fmt: skip

    def get_complaint(
        self: ContractFlow, actor: Actor, complaint_id: UUID, *, version: int | None = None,
        as_of: datetime | None = None,
    ) -> Complaint:  # fmt: skip
        """The complaint now, at a version, or as it stood at a recording time."""
        current = self._visible_complaint(actor, complaint_id)
        return as_it_stood(self.repository, self.events, current, version, as_of)

    def complaint_history(
        self: ContractFlow, actor: Actor, complaint_id: UUID
    ) -> list[DomainEventProtocol[UUID]]:
        self._visible_complaint(actor, complaint_id)
        return list(self.events.get(complaint_id))

    def moment(self: ContractFlow, given: datetime | None, field: str) -> datetime:
        """A recording of when something happened: now by default, never in the future."""
        now = datetime.now(UTC)
        if given is None:
            return now
        if given.tzinfo is None:
            raise InvalidInputError(f"{field} needs a UTC offset")
        if given > now:
            raise InvalidInputError(f"{field} {given.isoformat()} is in the future")
        return given.astimezone(UTC)

    def _linked_contract_owner(
        self: ContractFlow, actor: Actor, details: dict[str, Any]
    ) -> str | None:
        """A linked contract must exist, be visible to the caller and be the customer's."""
        contract_id = details.get("contract_id")
        if contract_id is None:
            if authorize_reading(actor) is not None:
                raise InvalidInputError("a sales rep receives complaints about own contracts only")
            return None
        try:
            contract = self._visible_contract(actor, contract_id)
        except NotFoundError:
            raise InvalidInputError(
                f"contract_id {contract_id} names no contract you can see"
            ) from None
        if contract.customer["id"] != details["customer"]["id"]:
            raise InvalidInputError("the complaint's customer is not the contract's customer")
        return contract.owner

    def _visible_complaint(self: ContractFlow, actor: Actor, complaint_id: UUID) -> Complaint:
        owner = authorize_reading(actor)
        try:
            complaint = self.repository.get(complaint_id)
        except AggregateNotFoundError:
            complaint = None
        if not isinstance(complaint, Complaint) or (
            owner is not None and complaint.contract_owner != owner
        ):
            raise NotFoundError(f"no complaint {complaint_id}")
        return complaint

    def _change_complaint(
        self: ContractFlow, actor: Actor, complaint_id: UUID, expected: int | None, command: Any
    ) -> Complaint:
        return change(self, lambda: self._visible_complaint(actor, complaint_id), expected, command)
