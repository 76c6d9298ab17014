"""`my_actions`: of what the lifecycle allows now, what this caller may do (SPEC §2)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.desk import Desk, assert_problem


def actions_of(desk: Desk, contract: dict[str, Any], user: str) -> list[str]:
    return desk.get(contract, by=user).json()["my_actions"]


def test_an_executing_contract_offers_each_role_its_own_actions(desk: Desk) -> None:
    contract = desk.executing()
    # Nothing is shipped yet: the guard keeps "accept" out of both lists.
    assert contract["allowed_actions"] == [
        "ship", "invoice", "pay", "refund", "terminate", "amend",
    ]  # fmt: skip
    assert actions_of(desk, contract, "li.lei") == ["ship", "amend"]
    assert actions_of(desk, contract, "wang.fang") == ["ship", "amend"]
    assert actions_of(desk, contract, "zhao.qiang") == ["invoice", "pay", "refund"]
    assert actions_of(desk, contract, "chen.jing") == ["terminate"]
    assert actions_of(desk, contract, "zhou.shen") == []  # an auditor runs no command


def test_approval_steps_are_offered_to_who_may_decide_one_now(desk: Desk) -> None:
    contract = desk.submitted("li.lei", amount="300000.00")
    assert actions_of(desk, contract, "li.lei") == []  # the maker never decides
    assert actions_of(desk, contract, "zhao.qiang") == ["approve", "reject"]
    contract = desk.ok(contract, "approve", "ma.dual", {"step": "contract_review"})
    # ma.dual granted a step this round: no second approval, but a rejection still.
    assert actions_of(desk, contract, "ma.dual") == ["reject", "terminate"]
    for step, user in (("manager_approval", "chen.jing"), ("finance_review", "zhao.qiang")):
        contract = desk.ok(contract, "approve", user, {"step": step})
    assert actions_of(desk, contract, "zhao.qiang") == ["reject"]
    assert actions_of(desk, contract, "wang.fang") == ["reject", "sign"]


def receive(desk: Desk) -> dict[str, Any]:
    response = desk.client.post(
        "/api/complaints",
        json={
            "customer": {"id": "CUST-001", "name": "华东机械有限公司"},
            "channel": "phone", "category": "quality", "description": "异响",
        },
        headers=desk.as_user("sun.li"),
    )  # fmt: skip
    assert response.status_code == 201
    return response.json()


def complaint_action(desk: Desk, complaint: dict[str, Any], action: str, by: str, body: Any):  # type: ignore[no-untyped-def]
    return desk.client.post(
        f"/api/complaints/{complaint['id']}/{action}", json=body, headers=desk.as_user(by)
    )


def test_once_assigned_only_the_assignee_handles_a_complaint(desk: Desk) -> None:
    complaint = receive(desk)
    assert complaint["my_actions"] == ["assign", "handle"]
    assigned = complaint_action(desk, complaint, "assign", "sun.li", {"handler": "zhou.kefu"})
    assert assigned.json()["my_actions"] == ["assign"]  # sun.li may reassign, not handle
    response = complaint_action(desk, complaint, "handle", "sun.li", {"resolution": "已处理"})
    assert_problem(response, 403, "not_assigned")
    handled = complaint_action(desk, complaint, "handle", "zhou.kefu", {"resolution": "已处理"})
    assert handled.status_code == 200
    assert handled.json()["my_actions"] == []  # the handler does not revisit own handling
    other = desk.client.get(f"/api/complaints/{complaint['id']}", headers=desk.as_user("sun.li"))
    assert other.json()["my_actions"] == ["revisit"]


@pytest.mark.parametrize("user", ["chen.jing", "zhou.shen"])
def test_readers_of_complaints_who_do_not_work_them_have_no_actions(desk: Desk, user: str) -> None:
    complaint = receive(desk)
    response = desk.client.get(f"/api/complaints/{complaint['id']}", headers=desk.as_user(user))
    assert response.json()["my_actions"] == []


def test_a_deputy_is_offered_the_steps_of_the_role_lent_to_them_today(desk: Desk) -> None:
    contract = desk.submitted("li.lei", amount="1200000.00")
    desk.ok(contract, "approve", "chen.jing", {"step": "manager_approval"})
    assert "approve" not in actions_of(desk, contract, "zhou.min")  # the manager step is done
    today = date.today()
    lent = {"to": "zhou.min", "role": "director", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(), "reason": "休假"}  # fmt: skip
    created = desk.client.post("/api/delegations", json=lent, headers=desk.as_user("liu.yang"))
    assert created.status_code == 201
    assert actions_of(desk, contract, "zhou.min") == ["approve", "reject", "terminate"]
