"""Each user sees what their job needs and nothing more (SPEC §7; hardening finding 7)."""

from __future__ import annotations

from typing import Any

from tests.desk import Desk, assert_problem, draft_body


def complaint_on(desk: Desk, contract: dict[str, Any], by: str = "sun.li") -> dict[str, Any]:
    response = desk.client.post(
        "/api/complaints",
        json={
            "customer": {"id": contract["customer"]["id"], "name": "华东机械有限公司"},
            "contract_id": contract["id"], "channel": "phone", "category": "quality",
            "description": "设备运行异响",
        },
        headers=desk.as_user(by),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()


def open_complaints_in_statement(desk: Desk, user: str) -> dict[str, int]:
    body = desk.client.get(
        "/api/receivables/statement", headers=desk.as_user(user), params={"month": "2026-01"}
    ).json()
    return {row["customer_id"]: row["open_complaints"] for row in body["customers"]}


def test_a_sales_rep_counts_only_complaints_on_own_contracts(desk: Desk) -> None:
    mine = desk.executing("li.lei")
    theirs = desk.executing("han.meimei")
    for contract, owner in ((mine, "li.lei"), (theirs, "han.meimei")):
        body = {"amount": "10", "shipped_on": "2026-01-05"}
        desk.ok(contract, "ship", owner, body)
    complaint_on(desk, theirs)
    assert open_complaints_in_statement(desk, "li.lei") == {"CUST-001": 0}
    assert open_complaints_in_statement(desk, "han.meimei") == {"CUST-001": 1}
    assert open_complaints_in_statement(desk, "zhao.qiang") == {"CUST-001": 1}
    aging = desk.client.get("/api/receivables/aging", headers=desk.as_user("li.lei")).json()
    assert [row["open_complaints"] for row in aging["customers"]] == [0]


def test_a_sales_rep_cannot_learn_that_another_reps_number_is_taken(desk: Desk) -> None:
    theirs = desk.create("han.meimei")
    for number in (theirs["number"], "FREE-NUMBER-1"):
        response = desk.client.post(
            "/api/contracts", json=draft_body(number=number), headers=desk.as_user("li.lei")
        )
        assert_problem(response, 403, "forbidden")  # the same answer, taken or not


def test_customer_service_reads_only_contracts_its_complaints_name(desk: Desk) -> None:
    named, other = desk.executing(), desk.executing()
    for path in (f"/api/contracts/{named['id']}", f"/api/contracts/{named['id']}/history"):
        assert_problem(desk.client.get(path, headers=desk.as_user("sun.li")), 404, "not_found")
    complaint_on(desk, named)
    for user in ("sun.li", "zhou.kefu"):
        contract = desk.client.get(f"/api/contracts/{named['id']}", headers=desk.as_user(user))
        assert contract.status_code == 200
        assert contract.json()["my_actions"] == []
        history = desk.client.get(
            f"/api/contracts/{named['id']}/history", headers=desk.as_user(user)
        )
        assert history.status_code == 200
    response = desk.client.get(f"/api/contracts/{other['id']}", headers=desk.as_user("sun.li"))
    assert_problem(response, 404, "not_found")


def test_customer_service_has_no_ledger_and_no_books(desk: Desk) -> None:
    desk.executing()
    for path in ("/api/contracts", "/api/receivables/aging", "/api/reports/performance"):
        assert_problem(desk.client.get(path, headers=desk.as_user("sun.li")), 403, "forbidden")


def test_a_complaint_names_any_contract_of_its_customer_for_customer_service(desk: Desk) -> None:
    """Receiving does not need the contract to be readable yet: customer service receives
    complaints about every customer; naming it is what opens it to them."""
    contract = desk.executing("han.meimei")
    assert complaint_on(desk, contract, by="zhou.kefu")["contract_id"] == contract["id"]
    response = desk.client.post(
        "/api/complaints",
        json={
            "customer": {"id": "CUST-001", "name": "华东机械有限公司"},
            "contract_id": contract["id"], "channel": "email", "category": "billing",
            "description": "发票金额不符",
        },
        headers=desk.as_user("li.lei"),
    )  # fmt: skip
    assert_problem(response, 422, "invalid_input")  # another rep's contract: not theirs to name
