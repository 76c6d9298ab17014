"""Customer commands (SPEC §2.3), and what contracts ask of the register: a customer's name
as registered, and its exposure for the credit limit."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from typing_extensions import Unpack

from domain.actors import CONTRACT_SPECIALIST, DIRECTOR, FINANCE, MANAGER, Actor
from domain.commands import How, change, record
from domain.contracts.states import EXECUTING, SIGNED
from domain.customers.customer import Customer, validated
from domain.errors import DuplicateCustomerError, ForbiddenError, NotFoundError
from domain.money import ZERO

if TYPE_CHECKING:
    from domain.application import ContractFlow
    from domain.contracts.contract import Contract

REGISTRARS = frozenset({CONTRACT_SPECIALIST, FINANCE, MANAGER, DIRECTOR})
COMMITTED = (SIGNED, EXECUTING)  # their remaining amount is owed to come


class CustomerDesk:
    def __init__(self, app: ContractFlow) -> None:
        self.app = app

    def register(
        self, actor: Actor, customer_id: str, details: dict[str, Any], **how: Unpack[How]
    ) -> Customer:
        _authorize(actor)
        validated(details)

        def decide() -> list[Any]:
            if Customer.create_id(customer_id) in self.app.repository:
                raise DuplicateCustomerError(f"customer {customer_id} is registered already")
            return [_new(customer_id, details, actor.id, "register")]

        return record(self.app, decide, how.get("once"))  # type: ignore[no-any-return]

    def update(
        self, actor: Actor, customer_id: str, changes: dict[str, Any], **how: Unpack[How]
    ) -> Customer:
        _authorize(actor)
        validated(changes)
        return change(
            self.app,
            lambda: self.get(customer_id),
            lambda customer: customer.change(changes, actor.id),
            **how,
        )

    def get(self, customer_id: str) -> Customer:
        found = Customer.create_id(customer_id)
        if found not in self.app.repository:
            raise NotFoundError(f"no customer {customer_id}")
        return self.app.repository.get(found)  # type: ignore[no-any-return]

    def named(
        self, ref: dict[str, Any], contract_id: UUID, actor: str
    ) -> tuple[dict[str, Any], Customer]:
        """The customer a contract names, as the register has it (registered from the
        contract when the id is new), with the contract noted against it."""
        found = Customer.create_id(ref["id"])
        if found in self.app.repository:
            customer: Customer = self.app.repository.get(found)
        else:
            details = {"name": ref["name"], "credit_class": ref.get("credit_class")}
            customer = _new(ref["id"], details, actor, "contract")
        if contract_id not in customer.contracts:
            customer.name_contract(contract_id=contract_id)
        as_registered = {"id": ref["id"], "name": customer.name,
                         "credit_class": customer.credit_class}  # fmt: skip
        return as_registered, customer

    def register_from_contracts(self, done: Callable[[int], None] | None = None) -> int:
        """Stores written before the register (SPEC §2.3): every customer the contracts
        name is registered from the latest contract that named it, and each contract noted
        against its customer. Idempotent; returns how many customers were registered."""
        named: dict[UUID, dict[str, Any]] = {}  # contract → the customer it names now
        after = 0
        while batch := self.app.recorder.select_notifications(start=after + 1, limit=1000):
            for stored in batch:
                if stored.topic.endswith(("Contract.Created", "Contract.Revised")):
                    event = self.app.mapper.to_domain_event(stored)
                    terms = getattr(event, "terms", None) or event.changes
                    if "customer" in terms:
                        named[event.originator_id] = terms["customer"]
            after = batch[-1].id
            if done is not None:
                done(len(batch))
        registered = 0
        by_customer: dict[str, tuple[dict[str, Any], list[UUID]]] = {}
        for contract_id, ref in named.items():  # the last contract named gives the name
            _, contracts = by_customer.get(ref["id"], (ref, []))
            by_customer[ref["id"]] = (ref, [*contracts, contract_id])
        for customer_id, (ref, contracts) in by_customer.items():
            found = Customer.create_id(customer_id)
            if found in self.app.repository:
                customer: Customer = self.app.repository.get(found)
            else:
                customer = _new(customer_id, ref, "migration", "contract")
                registered += 1
            for contract_id in contracts:
                if contract_id not in customer.contracts:
                    customer.name_contract(contract_id=contract_id)
            if customer.pending_events:
                self.app.save(customer)
        return registered

    def exposure(self, customer: Customer, adding: Decimal) -> Decimal:
        """What the customer owes (receivable of all its contracts) and has committed to
        (the remaining of its signed and executing ones), and `adding` on top."""
        owed = ZERO
        for contract_id in customer.contracts:
            contract: Contract = self.app.repository.get(contract_id)
            owed += contract.receivable
            if contract.state in COMMITTED:
                owed += contract.remaining
        return owed + adding


def _new(customer_id: str, details: dict[str, Any], actor: str, source: str) -> Customer:
    return Customer(
        customer_id=customer_id,
        name=details["name"],
        credit_class=details.get("credit_class"),
        credit_limit=details.get("credit_limit"),
        contacts=details.get("contacts") or [],
        notes=details.get("notes"),
        actor=actor,
        source=source,
    )


def _authorize(actor: Actor) -> None:
    if not actor.has(*REGISTRARS):
        raise ForbiddenError("the customer register is kept by specialists, finance and managers")
