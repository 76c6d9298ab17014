"""Amendments (变更, SPEC §2.1) over HTTP on every store: who asks, which steps approve,
that the last grant applies the change in one event, and every refusal with its code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.desk import DECIDERS, Desk, assert_problem, draft_body

RAISE = {"changes": {"amount": "250000.00"}, "reason": "客户追加两台机组"}


def amended(desk: Desk, contract: dict[str, Any], by: str = "li.lei", **body: Any) -> Any:
    return desk.ok(contract, "amend", by, body or RAISE)


def grant_all(desk: Desk, contract: dict[str, Any]) -> dict[str, Any]:
    for step in contract["amendment"]["required_approvals"]:
        contract = desk.ok(contract, "approve_amendment", DECIDERS[step], {"step": step})
    return contract


@pytest.mark.parametrize("stage", ["signed", "executing"])
def test_a_signed_or_executing_contract_is_amended_by_its_owner_or_a_specialist(
    desk: Desk, stage: str
) -> None:
    for by in ("li.lei", "wang.fang"):
        contract = getattr(desk, stage)()
        asked = amended(desk, contract, by)
        assert asked["amendment"]["number"] == f"{contract['number']}-A1"
        assert asked["amendment"]["requested_by"] == by
        assert asked["amount"] == contract["amount"]  # nothing changes until it is approved


@pytest.mark.parametrize("stage", ["create", "submitted", "accepted"])
def test_no_amendment_before_signing_or_after_acceptance(desk: Desk, stage: str) -> None:
    contract = getattr(desk, stage)()
    assert_problem(desk.act(contract, "amend", "wang.fang", RAISE), 409, "invalid_transition")


def test_only_the_owner_or_a_specialist_asks(desk: Desk) -> None:
    contract = desk.executing()
    for user in ("han.meimei", "zhao.qiang", "chen.jing", "liu.yang", "zhou.shen"):
        refused = desk.act(contract, "amend", user, RAISE)
        assert refused.status_code in (403, 404), user  # another rep does not see it at all
        assert refused.json()["code"] in ("forbidden", "not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"changes": {}, "reason": "x"}, "invalid_input"),
        ({"changes": {"currency": "USD"}, "reason": "x"}, "invalid_input"),
        ({"changes": {"customer": {"id": "C9", "name": "n"}}, "reason": "x"}, "invalid_input"),
        ({"changes": {"amount": "150000.00"}}, "invalid_input"),
        ({"changes": {"amount": "150000.00"}, "reason": "   "}, "invalid_input"),
        ({"changes": {"amount": "-1.00"}, "reason": "x"}, "invalid_input"),
    ],
)
def test_an_amendment_names_amendable_fields_and_a_reason(
    desk: Desk, body: dict[str, Any], code: str
) -> None:
    contract = desk.executing()
    assert_problem(desk.act(contract, "amend", "li.lei", body), 422, code)
    assert desk.get(contract).json()["amendment"] is None


def test_routing_is_evaluated_on_the_new_amount_and_kept_in_the_history(desk: Desk) -> None:
    contract = amended(desk, desk.executing(), changes={"amount": "1200000.00"}, reason="扩容")
    assert contract["amendment"]["required_approvals"] == list(DECIDERS)
    history = desk.client.get(
        f"/api/contracts/{contract['id']}/history", headers=desk.as_user("zhou.shen")
    ).json()["events"]
    asked = next(e for e in history if e["type"] == "AmendmentRequested")
    assert asked["data"]["routing"]["amount_evaluated"] == "1200000.00"
    assert asked["data"]["required_approvals"] == list(DECIDERS)


def test_the_last_grant_applies_the_change_in_one_event(desk: Desk) -> None:
    contract = amended(desk, desk.executing())
    steps = contract["amendment"]["required_approvals"]
    assert steps == ["contract_review", "manager_approval", "finance_review"]
    for step in steps[:-1]:
        contract = desk.ok(contract, "approve_amendment", DECIDERS[step], {"step": step})
        assert contract["amount"] == "100000.00"
    before = contract["version"]
    contract = desk.ok(contract, "approve_amendment", DECIDERS[steps[-1]], {"step": steps[-1]})
    assert (contract["amount"], contract["version"], contract["amendment"]) == (
        "250000.00",
        before + 1,
        None,
    )
    [applied] = contract["amendments"]
    assert applied["number"].endswith("-A1") and applied["state"] == "applied"
    assert applied["changes"] == {"amount": "250000.00"}
    assert [grant["step"] for grant in applied["approvals"]] == steps
    assert applied["applied_at"] is not None
    assert contract["totals"]["remaining"] == "250000.00"


def test_the_requester_of_an_amendment_decides_none_of_its_steps(desk: Desk) -> None:
    contract = amended(desk, desk.executing(by="li.lei"), by="zhang.wei")  # a specialist asks
    assert_problem(
        desk.act(contract, "approve_amendment", "zhang.wei", {"step": "contract_review"}),
        403,
        "separation_of_duties",
    )
    assert_problem(
        desk.act(contract, "reject_amendment", "zhang.wei",
                 {"step": "contract_review", "reason": "x"}),
        403,
        "separation_of_duties",
    )  # fmt: skip
    granted = desk.ok(contract, "approve_amendment", "wang.fang", {"step": "contract_review"})
    assert granted["amendment"]["approvals"][0]["by"] == "wang.fang"


def test_the_creator_of_a_contract_decides_none_of_its_amendment_steps(desk: Desk) -> None:
    contract = desk.client.post(
        "/api/contracts",
        json={**draft_body(), "owner": "li.lei"},
        headers=desk.as_user("wang.fang"),
    ).json()  # created by a specialist for the rep
    contract = desk.ok(contract, "submit", "li.lei")
    contract = desk.ok(contract, "approve", "zhang.wei", {"step": "contract_review"})
    contract = desk.ok(contract, "approve", "chen.jing", {"step": "manager_approval"})
    contract = desk.ok(contract, "sign", "zhang.wei", {"signed_on": "2025-01-01"})
    contract = amended(desk, contract, by="li.lei")
    assert_problem(
        desk.act(contract, "approve_amendment", "wang.fang", {"step": "contract_review"}),
        403,
        "separation_of_duties",
    )


def test_one_user_grants_one_step_of_an_amendment(desk: Desk) -> None:
    contract = amended(desk, desk.executing())
    contract = desk.ok(contract, "approve_amendment", "ma.dual", {"step": "contract_review"})
    assert_problem(
        desk.act(contract, "approve_amendment", "ma.dual", {"step": "manager_approval"}),
        403,
        "separation_of_duties",
    )


def test_a_step_not_required_or_granted_twice_is_refused(desk: Desk) -> None:
    contract = amended(desk, desk.executing(), changes={"title": "新标题"}, reason="更正")
    assert_problem(
        desk.act(contract, "approve_amendment", "liu.yang", {"step": "director_approval"}),
        409,
        "step_not_required",
    )
    contract = desk.ok(contract, "approve_amendment", "wang.fang", {"step": "contract_review"})
    assert_problem(
        desk.act(contract, "approve_amendment", "zhang.wei", {"step": "contract_review"}),
        409,
        "already_approved",
    )


def test_a_rejected_amendment_is_discarded_and_the_contract_unchanged(desk: Desk) -> None:
    contract = amended(desk, desk.executing())
    assert_problem(
        desk.act(contract, "reject_amendment", "chen.jing", {"step": "manager_approval"}),
        422,
        "invalid_input",
    )  # a reason is required
    rejected = desk.ok(
        contract, "reject_amendment", "chen.jing", {"step": "manager_approval", "reason": "价格"}
    )
    assert (rejected["amendment"], rejected["amendments"], rejected["amount"]) == (
        None,
        [],
        "100000.00",
    )
    assert amended(desk, rejected)["amendment"]["number"].endswith("-A2")


def test_the_requester_or_a_specialist_withdraws(desk: Desk) -> None:
    contract = amended(desk, desk.executing(), by="li.lei")
    for user in ("chen.jing", "zhao.qiang"):
        assert_problem(
            desk.act(contract, "withdraw_amendment", user, {"reason": "x"}), 403, "forbidden"
        )
    withdrawn = desk.ok(contract, "withdraw_amendment", "li.lei", {"reason": "客户撤回"})
    assert withdrawn["amendment"] is None
    again = amended(desk, withdrawn, by="wang.fang")
    assert (
        desk.ok(again, "withdraw_amendment", "zhang.wei", {"reason": "重复"})["amendment"] is None
    )
    assert_problem(
        desk.act(again, "withdraw_amendment", "wang.fang", {"reason": "x"}),
        409,
        "no_amendment_pending",
    )


def test_while_pending_no_other_amendment_acceptance_or_termination_but_money_goes_on(
    desk: Desk,
) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "ship", "wang.fang", {"amount": contract["amount"]})
    contract = amended(desk, contract, changes={"title": "更正"}, reason="笔误")
    assert_problem(desk.act(contract, "amend", "li.lei", RAISE), 409, "amendment_pending")
    assert_problem(desk.act(contract, "accept", "wang.fang"), 409, "amendment_pending")
    assert_problem(
        desk.act(contract, "terminate", "chen.jing", {"reason": "x"}), 409, "amendment_pending"
    )
    paid = desk.ok(contract, "pay", "zhao.qiang", {"amount": "100.00", "reference": "B-1"})
    assert paid["totals"]["collected"] == "100.00"
    assert "accept" not in paid["my_actions"] and "terminate" not in paid["allowed_actions"]


def test_a_new_amount_below_what_was_recorded_is_refused_when_asked_and_when_applied(
    desk: Desk,
) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "ship", "wang.fang", {"amount": "60000.00"})
    below = {"changes": {"amount": "50000.00"}, "reason": "减量"}
    assert_problem(desk.act(contract, "amend", "li.lei", below), 409, "amendment_below_recorded")
    contract = amended(desk, contract, changes={"amount": "70000.00"}, reason="减量")
    contract = desk.ok(contract, "approve_amendment", "wang.fang", {"step": "contract_review"})
    desk.ok(contract, "ship", "wang.fang", {"amount": "20000.00"})  # 80,000 shipped now
    assert_problem(
        desk.act(contract, "approve_amendment", "chen.jing", {"step": "manager_approval"}),
        409,
        "amendment_below_recorded",
    )
    assert desk.get(contract).json()["amount"] == "100000.00"


def test_new_due_days_apply_to_later_shipments_only(desk: Desk) -> None:
    contract = desk.executing()
    desk.ok(contract, "ship", "wang.fang", {"amount": "10000.00", "shipped_on": "2025-02-01"})
    terms = {"payment_terms": {"advance_percent": 0, "due_days": 60}}
    contract = grant_all(desk, amended(desk, desk.get(contract).json(), changes=terms,
                                       reason="账期调整"))  # fmt: skip
    assert contract["payment_terms"]["due_days"] == 60
    desk.ok(contract, "ship", "wang.fang", {"amount": "10000.00", "shipped_on": "2025-02-01"})
    history = desk.client.get(
        f"/api/contracts/{contract['id']}/history", headers=desk.as_user("zhou.shen")
    ).json()["events"]
    due = [e["data"]["due_on"] for e in history if e["type"] == "Shipped"]
    assert due == ["2025-03-03", "2025-04-02"]


def test_the_inbox_lists_amendment_steps_to_their_deciders_only(desk: Desk) -> None:
    contract = amended(desk, desk.executing())

    def inbox(user: str) -> list[dict[str, Any]]:
        body = desk.client.get("/api/approvals/inbox", headers=desk.as_user(user)).json()
        return [item for item in body["items"] if item["contract_id"] == contract["id"]]

    [item] = inbox("zhao.qiang")
    assert (item["kind"], item["step"], item["amendment"], item["new_amount"]) == (
        "amendment",
        "finance_review",
        contract["amendment"]["number"],
        "250000.00",
    )
    assert inbox("li.lei") == []  # the requester and owner
    desk.ok(contract, "approve_amendment", "wang.fang", {"step": "contract_review"})
    assert inbox("zhang.wei") == []  # granted already
    assert [i["step"] for i in inbox("chen.jing")] == ["manager_approval"]


def test_ledger_and_performance_show_the_new_amount_from_when_it_applies(desk: Desk) -> None:
    contract = amended(desk, desk.executing())
    before = desk.get(contract).json()["updated_at"]
    contract = grant_all(desk, contract)
    ledger = desk.client.get(
        "/api/contracts", params={"q": contract["number"]}, headers=desk.as_user("wang.fang")
    ).json()["items"]
    assert [row["amount"] for row in ledger] == ["250000.00"]
    year = "2025"

    def signed(**params: Any) -> str:
        body = desk.client.get(
            "/api/reports/performance",
            params={"period": year, **params},
            headers=desk.as_user("liu.yang"),
        ).json()
        return body["totals"]["signed"]["amount"]

    assert signed() == "250000.00"
    assert signed(known_at=before) == "100000.00"


def test_my_actions_offer_the_amendment_actions_to_who_may_take_them(desk: Desk) -> None:
    contract = desk.executing()
    assert "amend" in desk.get(contract, by="li.lei").json()["my_actions"]
    assert "amend" not in desk.get(contract, by="zhao.qiang").json()["my_actions"]
    contract = amended(desk, contract)
    deciders = [DECIDERS[step] for step in contract["amendment"]["required_approvals"]]
    mine = {user: desk.get(contract, by=user).json()["my_actions"] for user in deciders}
    assert all("approve_amendment" in actions for actions in mine.values()), mine
    assert "approve_amendment" not in desk.get(contract, by="liu.yang").json()["my_actions"]
    owner = desk.get(contract, by="li.lei").json()["my_actions"]
    assert "withdraw_amendment" in owner and "approve_amendment" not in owner
