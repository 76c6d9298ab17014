"""Contract commands and queries (SPEC §2): one method per command, over the application's
one event log.

Every command loads the contract, lets it decide, and saves, retrying on a lost version
race (see `domain.commands`). `expected` is the client's `If-Match` version; `once` makes
the command idempotent (SPEC §8 `Idempotency-Key`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import DomainEventProtocol
from typing_extensions import Unpack

from domain.actors import CUSTOMER_SERVICE, Actor
from domain.commands import How, as_it_stood, change, record
from domain.complaints.links import ComplaintsOnContract
from domain.contracts.contract import Contract
from domain.contracts.policy import (
    authorize,
    authorize_number_choice,
    authorize_owner_choice,
    known_step,
    may_read,
)
from domain.contracts.routing import Credit
from domain.customers.customer import Customer
from domain.errors import NotFoundError
from domain.numbering import NumberIndex, claim_number

if TYPE_CHECKING:
    from domain.application import ContractFlow

CONTRACT_PREFIX = "HT"


class ContractDesk:
    def __init__(self, app: ContractFlow) -> None:
        self.app = app

    # Queries.

    def get(
        self,
        actor: Actor,
        contract_id: UUID,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> Contract:
        """The contract now, at a version, or as it stood at a recording time."""
        current = self.visible(actor, contract_id)
        return as_it_stood(self.app.repository, self.app.events, current, version, as_of)

    def history(self, actor: Actor, contract_id: UUID) -> list[DomainEventProtocol[UUID]]:
        self.visible(actor, contract_id)
        return list(self.app.events.get(contract_id))

    def visible(self, actor: Actor, contract_id: UUID) -> Contract:
        """A contract the actor may read (SPEC §7); others are 404, never 403: a sales user
        never learns another's contract exists."""
        contract = self._load(contract_id)
        if not may_read(actor, contract, self._named_in_complaint):
            raise NotFoundError(f"no contract {contract_id}")
        return contract

    def to_name_in_complaint(self, actor: Actor, contract_id: UUID) -> Contract:
        """A contract a complaint being received may name: one the actor may read, or any,
        for customer service, who receive complaints about every customer's contracts."""
        contract = self._load(contract_id)
        if not (actor.has(CUSTOMER_SERVICE) or may_read(actor, contract, self._named_in_complaint)):
            raise NotFoundError(f"no contract {contract_id}")
        return contract

    def _load(self, contract_id: UUID) -> Contract:
        try:
            contract = self.app.repository.get(contract_id)
        except AggregateNotFoundError:
            contract = None
        if not isinstance(contract, Contract):
            raise NotFoundError(f"no contract {contract_id}")
        return contract

    def _named_in_complaint(self, contract: Contract) -> bool:
        return ComplaintsOnContract.create_id(contract.id) in self.app.repository

    # Commands.

    def create(
        self,
        actor: Actor,
        terms: Mapping[str, Any],
        *,
        owner: str | None = None,
        number: str | None = None,
        **how: Unpack[How],
    ) -> Contract:
        """Draft a contract; its number is the one given or the next `HT-<year>-<6 digits>`."""
        authorize(actor, "create")
        owner = owner or actor.id
        authorize_owner_choice(actor, owner)
        if number is not None:
            authorize_number_choice(actor)
        contract_id = uuid4()

        def decide() -> list[Any]:
            claimed, sequence = claim_number(
                self.app.repository, number, CONTRACT_PREFIX, self.app.today().year
            )
            named, customer = self.app.customers.named(terms["customer"], contract_id, actor.id)
            contract = Contract.create(
                contract_id, claimed, owner, {**terms, "customer": named}, actor
            )
            return [contract, NumberIndex(claimed, contract_id), *sequence, customer]

        return record(self.app, decide, how.get("once"))

    def revise(
        self, actor: Actor, contract_id: UUID, changes: dict[str, Any], **how: Unpack[How]
    ) -> Contract:
        def revise(contract: Contract) -> list[Any]:
            if "customer" not in changes:
                contract.revise(actor, changes)
                return []
            named, customer = self.app.customers.named(changes["customer"], contract_id, actor.id)
            contract.revise(actor, {**changes, "customer": named})
            return [customer]

        return self._change(actor, contract_id, revise, **how)

    def submit(self, actor: Actor, contract_id: UUID, **how: Unpack[How]) -> Contract:
        routing = self.app.routing
        return self._change(
            actor,
            contract_id,
            lambda c: c.submit(actor, routing, self._credit(c, adding=c.amount)),
            **how,
        )

    def _credit(self, contract: Contract, adding: Decimal) -> Credit | None:
        """The customer's credit limit and the exposure `adding` brings it to; none when
        the register sets no limit (SPEC §2.3)."""
        customer_id = Customer.create_id(contract.customer.id)
        if customer_id not in self.app.repository:
            return None  # named before the register existed, and not registered since
        customer: Customer = self.app.repository.get(customer_id)
        if customer.credit_limit is None:
            return None
        return Credit(customer.credit_limit, self.app.customers.exposure(customer, adding))

    def approve(
        self,
        actor: Actor,
        contract_id: UUID,
        step: str,
        comment: str | None,
        on_behalf_of: str | None = None,
        **how: Unpack[How],
    ) -> Contract:
        decider = self._decider(actor, step, on_behalf_of)
        return self._change(
            actor, contract_id, lambda c: c.approve(decider, step, comment, on_behalf_of), **how
        )

    def reject(
        self,
        actor: Actor,
        contract_id: UUID,
        step: str,
        reason: str,
        on_behalf_of: str | None = None,
        **how: Unpack[How],
    ) -> Contract:
        decider = self._decider(actor, step, on_behalf_of)
        return self._change(
            actor, contract_id, lambda c: c.reject(decider, step, reason, on_behalf_of), **how
        )

    def _decider(self, actor: Actor, step: str, on_behalf_of: str | None) -> Actor:
        """Who decides the step: the caller, or the caller with the role lent to them."""
        if on_behalf_of is None:
            return actor
        return self.app.delegations.acting_for(actor, on_behalf_of, known_step(step))

    def sign(
        self, actor: Actor, contract_id: UUID, signed_on: date | None, **how: Unpack[How]
    ) -> Contract:
        day = self.app.business_date(signed_on, "signed_on")
        return self._change(actor, contract_id, lambda c: c.sign(actor, day), **how)

    def start(
        self, actor: Actor, contract_id: UUID, started_on: date | None, **how: Unpack[How]
    ) -> Contract:
        day = self.app.business_date(started_on, "started_on")
        return self._change(actor, contract_id, lambda c: c.start(actor, day), **how)

    def ship(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        shipped_on: date | None,
        note: str | None,
        **how: Unpack[How],
    ) -> Contract:
        day = self.app.business_date(shipped_on, "shipped_on")
        return self._change(actor, contract_id, lambda c: c.ship(actor, amount, day, note), **how)

    def invoice(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        invoice_no: str,
        issued_on: date | None,
        **how: Unpack[How],
    ) -> Contract:
        day = self.app.business_date(issued_on, "issued_on")
        return self._change(
            actor, contract_id, lambda c: c.invoice(actor, amount, invoice_no, day), **how
        )

    def pay(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        received_on: date | None,
        reference: str,
        **how: Unpack[How],
    ) -> Contract:
        day = self.app.business_date(received_on, "received_on")
        return self._change(
            actor, contract_id, lambda c: c.pay(actor, amount, day, reference), **how
        )

    def refund(
        self,
        actor: Actor,
        contract_id: UUID,
        amount: Decimal,
        refunded_on: date | None,
        reason: str,
        **how: Unpack[How],
    ) -> Contract:
        day = self.app.business_date(refunded_on, "refunded_on")
        return self._change(
            actor, contract_id, lambda c: c.refund(actor, amount, day, reason), **how
        )

    def accept(
        self,
        actor: Actor,
        contract_id: UUID,
        accepted_on: date | None,
        note: str | None,
        **how: Unpack[How],
    ) -> Contract:
        day = self.app.business_date(accepted_on, "accepted_on")
        return self._change(actor, contract_id, lambda c: c.accept(actor, day, note), **how)

    def terminate(
        self, actor: Actor, contract_id: UUID, reason: str, **how: Unpack[How]
    ) -> Contract:
        return self._change(actor, contract_id, lambda c: c.terminate(actor, reason), **how)

    def amend(
        self,
        actor: Actor,
        contract_id: UUID,
        changes: dict[str, Any],
        reason: str,
        **how: Unpack[How],
    ) -> Contract:
        routing = self.app.routing
        return self._change(
            actor,
            contract_id,
            lambda c: c.amend(
                actor, changes, reason, routing, lambda increase: self._credit(c, increase)
            ),
            **how,
        )

    def approve_amendment(
        self,
        actor: Actor,
        contract_id: UUID,
        step: str,
        comment: str | None,
        on_behalf_of: str | None = None,
        **how: Unpack[How],
    ) -> Contract:
        decider = self._decider(actor, step, on_behalf_of)
        return self._change(
            actor,
            contract_id,
            lambda c: c.approve_amendment(decider, step, comment, on_behalf_of),
            **how,
        )

    def reject_amendment(
        self,
        actor: Actor,
        contract_id: UUID,
        step: str,
        reason: str,
        on_behalf_of: str | None = None,
        **how: Unpack[How],
    ) -> Contract:
        decider = self._decider(actor, step, on_behalf_of)
        return self._change(
            actor,
            contract_id,
            lambda c: c.reject_amendment(decider, step, reason, on_behalf_of),
            **how,
        )

    def withdraw_amendment(
        self, actor: Actor, contract_id: UUID, reason: str, **how: Unpack[How]
    ) -> Contract:
        return self._change(
            actor, contract_id, lambda c: c.withdraw_amendment(actor, reason), **how
        )

    def _change(
        self,
        actor: Actor,
        contract_id: UUID,
        command: Callable[[Contract], list[Any] | None],
        **how: Unpack[How],
    ) -> Contract:
        return change(self.app, lambda: self.visible(actor, contract_id), command, **how)
