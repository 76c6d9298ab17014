"""Submission, approval routing, maker–checker and signing (SPEC §2), over HTTP."""

from __future__ import annotations

import pytest

from tests.desk import Desk, assert_problem


@pytest.mark.parametrize(
    ("amount", "steps"),
    [
        ("199999.99", ["contract_review", "manager_approval"]),
        ("200000.00", ["contract_review", "manager_approval", "finance_review"]),
        ("999999.99", ["contract_review", "manager_approval", "finance_review"]),
        (
            "1000000.00",
            ["contract_review", "manager_approval", "finance_review", "director_approval"],
        ),
    ],
)
def test_submitting_routes_approvals_by_amount(desk: Desk, amount: str, steps: list[str]) -> None:
    contract = desk.submitted(amount=amount)
    assert contract["state"] == "review"
    assert contract["required_approvals"] == steps
    assert contract["approvals"] == []


def test_the_submit_event_records_why_each_step_was_required(desk: Desk) -> None:
    contract = desk.submitted(amount="1200000")
    history = desk.client.get(
        f"/api/contracts/{contract['id']}/history", headers=desk.as_user("zhou.shen")
    ).json()
    submitted = history["events"][-1]
    assert submitted["type"] == "Submitted"
    assert submitted["data"]["routing"] == {
        "amount_evaluated": "1200000.00",
        "finance_review_from": "200000.00",
        "director_approval_from": "1000000.00",
    }


def test_only_the_owner_or_a_contract_specialist_submits(desk: Desk) -> None:
    contract = desk.create()
    assert_problem(desk.act(contract, "submit", "chen.jing"), 403, "forbidden")
    assert desk.act(contract, "submit", "wang.fang").status_code == 200


def test_approvals_may_come_in_any_order(desk: Desk) -> None:
    contract = desk.submitted()
    contract = desk.ok(contract, "approve", "chen.jing", {"step": "manager_approval"})
    contract = desk.ok(contract, "approve", "wang.fang", {"step": "contract_review"})
    assert [a["step"] for a in contract["approvals"]] == ["manager_approval", "contract_review"]
    assert [a["by"] for a in contract["approvals"]] == ["chen.jing", "wang.fang"]
    assert contract["allowed_actions"] == ["reject", "sign", "terminate"]


def test_a_step_is_granted_by_its_role_only(desk: Desk) -> None:
    contract = desk.submitted()
    response = desk.act(contract, "approve", "zhao.qiang", {"step": "manager_approval"})
    assert_problem(response, 403, "forbidden")


def test_the_owner_cannot_approve_their_own_contract(desk: Desk) -> None:
    contract = desk.create(by="wang.fang", owner="wang.fang")
    contract = desk.ok(contract, "submit", "wang.fang")
    response = desk.act(contract, "approve", "wang.fang", {"step": "contract_review"})
    assert_problem(response, 403, "separation_of_duties")


def test_the_creator_cannot_approve_or_reject(desk: Desk) -> None:
    contract = desk.create(by="wang.fang", owner="li.lei")
    contract = desk.ok(contract, "submit", "li.lei")
    response = desk.act(contract, "approve", "wang.fang", {"step": "contract_review"})
    assert_problem(response, 403, "separation_of_duties")
    response = desk.act(contract, "reject", "wang.fang", {"step": "contract_review", "reason": "x"})
    assert_problem(response, 403, "separation_of_duties")
    assert (
        desk.act(contract, "approve", "zhang.wei", {"step": "contract_review"}).status_code == 200
    )


def test_one_user_grants_at_most_one_step_per_round(desk: Desk) -> None:
    contract = desk.submitted()
    contract = desk.ok(contract, "approve", "ma.dual", {"step": "contract_review"})
    response = desk.act(contract, "approve", "ma.dual", {"step": "manager_approval"})
    assert_problem(response, 403, "separation_of_duties")


