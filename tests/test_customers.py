"""The customer register (客户档案, SPEC §2.3) over HTTP on every store: who registers and
reads, customers registered from the contracts that name them, the register's name in
the ledger and the reports, the credit limit on submit and amend, one customer's figures."""

from __future__ import annotations

from typing import Any

import pytest

from tests.desk import Desk, assert_problem

ACME = {"id": "C-ACME", "name": "华东机械有限公司", "credit_class": "A"}


def register(desk: Desk, by: str = "wang.fang", **body: Any) -> Any:
    return desk.client.post("/api/customers", json={**ACME, **body}, headers=desk.as_user(by))


def customer(desk: Desk, customer_id: str, by: str = "zhao.qiang", **params: Any) -> Any:
    return desk.client.get(f"/api/customers/{customer_id}", params=params, headers=desk.as_user(by))


@pytest.mark.parametrize("by", ["wang.fang", "zhao.qiang", "chen.jing", "liu.yang"])
def test_specialists_finance_managers_and_directors_register_customers(desk: Desk, by: str) -> None:
    response = register(desk, by, credit_limit="500000.00",
                        contacts=[{"name": "王经理", "phone": "+86 21 5555 0100"}])  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/customers/C-ACME"
    body = response.json()
    assert (body["name"], body["credit_limit"], body["contacts"][0]["name"]) == (
        "华东机械有限公司",
        "500000.00",
        "王经理",
    )


@pytest.mark.parametrize("by", ["li.lei", "sun.li", "zhou.shen"])
def test_others_do_not_register(desk: Desk, by: str) -> None:
    assert_problem(register(desk, by), 403, "forbidden")


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        ({"credit_class": "D"}, "invalid_input", 422),
        ({"credit_limit": "-1.00"}, "invalid_input", 422),
        ({"name": " "}, "invalid_input", 422),
        ({"contacts": [{"name": "x", "email": "not-an-address"}]}, "invalid_input", 422),
        ({"fax": "1"}, "invalid_input", 422),
    ],
)
def test_a_customer_breaking_a_rule_is_refused(
    desk: Desk, body: dict[str, Any], code: str, status: int
) -> None:
    assert_problem(register(desk, **body), status, code)


def test_an_id_is_registered_once(desk: Desk) -> None:
    register(desk)
    assert_problem(register(desk), 409, "duplicate_customer")


def test_an_unknown_id_is_registered_from_the_contract_that_names_it(desk: Desk) -> None:
    contract = desk.create(customer={"id": "C-NEW", "name": "新客户", "credit_class": "B"})
    found = customer(desk, "C-NEW").json()
    assert (found["name"], found["credit_class"]) == ("新客户", "B")
    assert found["figures"]["contracts_by_state"] == {"draft": 1}
    log = desk.client.get(
        "/api/audit/log", params={"type": "Registered"}, headers=desk.as_user("zhou.shen")
    ).json()["events"]
    assert [e["data"]["source"] for e in log] == ["contract"]
    assert contract["customer"]["name"] == "新客户"


def test_a_contract_takes_the_registers_name_and_a_rename_shows_everywhere(
    desk: Desk,
) -> None:
    register(desk)
    contract = desk.executing(customer={"id": "C-ACME", "name": "typed differently"})
    assert contract["customer"]["name"] == "华东机械有限公司"
    desk.ok(contract, "ship", "wang.fang", {"amount": "1000.00", "shipped_on": "2025-02-01"})
    renamed = desk.client.patch(
        "/api/customers/C-ACME", json={"name": "华东重工集团"}, headers=desk.as_user("wang.fang")
    )
    assert renamed.status_code == 200 and renamed.json()["version"] == 3  # registered, named
    ledger = desk.client.get(
        "/api/contracts", params={"customer_id": "C-ACME"}, headers=desk.as_user("wang.fang")
    ).json()["items"]
    assert {row["customer"]["name"] for row in ledger} <= {"华东重工集团", "华东机械有限公司"}
    aging = desk.client.get(
        "/api/receivables/aging", params={"as_of": "2025-03-01"}, headers=desk.as_user("zhao.qiang")
    ).json()
    assert [row["customer_name"] for row in aging["customers"]] == ["华东重工集团"]
    listed = desk.client.get(
        "/api/customers", params={"q": "重工"}, headers=desk.as_user("wang.fang")
    ).json()
    assert [c["id"] for c in listed["items"]] == ["C-ACME"]


