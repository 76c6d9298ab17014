"""Navigation by job: each signed-in user sees the pages their roles open, and `/` leads
them to where their day starts (SPEC §10). The roles come from the domain's own rules."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actors import AUDITOR, CUSTOMER_SERVICE, Actor
from domain.complaints.policy import COMPLAINT_READERS
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.policy import AUDIT_ROLES, LEDGER_ROLES, REPORT_ROLES
from domain.contracts.routing import STEP_ROLES
from domain.delegations.service import SEE_ALL

APPROVERS = frozenset(STEP_ROLES.values())


@dataclass(frozen=True)
class Item:
    key: str  # the catalogue's nav.<key>
    path: str
    roles: frozenset[str]


ITEMS = (
    Item("inbox", "/inbox", APPROVERS),
    Item("contracts", "/contracts", LEDGER_ROLES),
    Item("new_contract", "/contracts/new", CONTRACT_LIFECYCLE.creators),
    Item("statement", "/receivables/statement", REPORT_ROLES),
    Item("aging", "/receivables/aging", REPORT_ROLES),
    Item("collection_rate", "/receivables/collection-rate", REPORT_ROLES),
    Item("customers", "/customers", LEDGER_ROLES),
    Item("complaints", "/complaints", COMPLAINT_READERS),
    Item("delegations", "/delegations", APPROVERS | SEE_ALL),
    Item("audit", "/audit", AUDIT_ROLES),
)


def items_for(actor: Actor) -> list[Item]:
    return [item for item in ITEMS if actor.has(*item.roles)]


def start_page(actor: Actor) -> str:
    """Approvers start at their inbox, auditors at the log, customer service at the
    complaints, sales at their contracts."""
    if actor.has(*APPROVERS):
        return "/inbox"
    if actor.has(AUDITOR):
        return "/audit"
    if actor.has(CUSTOMER_SERVICE):
        return "/complaints"
    return "/contracts"