def test_a_step_that_is_not_required_cannot_be_approved(desk: Desk) -> None:
    contract = desk.submitted(amount="1000.00")
    response = desk.act(contract, "approve", "liu.yang", {"step": "director_approval"})
    assert_problem(response, 409, "step_not_required")


def test_a_step_cannot_be_approved_twice(desk: Desk) -> None:
    contract = desk.submitted()
    contract = desk.ok(contract, "approve", "wang.fang", {"step": "contract_review"})
    response = desk.act(contract, "approve", "zhang.wei", {"step": "contract_review"})
    assert_problem(response, 409, "already_approved")


def test_an_unknown_step_is_invalid_input(desk: Desk) -> None:
    contract = desk.submitted()
    response = desk.act(contract, "approve", "wang.fang", {"step": "ceo_blessing"})
    assert_problem(response, 422, "invalid_input")


def test_nothing_is_approved_outside_review(desk: Desk) -> None:
    contract = desk.create()
    response = desk.act(contract, "approve", "wang.fang", {"step": "contract_review"})
    body = assert_problem(response, 409, "invalid_transition")
    assert body["allowed_actions"] == ["revise", "submit", "terminate"]


def test_rejecting_returns_to_draft_and_clears_the_round(desk: Desk) -> None:
    contract = desk.submitted()
    contract = desk.ok(contract, "approve", "wang.fang", {"step": "contract_review"})
    contract = desk.ok(
        contract, "reject", "chen.jing", {"step": "manager_approval", "reason": "价格过低"}
    )
    assert contract["state"] == "draft"
    assert contract["approvals"] == []
    resubmitted = desk.ok(contract, "submit", "li.lei")
    assert resubmitted["approvals"] == []
    # A new round: who granted a step before may grant again.
    assert (
        desk.act(resubmitted, "approve", "wang.fang", {"step": "contract_review"}).status_code
        == 200
    )


def test_a_rejection_needs_a_reason_and_the_steps_role(desk: Desk) -> None:
    contract = desk.submitted()
    assert_problem(
        desk.act(contract, "reject", "chen.jing", {"step": "manager_approval", "reason": " "}),
        422,
        "invalid_input",
    )
    assert_problem(
        desk.act(contract, "reject", "zhao.qiang", {"step": "manager_approval", "reason": "x"}),
        403,
        "forbidden",
    )


def test_signing_needs_every_required_approval(desk: Desk) -> None:
    contract = desk.submitted()
    contract = desk.ok(contract, "approve", "wang.fang", {"step": "contract_review"})
    assert_problem(desk.act(contract, "sign", "wang.fang"), 409, "approval_missing")
    contract = desk.ok(contract, "approve", "chen.jing", {"step": "manager_approval"})
    signed = desk.ok(contract, "sign", "zhang.wei", {"signed_on": "2026-01-15"})
    assert (signed["state"], signed["signed_on"]) == ("signed", "2026-01-15")


def test_signing_is_for_contract_specialists_and_managers(desk: Desk) -> None:
    contract = desk.approve_all(desk.submitted())
    assert_problem(desk.act(contract, "sign", "li.lei"), 403, "forbidden")
    assert_problem(desk.act(contract, "sign", "zhao.qiang"), 403, "forbidden")
    assert desk.act(contract, "sign", "chen.jing").json()["state"] == "signed"


def test_a_signing_date_cannot_be_in_the_future(desk: Desk) -> None:
    contract = desk.approve_all(desk.submitted())
    response = desk.act(contract, "sign", "wang.fang", {"signed_on": "2999-01-01"})
    assert_problem(response, 422, "invalid_input")
    assert desk.get(contract).json()["state"] == "review"


def test_signing_defaults_to_today(desk: Desk) -> None:
    signed = desk.signed()
    history = desk.client.get(
        f"/api/contracts/{signed['id']}/history", headers=desk.as_user("wang.fang")
    ).json()
    assert signed["signed_on"] == history["events"][-1]["data"]["signed_on"]
    assert signed["signed_on"] is not None
