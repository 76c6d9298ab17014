"""Who may do what to a contract (SPEC §2 "who", §7): roles, ownership, maker–checker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.actors import CONTRACT_SPECIALIST, DIRECTOR, FINANCE, MANAGER, SALES, Actor
from domain.errors import ForbiddenError, InvalidInputError, SeparationOfDutiesError
from domain.routing import STEP_ROLES

if TYPE_CHECKING:
    from domain.contract import Contract

OWNER = "owner"  # a sales user acting on a contract they own

ACTION_ROLES: dict[str, frozenset[str]] = {
    "create": frozenset({SALES, CONTRACT_SPECIALIST}),
    "revise": frozenset({OWNER, CONTRACT_SPECIALIST}),
    "submit": frozenset({OWNER, CONTRACT_SPECIALIST}),
    "sign": frozenset({CONTRACT_SPECIALIST, MANAGER}),
    "start": frozenset({OWNER, CONTRACT_SPECIALIST}),
    "ship": frozenset({OWNER, CONTRACT_SPECIALIST}),
    "accept": frozenset({OWNER, CONTRACT_SPECIALIST}),
    "pay": frozenset({FINANCE}),
    "invoice": frozenset({FINANCE}),
    "refund": frozenset({FINANCE}),
    "terminate": frozenset({MANAGER, DIRECTOR}),
}


def authorize(actor: Actor, action: str, owner: str | None = None) -> None:
    """Raise 403 unless one of the actor's roles (or ownership) allows the action."""
    allowed = ACTION_ROLES[action]
    if actor.has(*allowed):
        return
    if OWNER in allowed and actor.has(SALES) and actor.id == owner:
        return
    raise ForbiddenError(f"'{action}' is not allowed for roles {sorted(actor.roles)}")


def authorize_owner_choice(actor: Actor, owner: str) -> None:
    """A sales user creates for themself; a contract specialist may name the owner."""
    if owner != actor.id and not actor.has(CONTRACT_SPECIALIST):
        raise ForbiddenError("only a contract specialist may name another owner")


def authorize_step(actor: Actor, contract: Contract, step: str, *, granting: bool) -> None:
    """The step's role only; never the maker; one step per user per review round."""
    if step not in STEP_ROLES:
        raise InvalidInputError(f"unknown step '{step}'; steps: {sorted(STEP_ROLES)}")
    if not actor.has(STEP_ROLES[step]):
        raise ForbiddenError(f"step '{step}' is decided by role '{STEP_ROLES[step]}'")
    if actor.id in (contract.owner, contract.created_by):
        raise SeparationOfDutiesError("the owner or creator cannot decide its approvals")
    if granting and any(grant["by"] == actor.id for grant in contract.approvals):
        raise SeparationOfDutiesError("one user grants at most one step per review round")
