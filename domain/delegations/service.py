"""Delegation commands and the question every decision asks: may this user act for that
one, in that role, today? (SPEC §2.2)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from typing_extensions import Unpack

from domain.actors import AUDITOR, CONTRACT_SPECIALIST, DIRECTOR, FINANCE, MANAGER, Actor
from domain.commands import How, record
from domain.delegations.delegation import ACTIVE, Delegation, DelegationIndex
from domain.errors import (
    DelegationOverlapsError,
    ForbiddenError,
    InvalidInputError,
    NotDelegatedError,
    NotFoundError,
)

if TYPE_CHECKING:
    from domain.application import ContractFlow

DELEGABLE_ROLES = frozenset({CONTRACT_SPECIALIST, MANAGER, FINANCE, DIRECTOR})  # approving ones
SEE_ALL = frozenset({MANAGER, DIRECTOR, AUDITOR})


class DelegationDesk:
    def __init__(self, app: ContractFlow) -> None:
        self.app = app

    def create(
        self,
        actor: Actor,
        to: str,
        role: str,
        starts_on: date,
        ends_on: date,
        reason: str,
        **how: Unpack[How],
    ) -> Delegation:
        """Lend `role` to `to` from `starts_on` to `ends_on`, both included."""
        if role not in DELEGABLE_ROLES:
            raise InvalidInputError(
                f"only approving roles are delegated: {sorted(DELEGABLE_ROLES)}"
            )
        if not actor.has(role):
            raise ForbiddenError(f"only a holder of the role '{role}' delegates it")
        if to == actor.id:
            raise InvalidInputError("a delegation is to another user")
        if ends_on < starts_on:
            raise InvalidInputError("ends_on is before starts_on")
        if not reason.strip():
            raise InvalidInputError("a delegation needs a reason")

        def decide() -> list[Any]:
            index = self._index(actor.id, role)
            clash = index.overlapping(starts_on, ends_on)
            if clash is not None:
                raise DelegationOverlapsError(
                    f"{actor.id} already delegates '{role}' from {clash.starts_on} to "
                    f"{clash.ends_on}",
                    delegation_id=str(clash.delegation_id),
                )
            delegation = Delegation(actor.id, to, role, starts_on, ends_on, reason)
            index.lend(delegation.id, to, starts_on, ends_on)
            return [delegation, index]

        return record(self.app, decide, how.get("once"))

    def revoke(self, actor: Actor, delegation_id: UUID, **how: Unpack[How]) -> Delegation:
        """By the delegator, or a director."""

        def decide() -> list[Any]:
            delegation = self.get(actor, delegation_id)
            if actor.id != delegation.delegator and not actor.has(DIRECTOR):
                raise ForbiddenError("a delegation is revoked by its delegator or a director")
            if delegation.state != ACTIVE:
                raise InvalidInputError(f"the delegation is {delegation.state} already")
            delegation.revoke(actor=actor.id)
            index = self._index(delegation.delegator, delegation.role)
            index.end(delegation.id)
            return [delegation, index]

        return record(self.app, decide, how.get("once"))

    def expire_due(self, delegation_ids: list[UUID], today: date) -> int:
        """Record the end of each given delegation whose last day has passed."""
        expired = 0
        for delegation_id in delegation_ids:
            delegation: Delegation = self.app.repository.get(delegation_id)
            if delegation.state == ACTIVE and delegation.ends_on < today:
                delegation.expire(on=today)
                index = self._index(delegation.delegator, delegation.role)
                index.end(delegation.id)
                self.app.save(delegation, index)
                expired += 1
        return expired

    def get(self, actor: Actor, delegation_id: UUID) -> Delegation:
        try:
            delegation: Delegation = self.app.repository.get(delegation_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"no delegation {delegation_id}") from None
        if not isinstance(delegation, Delegation) or not may_see(actor, delegation):
            raise NotFoundError(f"no delegation {delegation_id}")
        return delegation

    def acting_for(self, actor: Actor, delegator: str, role: str) -> Actor:
        """The actor with `role` lent by `delegator` for today, or 403 `not_delegated`."""
        if delegator == actor.id:
            raise InvalidInputError("on_behalf_of names another user")
        if not self.lent(actor.id, delegator, role):
            raise NotDelegatedError(f"{delegator} has not delegated '{role}' to you today")
        return Actor(actor.id, actor.roles | {role})

    def lent(self, delegate: str, delegator: str, role: str) -> bool:
        """Does a delegation of `role` by `delegator` to `delegate` run today?"""
        index_id = DelegationIndex.create_id(delegator, role)
        if index_id not in self.app.repository:
            return False
        index: DelegationIndex = self.app.repository.get(index_id)
        return index.lent_to(delegate, self.app.today()) is not None

    def _index(self, delegator: str, role: str) -> DelegationIndex:
        try:
            return self.app.repository.get(DelegationIndex.create_id(delegator, role))  # type: ignore[no-any-return]
        except AggregateNotFoundError:
            return DelegationIndex(delegator, role)


def may_see(actor: Actor, delegation: Delegation) -> bool:
    """Own, given or received; managers, directors and auditors see all."""
    return actor.has(*SEE_ALL) or actor.id in (delegation.delegator, delegation.delegate)
