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
class Credit:
    """A customer's credit limit and the exposure a submission or amendment would bring it
    to (SPEC §2.3): over the limit, finance reviews whatever the amount."""

    limit: Decimal
    exposure: Decimal

    @property
    def exceeded(self) -> bool:
        return self.exposure > self.limit


@dataclass(frozen=True)
class ApprovalRouting:
    """Thresholds are configurable; the defaults follow seed 003 (100万以上 → director)."""

    finance_review_from: Decimal = Decimal("200000.00")
    director_approval_from: Decimal = Decimal("1000000.00")

    def required_steps(self, amount: Decimal, credit: Credit | None = None) -> list[str]:
        steps = [CONTRACT_REVIEW, MANAGER_APPROVAL]
        if amount >= self.finance_review_from or (credit is not None and credit.exceeded):
            steps.append(FINANCE_REVIEW)
        if amount >= self.director_approval_from:
            steps.append(DIRECTOR_APPROVAL)
        return steps

    def record(self, amount: Decimal, credit: Credit | None = None) -> dict[str, str]:
        """What the submit event keeps so an auditor can see why each step was required."""
        evaluated = {
            "amount_evaluated": str(amount),
            "finance_review_from": str(self.finance_review_from),
            "director_approval_from": str(self.director_approval_from),
        }
        if credit is not None:
            evaluated |= {"credit_limit": str(credit.limit), "exposure": str(credit.exposure)}
            if credit.exceeded:
                evaluated["reason"] = "credit_limit"
        return evaluated
