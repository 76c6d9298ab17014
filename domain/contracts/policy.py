"""Who may do what to a contract (SPEC §2 "who", §7): roles, ownership, maker–checker."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

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
from domain.contracts.amendments import REQUESTER
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.routing import STEP_ROLES
from domain.errors import ForbiddenError, InvalidInputError, SeparationOfDutiesError
from domain.lifecycle import OWNER, STEP_ROLE

if TYPE_CHECKING:
    from domain.contracts.contract import Contract


def role_refusal(
    actor: Actor, action: str, owner: str | None = None, requester: str | None = None
) -> ForbiddenError | None:
    """Why none of the actor's roles (nor ownership, nor having asked for the pending
    amendment) allows the action, or None."""
    allowed = CONTRACT_LIFECYCLE.creators if action == "create" else CONTRACT_LIFECYCLE.who(action)
    if (
        actor.has(*allowed)
        or (OWNER in allowed and actor.has(SALES) and actor.id == owner)
        or (REQUESTER in allowed and requester is not None and actor.id == requester)
    ):
        return None
    return ForbiddenError(f"'{action}' is not allowed for roles {sorted(actor.roles)}")


def authorize(
    actor: Actor, action: str, owner: str | None = None, requester: str | None = None
) -> None:
    """Raise 403 unless one of the actor's roles (or ownership) allows the action."""
    refusal = role_refusal(actor, action, owner, requester)
    if refusal is not None:
        raise refusal


def my_actions(actor: Actor, contract: Contract) -> list[str]:
    """SPEC §2: of the actions the lifecycle allows now, those this actor may take: role,
    ownership and maker–checker applied (for approval steps, any step they may decide)."""
    requester = contract.requester
    return [
        action
        for action in contract.allowed_actions
        if (
            decidable_steps(actor, contract, action)
            if STEP_ROLE in CONTRACT_LIFECYCLE.who(action)
            else role_refusal(actor, action, contract.owner, requester) is None
        )
    ]


def decidable_steps(actor: Actor, contract: Contract, action: str) -> list[str]:
    """The steps `actor` may approve (or reject) now, of the review round or of the
    pending amendment, themselves or for whoever lent them a role; none for any other
    action."""
    return list(dict.fromkeys(step for step, _ in decisions(actor, contract, action)))


def deciders(actor: Actor) -> list[tuple[Actor, str | None]]:
    """Who `actor` may decide as: themselves, and for each delegator the role lent to them
    today (SPEC §2.2), holding that role only."""
    return [(actor, None)] + [
        (Actor(actor.id, frozenset({role})), delegator) for delegator, role in sorted(actor.lent)
    ]


def decisions(actor: Actor, contract: Contract, action: str) -> list[tuple[str, str | None]]:
    """(step, on_behalf_of) for each way `actor` may decide a step now."""
    granting = action.startswith("approve")
    if action in ("approve", "reject"):
        steps = contract.pending_approvals if granting else contract.required_approvals
        grantors, requester = grantors_of(contract.approvals), None
    elif action in ("approve_amendment", "reject_amendment") and contract.amendment:
        amendment = contract.amendment
        steps = amendment.pending_steps if granting else list(amendment.required)
        grantors, requester = grantors_of(amendment.approvals), amendment.requested_by
    else:
        return []
    makers = (contract.owner, contract.created_by, requester)
    return [
        (step, delegator)
        for step in steps
        for decider, delegator in deciders(actor)
        if step_refusal(decider, step, makers, grantors, granting=granting, on_behalf_of=delegator)
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


def authorize_register(actor: Actor) -> str | None:
    """SPEC §2.3: every role that reads contracts reads the customer register; returns the
    owner a sales user's view is narrowed to (the customers of own contracts)."""
    if not actor.has(*LEDGER_ROLES):
        raise ForbiddenError("the customer register is not open to your roles")
    return None if actor.has(*CONTRACT_READERS) else actor.id


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
    actor: Actor,
    step: str,
    makers: Iterable[str | None],
    grantors: Iterable[str | None],
    *,
    granting: bool,
    on_behalf_of: str | None = None,
) -> ForbiddenError | None:
    """Why `actor` may not decide `step` now, or None: the step's role only, never a maker
    (the owner, the creator, the requester of an amendment), one step per person per round.
    A delegate and the one they act for are held to it alike (SPEC §2.2). The inbox asks the
    same question."""
    if not actor.has(STEP_ROLES[step]):
        return ForbiddenError(f"step '{step}' is decided by role '{STEP_ROLES[step]}'")
    people = {actor.id, on_behalf_of} - {None}
    if people & set(makers):
        return SeparationOfDutiesError(
            "the owner, creator or requester cannot decide its approvals, nor act for one who can't"
        )
    if granting and people & set(grantors):
        return SeparationOfDutiesError("one person grants at most one step per review round")
    return None


def grantors_of(grants: Iterable[dict[str, Any]]) -> list[str | None]:
    """Everyone who granted a step: the one who decided and the one they acted for."""
    return [person for grant in grants for person in (grant["by"], grant.get("on_behalf_of"))]


def authorize_step(
    actor: Actor, contract: Contract, step: str, *, granting: bool, on_behalf_of: str | None
) -> None:
    makers = (contract.owner, contract.created_by)
    refusal = step_refusal(
        actor, step, makers, grantors_of(contract.approvals), granting=granting,
        on_behalf_of=on_behalf_of,
    )  # fmt: skip
    if refusal is not None:
        raise refusal


def authorize_amendment_step(
    actor: Actor, contract: Contract, step: str, *, granting: bool, on_behalf_of: str | None
) -> None:
    """The same separation of duties as a review round; the requester counts as a maker."""
    amendment = contract.amendment
    assert amendment is not None
    makers = (contract.owner, contract.created_by, amendment.requested_by)
    refusal = step_refusal(
        actor, step, makers, grantors_of(amendment.approvals), granting=granting,
        on_behalf_of=on_behalf_of,
    )  # fmt: skip
    if refusal is not None:
        raise refusal


def known_step(step: str) -> str:
    """The role that decides `step`; an unknown step is invalid input."""
    if step not in STEP_ROLES:
        raise InvalidInputError(f"unknown step '{step}'; steps: {sorted(STEP_ROLES)}")
    return STEP_ROLES[step]
