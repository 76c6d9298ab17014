"""The contractflow application: one method per command, over one event log.

Every command loads the aggregate, lets it decide, and saves. A save that loses a
version race raises `IntegrityError`; the command then runs again on fresh state, so
every rule is checked again and no concurrent command is lost (SPEC §8).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder

from domain.actors import Actor
from domain.chain import seal_pending
from domain.commands import as_it_stood, change, record
from domain.complaint import Complaint
from domain.complaint_policy import ServiceLevels
from domain.complaint_service import ComplaintDesk
from domain.contract import Contract
from domain.contract_policy import authorize, authorize_owner_choice
from domain.errors import DuplicateNumberError, NotFoundError
from domain.numbering import NumberIndex, NumberSequence
from domain.replay import ReplayingRepository, replay
from domain.routing import ApprovalRouting
from domain.terms import ensure_not_future
from domain.transcodings import DateAsISO

CONTRACT_PREFIX = "HT"


class ContractFlow(ComplaintDesk, Application):
    """All aggregates of contractflow share this application and its notification log."""

    name = "contractflow"
    snapshotting_intervals = {Contract: 50, Complaint: 50, NumberSequence: 200}  # noqa: RUF012
    snapshotting_projectors = dict.fromkeys(snapshotting_intervals, replay)

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        routing: ApprovalRouting | None = None,
        service_levels: ServiceLevels | None = None,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        super().__init__(env)
        self.routing = routing or ApprovalRouting()
        self.service_levels = service_levels or ServiceLevels()
        self.timezone = ZoneInfo(timezone)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Every save chains its events to their aggregates' histories (tamper evidence)."""
        seal_pending(self.events, objs)
        return super().save(*objs, **kwargs)

    def construct_repository(self) -> ReplayingRepository:
        return ReplayingRepository(event_store=self.events, snapshot_store=self.snapshots)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def today(self) -> date:
        """Business dates default to today in the configured time zone (SPEC §4)."""
        return datetime.now(self.timezone).date()

    def business_date(self, given: date | None, field: str) -> date:
        return ensure_not_future(given or self.today(), self.today(), field)

    # Queries.

    def get_contract(
        self,
        actor: Actor,
        contract_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> Contract:
        """The contract now, at a version, or as it stood at a recording time."""
        current = self._visible_contract(actor, contract_id)
        return as_it_stood(self.repository, self.events, current, version, as_of)

    def contract_history(self, actor: Actor, contract_id: UUID) -> list[DomainEventProtocol[UUID]]:
        self._visible_contract(actor, contract_id)
        return list(self.events.get(contract_id))

    def _visible_contract(self, actor: Actor, contract_id: UUID) -> Contract:
        """A sales user never learns another's contract exists: 404, never 403."""
        try:
            contract = self.repository.get(contract_id)
        except AggregateNotFoundError:
            contract = None
        if not isinstance(contract, Contract) or (
            actor.sees_own_contracts_only and contract.owner != actor.id
        ):
            raise NotFoundError(f"no contract {contract_id}")
        return contract

    # Commands.

    def create_contract(
        self,
        actor: Actor,
        terms: dict[str, Any],
        *,
        owner: str | None = None,
        number: str | None = None,
    ) -> Contract:
        """Draft a contract; its number is the one given or the next `HT-<year>-<6 digits>`."""
        authorize(actor, "create")
        owner = owner or actor.id
        authorize_owner_choice(actor, owner)
        contract_id = uuid4()

        def decide() -> list[Any]:
            claimed, sequence = self.claim_number(number, CONTRACT_PREFIX)
            contract = Contract.create(contract_id, claimed, owner, terms, actor)
            return [contract, NumberIndex(claimed, contract_id), sequence]

        return record(self, decide)

    def claim_number(self, number: str | None, prefix: str) -> tuple[str, NumberSequence | None]:
        """The number given, if free; else the next `<prefix>-<year>-<6 digits>` not taken."""
        if number is not None:
            if NumberIndex.create_id(number) in self.repository:
                raise DuplicateNumberError(f"number {number} is already used")
            return number, None
        year = self.today().year
        try:
            sequence = self.repository.get(NumberSequence.create_id(prefix, year))
        except AggregateNotFoundError:
            sequence = NumberSequence(prefix, year)
        candidate = sequence.issue()
        while NumberIndex.create_id(candidate) in self.repository:  # taken by hand
            candidate = sequence.issue()
        return candidate, sequence

    def revise_contract(
        self, actor: Actor, contract_id: UUID, changes: dict[str, Any], expected: int | None
    ) -> Contract:
        return self._change(actor, contract_id, expected, lambda c: c.revise(actor, changes))

    def submit_contract(self, actor: Actor, contract_id: UUID, expected: int | None) -> Contract:
        return self._change(actor, contract_id, expected, lambda c: c.submit(actor, self.routing))

    def approve_contract(
        self,
        actor: Actor,
        contract_id: UUID,
        step: str,
        comment: str | None,
        expected: int | None,
    ) -> Contract:
        return self._change(actor, contract_id, expected, lambda c: c.approve(actor, step, comment))

    def reject_contract(
        self, actor: Actor, contract_id: UUID, step: str, reason: str, expected: int | None
    ) -> Contract:
        return self._change(actor, contract_id, expected, lambda c: c.reject(actor, step, reason))

    def sign_contract(
        self, actor: Actor, contract_id: UUID, signed_on: date | None, expected: int | None
    ) -> Contract:
        effective = self.business_date(signed_on, "signed_on")
        return self._change(actor, contract_id, expected, lambda c: c.sign(actor, effective))

    def start_contract(
        self, actor: Actor, contract_id: UUID, started_on: date | None, expected: int | None
    ) -> Contract:
        effective = self.business_date(started_on, "started_on")
        return self._change(actor, contract_id, expected, lambda c: c.start(actor, effective))

    def ship(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        shipped_on: date | None,
        note: str | None,
        expected: int | None,
    ) -> Contract:
        effective = self.business_date(shipped_on, "shipped_on")
        return self._change(
            actor, contract_id, expected, lambda c: c.ship(actor, amount, effective, note)
        )

    def invoice(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        invoice_no: str,
        issued_on: date | None,
        expected: int | None,
    ) -> Contract:
        effective = self.business_date(issued_on, "issued_on")
        return self._change(
            actor, contract_id, expected, lambda c: c.invoice(actor, amount, invoice_no, effective)
        )

    def pay(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        received_on: date | None,
        reference: str,
        expected: int | None,
    ) -> Contract:
        effective = self.business_date(received_on, "received_on")
        return self._change(
            actor, contract_id, expected, lambda c: c.pay(actor, amount, effective, reference)
        )

    def refund(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        refunded_on: date | None,
        reason: str,
        expected: int | None,
    ) -> Contract:
        effective = self.business_date(refunded_on, "refunded_on")
        return self._change(
            actor, contract_id, expected, lambda c: c.refund(actor, amount, effective, reason)
        )

    def accept_contract(
        self,
        actor: Actor,
        contract_id: UUID,
        accepted_on: date | None,
        note: str | None,
        expected: int | None,
    ) -> Contract:
        effective = self.business_date(accepted_on, "accepted_on")
        return self._change(
            actor, contract_id, expected, lambda c: c.accept(actor, effective, note)
        )

    def terminate_contract(
        self, actor: Actor, contract_id: UUID, reason: str, expected: int | None
    ) -> Contract:
        return self._change(actor, contract_id, expected, lambda c: c.terminate(actor, reason))

    def _change(
        self,
        actor: Actor,
        contract_id: UUID,
        expected: int | None,
        command: Callable[[Contract], None],
    ) -> Contract:
        return change(self, lambda: self._visible_contract(actor, contract_id), expected, command)
