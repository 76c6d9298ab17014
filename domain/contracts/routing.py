"""Approval routing: which steps a contract needs, and which role grants each (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.actors import CONTRACT_SPECIALIST, DIRECTOR, FINANCE, MANAGER

CONTRACT_REVIEW = "contract_review"
MANAGER_APPROVAL = "manager_approval"
FINANCE_REVIEW = "finance_review"
DIRECTOR_APPROVAL = "director_approval"

STEP_ROLES: dict[str, str] = {
    CONTRACT_REVIEW: CONTRACT_SPECIALIST,
    MANAGER_APPROVAL: MANAGER,
    FINANCE_REVIEW: FINANCE,
    DIRECTOR_APPROVAL: DIRECTOR,
}


@dataclass(frozen=True)
class ApprovalRouting:
    """Thresholds are configurable; the defaults follow seed 003 (100万以上 → director)."""

    finance_review_from: Decimal = Decimal("200000.00")
    director_approval_from: Decimal = Decimal("1000000.00")

    def required_steps(self, amount: Decimal) -> list[str]:
        steps = [CONTRACT_REVIEW, MANAGER_APPROVAL]
        if amount >= self.finance_review_from:
            steps.append(FINANCE_REVIEW)
        if amount >= self.director_approval_from:
            steps.append(DIRECTOR_APPROVAL)
        return steps

    def record(self, amount: Decimal) -> dict[str, str]:
        """What the submit event keeps so an auditor can see why each step was required."""
        return {
            "amount_evaluated": str(amount),
            "finance_review_from": str(self.finance_review_from),
            "director_approval_from": str(self.director_approval_from),
        }
