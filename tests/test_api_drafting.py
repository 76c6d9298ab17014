"""Creating, numbering and revising contracts over HTTP (SPEC §2 create/revise, §8)."""

from __future__ import annotations

import re

from tests.desk import Desk, assert_problem, draft_body


def test_a_sales_rep_drafts_a_contract_they_own(desk: Desk) -> None:
    response = desk.client.post("/api/contracts", json=draft_body(), headers=desk.as_user("li.lei"))
    assert response.status_code == 201
    contract = response.json()
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/api/contracts/{contract['id']}"
    assert re.fullmatch(r"HT-\d{4}-\d{6}", contract["number"])
    assert contract["state"] == "draft"
    assert contract["owner"] == contract["created_by"] == "li.lei"
    assert contract["amount"] == "100000.00"
    assert contract["currency"] == "CNY"
    assert contract["payment_terms"] == {"advance_percent": 0, "due_days": 30}
    assert contract["totals"] == {
        "shipped": "0.00",
        "invoiced": "0.00",
        "collected": "0.00",
        "receivable": "0.00",
        "remaining": "100000.00",
    }
    assert contract["allowed_actions"] == ["revise", "submit", "terminate"]


def test_due_days_default_to_thirty(desk: Desk) -> None:
    contract = desk.create(payment_terms={"advance_percent": 10})
    assert contract["payment_terms"] == {"advance_percent": 10, "due_days": 30}


def test_assigned_numbers_are_sequential(desk: Desk) -> None:
    first, second = desk.create(), desk.create()
    assert int(second["number"][-6:]) == int(first["number"][-6:]) + 1


def test_a_given_number_is_used_and_cannot_be_used_twice(desk: Desk) -> None:
    assert desk.create("wang.fang", number="SALES-2026-7")["number"] == "SALES-2026-7"
    response = desk.client.post(
        "/api/contracts", json=draft_body(number="SALES-2026-7"), headers=desk.as_user("zhang.wei")
    )
    assert_problem(response, 409, "duplicate_number")


def test_a_sales_rep_does_not_choose_numbers_nor_learn_which_are_taken(desk: Desk) -> None:
    """SPEC §7: a refusal would tell a sales rep that another's contract holds the number."""
    desk.create("han.meimei")
    for number in ("SALES-2026-8", "HT-2026-000001"):
        response = desk.client.post(
            "/api/contracts", json=draft_body(number=number), headers=desk.as_user("li.lei")
        )
        assert_problem(response, 403, "forbidden")


def test_assigned_numbers_skip_one_taken_by_hand(desk: Desk) -> None:
    first = desk.create()
    year, serial = first["number"][3:7], int(first["number"][-6:])
    taken = f"HT-{year}-{serial + 1:06d}"
    desk.create("wang.fang", number=taken)
    assert desk.create()["number"] == f"HT-{year}-{serial + 2:06d}"


def test_a_sales_rep_cannot_draft_for_someone_else(desk: Desk) -> None:
    response = desk.client.post(
        "/api/contracts", json=draft_body(owner="han.meimei"), headers=desk.as_user("li.lei")
    )
    assert_problem(response, 403, "forbidden")


def test_a_contract_specialist_may_name_the_owner(desk: Desk) -> None:
    contract = desk.create(by="wang.fang", owner="han.meimei")
    assert contract["owner"] == "han.meimei"
    assert contract["created_by"] == "wang.fang"


def test_the_named_owner_must_be_a_known_user(desk: Desk) -> None:
    response = desk.client.post(
        "/api/contracts", json=draft_body(owner="nobody"), headers=desk.as_user("wang.fang")
    )
    assert_problem(response, 422, "invalid_input")


def test_only_sales_and_contract_specialists_create(desk: Desk) -> None:
    for user in ("zhao.qiang", "chen.jing", "liu.yang", "sun.li", "zhou.shen"):
        response = desk.client.post("/api/contracts", json=draft_body(), headers=desk.as_user(user))
        assert_problem(response, 403, "forbidden")


