"""Who may do what to a contract (SPEC §2 "who", §7): roles, ownership, maker–checker."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from domain.actors import (
    AUDITOR,
    CONTRACT_SPECIALIST,
    CUSTOMER_SERVICE,
    DIRECTOR,
    FINANCE,
    MANAGER,
    SALES,
    Actor,
)
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.routing import STEP_ROLES
from domain.errors import ForbiddenError, InvalidInputError, SeparationOfDutiesError
from domain.lifecycle import OWNER, STEP_ROLE

if TYPE_CHECKING:
    from domain.contracts.contract import Contract


def role_refusal(actor: Actor, action: str, owner: str | None = None) -> ForbiddenError | None:
    """Why none of the actor's roles (nor ownership) allows the action, or None."""
    allowed = CONTRACT_LIFECYCLE.creators if action == "create" else CONTRACT_LIFECYCLE.who(action)
    if actor.has(*allowed) or (OWNER in allowed and actor.has(SALES) and actor.id == owner):
        return None
    return ForbiddenError(f"'{action}' is not allowed for roles {sorted(actor.roles)}")


def authorize(actor: Actor, action: str, owner: str | None = None) -> None:
    """Raise 403 unless one of the actor's roles (or ownership) allows the action."""
    refusal = role_refusal(actor, action, owner)
    if refusal is not None:
        raise refusal


def my_actions(actor: Actor, contract: Contract) -> list[str]:
    """SPEC §2: of the actions the lifecycle allows now, those this actor may take: role,
    ownership and maker–checker applied (for approval steps, any step they may decide)."""
    return [
        action
        for action in contract.allowed_actions
        if (
            decidable_steps(actor, contract, action)
            if STEP_ROLE in CONTRACT_LIFECYCLE.who(action)
            else role_refusal(actor, action, contract.owner) is None
        )
    ]


def decidable_steps(actor: Actor, contract: Contract, action: str) -> list[str]:
    """The steps `actor` may approve (or reject) now; none for any other action."""
    if action not in ("approve", "reject"):
        return []
    granting = action == "approve"
    steps = contract.pending_approvals if granting else contract.required_approvals
    grantors = [grant["by"] for grant in contract.approvals]
    return [
        step
        for step in steps
        if step_refusal(
            actor, step, contract.owner, contract.created_by, grantors, granting=granting
        )
        is None
    ]


REPORT_ROLES = frozenset({FINANCE, MANAGER, DIRECTOR, CONTRACT_SPECIALIST, AUDITOR, SALES})


def authorize_reports(actor: Actor) -> str | None:
    """SPEC §7: who reads reports; returns the owner a sales user's reports are narrowed to."""
    if not actor.has(*REPORT_ROLES):
        raise ForbiddenError("reports are not open to your roles")
    return actor.id if actor.sees_own_contracts_only else None


AUDIT_ROLES = frozenset({AUDITOR, DIRECTOR})


def authorize_audit(actor: Actor) -> None:
    """SPEC §7: the global log and its verification are for auditors and directors."""
    if not actor.has(*AUDIT_ROLES):
        raise ForbiddenError("the global log is for auditors and directors")


CONTRACT_READERS = frozenset({CONTRACT_SPECIALIST, FINANCE, MANAGER, DIRECTOR, AUDITOR})


def may_read(
    actor: Actor, contract: Contract, named_in_complaint: Callable[[Contract], bool]
) -> bool:
    """SPEC §7: the books are open to the contract roles and auditors; a sales user reads
    own contracts; customer service reads the contracts its complaints name."""
    return (
        actor.has(*CONTRACT_READERS)
        or (actor.has(SALES) and contract.owner == actor.id)
        or (actor.has(CUSTOMER_SERVICE) and named_in_complaint(contract))
    )


LEDGER_ROLES = CONTRACT_READERS | {SALES}


def authorize_ledger(actor: Actor) -> None:
    """The ledger lists the books: not for customer service (SPEC §7)."""
    if not actor.has(*LEDGER_ROLES):
        raise ForbiddenError("the contract ledger is not open to your roles")


def authorize_number_choice(actor: Actor) -> None:
    """Numbers are chosen by the contract specialist, who keeps the ledger (合同管理台账): a
    sales user would learn from a refusal that another's contract holds a number."""
    if not actor.has(CONTRACT_SPECIALIST):
        raise ForbiddenError("contract numbers are given by a contract specialist")


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
