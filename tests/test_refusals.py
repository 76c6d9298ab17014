"""Bad input is refused cleanly (422 problem+json) and changes nothing; reads answer as
reads (SPEC §4, §8; hardening findings 1, 2, 5 and 8)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.desk import Desk, assert_problem, draft_body

REPORTS = [
    "/api/contracts",
    "/api/approvals/inbox",
    "/api/reports/performance",
    "/api/receivables/statement",
    "/api/receivables/aging",
    "/api/receivables/collection-rate",
]


def every_report_answers(desk: Desk) -> None:
    for path in REPORTS:
        response = desk.client.get(path, headers=desk.as_user("wang.fang"))
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "a\u0000b"},
        {"title": "a\u0007b"},
        {"title": "two\nlines"},  # a title is one line
        {"title": "lone \ud800 surrogate"},
        {"customer": {"id": "C-1", "name": "客户\u0000"}},
        {"customer": {"id": "C-1", "name": "客户\u009b"}},
        {"lines": [{"description": "a\u0000", "quantity": "1", "unit_price": "100000.00"}]},
    ],
    ids=["nul", "bell", "newline", "surrogate", "nul-in-name", "c1-in-name", "nul-in-line"],
)
def test_text_with_control_characters_is_refused_and_nothing_is_stored(
    desk: Desk, overrides: dict[str, Any]
) -> None:
    response = desk.client.post(
        "/api/contracts",
        content=json.dumps(draft_body(**overrides)),  # ASCII escapes carry even a lone surrogate
        headers=desk.as_user("li.lei") | {"Content-Type": "application/json"},
    )
    assert_problem(response, 422, "invalid_input")
    listed = desk.client.get("/api/contracts", headers=desk.as_user("wang.fang")).json()
    assert listed["total"] == 0
    every_report_answers(desk)


def test_free_text_keeps_its_tabs_and_newlines(desk: Desk) -> None:
    contract = desk.executing()
    note = "第一批\t10 台\r\n第二批\t5 台"
    shipped = desk.ok(contract, "ship", "li.lei", {"amount": "10", "note": note})
    history = desk.client.get(
        f"/api/contracts/{shipped['id']}/history", headers=desk.as_user("wang.fang")
    ).json()
    assert history["events"][-1]["data"]["note"] == "第一批\t10 台\n第二批\t5 台"


@pytest.mark.parametrize("q", ["\u0000", "a\u0000", "\u001b[2J"])
def test_a_search_with_control_characters_is_refused(desk: Desk, q: str) -> None:
    response = desk.client.get("/api/contracts", params={"q": q}, headers=desk.as_user("wang.fang"))
    assert_problem(response, 422, "invalid_input")


def test_reading_answers_200_and_only_a_create_201(desk: Desk) -> None:
    contract = desk.create()
    complaint = desk.client.post(
        "/api/complaints",
        json={
            "customer": {"id": "CUST-001", "name": "华东机械有限公司"},
            "channel": "phone", "category": "quality", "description": "异响",
        },
        headers=desk.as_user("sun.li"),
    )  # fmt: skip
    assert complaint.status_code == 201 and "location" in complaint.headers
    for path in (
        f"/api/contracts/{contract['id']}",
        f"/api/contracts/{contract['id']}?version=1",
        f"/api/complaints/{complaint.json()['id']}",
        f"/api/complaints/{complaint.json()['id']}?version=1",
    ):
        response = desk.client.get(path, headers=desk.as_user("zhou.shen"))
        assert response.status_code == 200, path
        assert "location" not in response.headers


@pytest.mark.parametrize(
    "amount", ["1_000", "９９", " 3.10", "1e3", "+5", "0x10", "1,000.00", "01.50", "12.345"]
)
def test_money_is_written_exactly_as_documented(desk: Desk, amount: str) -> None:
    contract = desk.executing()
    response = desk.act(contract, "ship", "li.lei", {"amount": amount})
    assert_problem(response, 422, "invalid_input")
    assert desk.get(contract).json()["totals"]["shipped"] == "0.00"


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "２０２６-01-01", "2026-1-1"])
def test_dates_not_written_yyyy_mm_dd_from_2000_on_are_refused(desk: Desk, day: str) -> None:
    contract = desk.signed()
    body = {"amount": "10", "reference": "P-1", "received_on": day}
    assert_problem(desk.act(contract, "pay", "zhao.qiang", body), 422, "invalid_input")
    response = desk.client.get(
        "/api/receivables/aging", params={"as_of": day}, headers=desk.as_user("zhao.qiang")
    )
    assert_problem(response, 422, "invalid_input")


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31"])
def test_report_periods_before_2000_are_refused(desk: Desk, day: str) -> None:
    for path, params in (
        ("/api/receivables/aging", {"as_of": day}),
        ("/api/receivables/statement", {"month": day[:7]}),
        ("/api/reports/performance", {"period": day[:4]}),
    ):
        response = desk.client.get(path, params=params, headers=desk.as_user("zhao.qiang"))
        assert_problem(response, 422, "invalid_input")


@pytest.mark.parametrize(
    "as_of", ["0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z", "1700000000"]
)
def test_moments_before_2000_or_without_an_offset_are_refused(desk: Desk, as_of: str) -> None:
    contract = desk.create()
    response = desk.client.get(
        f"/api/contracts/{contract['id']}", params={"as_of": as_of}, headers=desk.as_user("li.lei")
    )
    assert_problem(response, 422, "invalid_input")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/contracts", {"sort": "amount"}),
        ("/api/contracts", {"number": "HT-2026-000001"}),
        ("/api/receivables/aging", {"format": "xlsx", "page": "2"}),
        ("/api/reports/performance", {"owner": "li.lei"}),
        ("/api/approvals/inbox", {"page": "2"}),
        ("/api/health", {"verbose": "1"}),
    ],
)
def test_a_query_parameter_a_route_does_not_take_is_refused(
    desk: Desk, path: str, params: dict[str, str]
) -> None:
    response = desk.client.get(path, params=params, headers=desk.as_user("zhao.qiang"))
    body = assert_problem(response, 422, "invalid_input")
    assert next(iter(set(params) - {"format"})) in body["detail"]