def test_over_the_credit_limit_finance_reviews_whatever_the_amount(desk: Desk) -> None:
    register(desk, credit_limit="150000.00")
    first = desk.executing(customer={"id": "C-ACME", "name": "n"})  # 100,000 committed
    assert first["required_approvals"] == ["contract_review", "manager_approval"]
    second = desk.submitted(customer={"id": "C-ACME", "name": "n"}, amount="60000.00")
    assert second["required_approvals"] == ["contract_review", "manager_approval",
                                            "finance_review"]  # fmt: skip
    history = desk.client.get(
        f"/api/contracts/{second['id']}/history", headers=desk.as_user("zhou.shen")
    ).json()["events"]
    routing = next(e for e in history if e["type"] == "Submitted")["data"]["routing"]
    assert (routing["reason"], routing["exposure"], routing["credit_limit"]) == (
        "credit_limit",
        "160000.00",
        "150000.00",
    )
    within = desk.submitted(customer={"id": "C-ACME", "name": "n"}, amount="40000.00")
    assert "finance_review" not in within["required_approvals"]  # 140,000: within the limit


def test_an_amendment_over_the_credit_limit_needs_finance_review(desk: Desk) -> None:
    register(desk, credit_limit="120000.00")
    contract = desk.executing(customer={"id": "C-ACME", "name": "n"})
    small = {"changes": {"amount": "110000.00"}, "reason": "追加"}
    asked = desk.ok(contract, "amend", "li.lei", small)
    assert asked["amendment"]["required_approvals"] == ["contract_review", "manager_approval"]
    desk.ok(asked, "withdraw_amendment", "li.lei", {"reason": "改"})
    large = {"changes": {"amount": "130000.00"}, "reason": "追加"}
    asked = desk.ok(contract, "amend", "li.lei", large)
    assert "finance_review" in asked["amendment"]["required_approvals"]


def test_one_customers_figures(desk: Desk) -> None:
    register(desk)
    contract = desk.executing(customer={"id": "C-ACME", "name": "n"})
    desk.ok(contract, "ship", "wang.fang", {"amount": "30000.00", "shipped_on": "2025-01-10"})
    desk.ok(contract, "pay", "zhao.qiang", {"amount": "10000.00", "reference": "B-1"})
    desk.create(customer={"id": "C-ACME", "name": "n"})
    figures = customer(desk, "C-ACME").json()["figures"]
    assert figures == {
        "currency": "CNY",
        "contracts_by_state": {"draft": 1, "executing": 1},
        "receivable": "20000.00",
        "overdue": "20000.00",  # due 30 days after 2025-01-10
        "open_complaints": 0,
        "credit_used": "110000.00",  # 20,000 owed + 90,000 still to collect
    }


def test_a_sales_rep_reads_the_customers_of_own_contracts_only(desk: Desk) -> None:
    register(desk)
    register(desk, id="C-OTHER", name="别家")
    desk.create(by="li.lei", customer={"id": "C-ACME", "name": "n"})
    listed = desk.client.get("/api/customers", headers=desk.as_user("li.lei")).json()
    assert [c["id"] for c in listed["items"]] == ["C-ACME"]
    assert customer(desk, "C-ACME", by="li.lei").status_code == 200
    assert_problem(customer(desk, "C-OTHER", by="li.lei"), 404, "not_found")
    assert_problem(customer(desk, "C-ACME", by="sun.li"), 403, "forbidden")
    assert_problem(customer(desk, "C-NOBODY"), 404, "not_found")


def test_only_registrars_change_a_customer(desk: Desk) -> None:
    register(desk)
    for user in ("li.lei", "zhou.shen"):
        refused = desk.client.patch(
            "/api/customers/C-ACME", json={"credit_limit": "1.00"}, headers=desk.as_user(user)
        )
        assert_problem(refused, 403, "forbidden")
    changed = desk.client.patch(
        "/api/customers/C-ACME", json={"credit_limit": "1.00"}, headers=desk.as_user("zhao.qiang")
    )
    assert changed.json()["credit_limit"] == "1.00"


def test_a_contract_may_move_to_a_registered_customer_while_a_draft(desk: Desk) -> None:
    register(desk)
    contract = desk.create()
    revised = desk.client.patch(
        f"/api/contracts/{contract['id']}",
        json={"customer": {"id": "C-ACME", "name": "whatever"}},
        headers=desk.as_user("li.lei"),
    ).json()
    assert revised["customer"]["name"] == "华东机械有限公司"
    assert customer(desk, "C-ACME").json()["figures"]["contracts_by_state"] == {"draft": 1}


def test_null_contacts_clear_the_list(desk: Desk) -> None:
    register(desk, contacts=[{"name": "王经理"}])
    cleared = desk.client.patch(
        "/api/customers/C-ACME", json={"contacts": None}, headers=desk.as_user("wang.fang")
    )
    assert (cleared.status_code, cleared.json()["contacts"]) == (200, [])
