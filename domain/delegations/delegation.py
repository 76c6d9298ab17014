"""Delegation (授权, SPEC §2.2): a user lends one approving role to another for a date range,
e.g. a director on leave to a deputy. Each delegation is an aggregate: created, revoked,
expired. A `DelegationIndex` per delegator and role holds the ranges that are still in
force, so that an overlap is refused atomically and a decision finds its delegation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.chain import ChainedAggregate

ACTIVE, REVOKED, EXPIRED = "active", "revoked", "expired"
_NAMESPACE = uuid5(NAMESPACE_URL, "https://contractflow/delegations")


class Delegation(ChainedAggregate):
    delegator: str
    delegate: str
    role: str
    starts_on: date
    ends_on: date
    reason: str
    state: str

    @event("Created")
    def __init__(
        self,
        delegator: str,
        delegate: str,
        role: str,
        starts_on: date,
        ends_on: date,
        reason: str,
    ) -> None:
        self.delegator = delegator
        self.delegate = delegate
        self.role = role
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.reason = reason
        self.state = ACTIVE

    def runs_on(self, day: date) -> bool:
        return self.state == ACTIVE and self.starts_on <= day <= self.ends_on

    @event("Revoked")
    def revoke(self, actor: str) -> None:
        self.state = REVOKED

    @event("Expired")
    def expire(self, on: date) -> None:
        self.state = EXPIRED


@dataclass(frozen=True)
class Loan:
    """A delegation in force, as its index keeps it."""

    delegation_id: UUID
    delegate: str
    starts_on: date
    ends_on: date

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on


class DelegationIndex(ChainedAggregate):
    """The delegations of one role by one user still in force."""

    lent: list[Loan]

    @staticmethod
    def create_id(delegator: str, role: str) -> UUID:
        return uuid5(_NAMESPACE, f"{delegator}|{role}")

    @event("Opened")
    def __init__(self, delegator: str, role: str) -> None:
        self.delegator = delegator
        self.role = role
        self.lent = []

    @event("Lent")
    def lend(self, delegation_id: UUID, delegate: str, starts_on: date, ends_on: date) -> None:
        self.lent.append(Loan(delegation_id, delegate, starts_on, ends_on))

    @event("Ended")
    def end(self, delegation_id: UUID) -> None:
        self.lent = [lent for lent in self.lent if lent.delegation_id != delegation_id]

    def overlapping(self, starts_on: date, ends_on: date) -> Loan | None:
        return next((lent for lent in self.lent if lent.overlaps(starts_on, ends_on)), None)

    def lent_to(self, delegate: str, day: date) -> Loan | None:
        return next(
            (
                lent
                for lent in self.lent
                if lent.delegate == delegate and lent.starts_on <= day <= lent.ends_on
            ),
            None,
        )


def as_dict(delegation: Delegation) -> dict[str, Any]:
    return {
        "id": str(delegation.id),
        "delegator": delegation.delegator,
        "to": delegation.delegate,
        "role": delegation.role,
        "starts_on": delegation.starts_on,
        "ends_on": delegation.ends_on,
        "reason": delegation.reason,
        "state": delegation.state,
        "version": delegation.version,
    }
