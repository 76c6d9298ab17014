"""The customer register (客户档案, SPEC §2.3): each customer once, with its credit standing.
A contract names a customer by id; an id the register does not know is registered from
the contract that names it, in the same transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.chain import ChainedAggregate
from domain.contracts.terms import CREDIT_CLASSES
from domain.errors import InvalidInputError
from domain.money import ZERO

_NAMESPACE = uuid5(NAMESPACE_URL, "https://contractflow/customers")
EDITABLE = ("name", "credit_class", "credit_limit", "contacts", "notes")


def validated(details: dict[str, Any]) -> dict[str, Any]:
    """The register's own rules on a customer's details (the API has checked their shapes)."""
    if "name" in details and not str(details["name"]).strip():
        raise InvalidInputError("a customer's name must not be blank")
    if details.get("credit_class") not in (None, *CREDIT_CLASSES):
        raise InvalidInputError(f"credit_class is one of {CREDIT_CLASSES}")
    limit = details.get("credit_limit")
    if limit is not None and limit < ZERO:
        raise InvalidInputError("credit_limit is not negative")
    unknown = sorted(set(details) - set(EDITABLE))
    if unknown:
        raise InvalidInputError(f"a customer has no {unknown}")
    return details


class Customer(ChainedAggregate):
    customer_id: str
    name: str
    credit_class: str | None
    credit_limit: Decimal | None
    contacts: list[dict[str, Any]]
    notes: str | None
    contracts: list[UUID]  # those that name it, for its exposure

    @staticmethod
    def create_id(customer_id: str) -> UUID:
        return uuid5(_NAMESPACE, customer_id)

    @event("Registered")
    def __init__(
        self,
        customer_id: str,
        name: str,
        credit_class: str | None,
        credit_limit: Decimal | None,
        contacts: list[dict[str, Any]],
        notes: str | None,
        actor: str,
        source: str,  # "register", or "contract" when a contract named it first
    ) -> None:
        self.customer_id = customer_id
        self.name = name
        self.credit_class = credit_class
        self.credit_limit = credit_limit
        self.contacts = contacts
        self.notes = notes
        self.contracts = []

    @event("ContractNamed")
    def name_contract(self, contract_id: UUID) -> None:
        self.contracts.append(contract_id)

    def change(self, changes: dict[str, Any], actor: str) -> None:
        self._updated(customer_id=self.customer_id, changes=changes, actor=actor)

    @event("Updated")
    def _updated(self, customer_id: str, changes: dict[str, Any], actor: str) -> None:
        """Says which customer by its register id too, so that views need no lookup."""
        for name, value in changes.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.customer_id,
            "name": self.name,
            "credit_class": self.credit_class,
            "credit_limit": self.credit_limit,
            "contacts": self.contacts,
            "notes": self.notes,
            "version": self.version,
        }