def test_lines_must_sum_to_the_amount(desk: Desk) -> None:
    lines = [
        {"description": "泵", "quantity": 2, "unit_price": "30000.00"},
        {"description": "安装", "quantity": "1", "unit_price": 40000},
    ]
    assert len(desk.create(lines=lines)["lines"]) == 2
    lines[1]["unit_price"] = "39999.99"
    response = desk.client.post(
        "/api/contracts", json=draft_body(lines=lines), headers=desk.as_user("li.lei")
    )
    assert_problem(response, 422, "invalid_input")


def test_revising_changes_only_the_fields_sent(desk: Desk) -> None:
    contract = desk.create()
    response = desk.client.patch(
        f"/api/contracts/{contract['id']}",
        json={"amount": "120000", "title": "变更后的合同"},
        headers=desk.as_user("li.lei"),
    )
    assert response.status_code == 200, response.text
    revised = response.json()
    assert (revised["amount"], revised["title"], revised["version"]) == (
        "120000.00",
        "变更后的合同",
        2,
    )
    assert revised["customer"] == contract["customer"]
    assert response.headers["etag"] == '"2"'


def test_owner_and_number_cannot_be_revised(desk: Desk) -> None:
    contract = desk.create()
    for field, value in (("owner", "han.meimei"), ("number", "X-1")):
        response = desk.client.patch(
            f"/api/contracts/{contract['id']}", json={field: value}, headers=desk.as_user("li.lei")
        )
        assert_problem(response, 422, "invalid_input")


def test_a_title_cannot_be_revised_to_null(desk: Desk) -> None:
    contract = desk.create()
    response = desk.client.patch(
        f"/api/contracts/{contract['id']}", json={"title": None}, headers=desk.as_user("li.lei")
    )
    assert_problem(response, 422, "invalid_input")


def test_revising_keeps_lines_and_amount_consistent(desk: Desk) -> None:
    lines = [{"description": "泵", "quantity": 1, "unit_price": "100000.00"}]
    contract = desk.create(lines=lines)
    response = desk.client.patch(
        f"/api/contracts/{contract['id']}", json={"amount": "90000"}, headers=desk.as_user("li.lei")
    )
    assert_problem(response, 422, "invalid_input")
    assert desk.get(contract).json()["version"] == 1


def test_only_a_draft_can_be_revised(desk: Desk) -> None:
    contract = desk.submitted()
    response = desk.client.patch(
        f"/api/contracts/{contract['id']}", json={"title": "x"}, headers=desk.as_user("li.lei")
    )
    body = assert_problem(response, 409, "invalid_transition")
    assert body["allowed_actions"] == ["approve", "reject", "terminate"]


def test_a_contract_specialist_revises_any_draft_but_finance_cannot(desk: Desk) -> None:
    contract = desk.create()
    url = f"/api/contracts/{contract['id']}"
    assert (
        desk.client.patch(
            url, json={"title": "审后"}, headers=desk.as_user("wang.fang")
        ).status_code
        == 200
    )
    assert_problem(
        desk.client.patch(url, json={"title": "x"}, headers=desk.as_user("zhao.qiang")),
        403,
        "forbidden",
    )


def test_another_sales_rep_cannot_see_or_touch_the_draft(desk: Desk) -> None:
    contract = desk.create()
    url = f"/api/contracts/{contract['id']}"
    assert_problem(desk.client.get(url, headers=desk.as_user("han.meimei")), 404, "not_found")
    assert_problem(
        desk.client.patch(url, json={"title": "x"}, headers=desk.as_user("han.meimei")),
        404,
        "not_found",
    )
    assert_problem(desk.act(contract, "submit", "han.meimei"), 404, "not_found")
    assert_problem(
        desk.client.get(f"{url}/history", headers=desk.as_user("han.meimei")), 404, "not_found"
    )
