"""Who may do what to a contract (SPEC §2 "who", §7): roles, ownership, maker–checker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from domain.actors import (
    AUDITOR,
    CONTRACT_SPECIALIST,
    DIRECTOR,
    FINANCE,
    MANAGER,
    SALES,
    Actor,
)
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.routing import STEP_ROLES
from domain.errors import ForbiddenError, InvalidInputError, SeparationOfDutiesError
from domain.lifecycle import OWNER

if TYPE_CHECKING:
    from domain.contracts.contract import Contract


def authorize(actor: Actor, action: str, owner: str | None = None) -> None:
    """Raise 403 unless one of the actor's roles (or ownership) allows the action."""
    allowed = CONTRACT_LIFECYCLE.creators if action == "create" else CONTRACT_LIFECYCLE.who(action)
    if actor.has(*allowed):
        return
    if OWNER in allowed and actor.has(SALES) and actor.id == owner:
        return
    raise ForbiddenError(f"'{action}' is not allowed for roles {sorted(actor.roles)}")


REPORT_ROLES = frozenset({FINANCE, MANAGER, DIRECTOR, CONTRACT_SPECIALIST, AUDITOR, SALES})


def authorize_reports(actor: Actor) -> str | None:
    """SPEC §7: who reads reports; returns the owner a sales user's reports are narrowed to."""
    if not actor.has(*REPORT_ROLES):
        raise ForbiddenError("reports are not open to your roles")
    return actor.id if actor.sees_own_contracts_only else None


def authorize_audit(actor: Actor) -> None:
    """SPEC §7: the global log and its verification are for auditors and directors."""
    if not actor.has(AUDITOR, DIRECTOR):
        raise ForbiddenError("the global log is for auditors and directors")


def authorize_owner_choice(actor: Actor, owner: str) -> None:
    """A sales user creates for themself; a contract specialist may name the owner."""
    if owner != actor.id and not actor.has(CONTRACT_SPECIALIST):
        raise ForbiddenError("only a contract specialist may name another owner")


def step_refusal(
    actor: Actor, step: str, owner: str, created_by: str, grantors: Iterable[str], *, granting: bool
) -> ForbiddenError | None:
    """Why `actor` may not decide `step` now, or None: the step's role only, never the
    maker, one step per user per review round. The inbox asks the same question."""
    if not actor.has(STEP_ROLES[step]):
        return ForbiddenError(f"step '{step}' is decided by role '{STEP_ROLES[step]}'")
    if actor.id in (owner, created_by):
        return SeparationOfDutiesError("the owner or creator cannot decide its approvals")
    if granting and actor.id in grantors:
        return SeparationOfDutiesError("one user grants at most one step per review round")
    return None


def authorize_step(actor: Actor, contract: Contract, step: str, *, granting: bool) -> None:
    if step not in STEP_ROLES:
        raise InvalidInputError(f"unknown step '{step}'; steps: {sorted(STEP_ROLES)}")
    grantors = [grant["by"] for grant in contract.approvals]
    refusal = step_refusal(
        actor, step, contract.owner, contract.created_by, grantors, granting=granting
    )
    if refusal is not None:
        raise refusal
