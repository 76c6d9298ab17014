"""The HTTP contract of SPEC §8: authentication, problem details, bad input, versions,
time travel, history and the ledger list."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.desk import Desk, assert_problem, draft_body


def test_health_and_docs_need_no_token(desk: Desk) -> None:
    health = desk.client.get("/api/health")
    assert health.status_code == 200
    assert health.json()["database"] in {"memory", "sqlite", "postgresql"}
    assert desk.client.get("/openapi.json").status_code == 200
    assert desk.client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ],
)
def test_a_missing_or_unknown_token_is_401(desk: Desk, headers: dict[str, str]) -> None:
    contract = desk.create()
    for response in (
        desk.client.get("/api/contracts", headers=headers),
        desk.client.get(f"/api/contracts/{contract['id']}", headers=headers),
        desk.client.post(f"/api/contracts/{contract['id']}/submit", json={}, headers=headers),
        desk.client.get("/api/no-such-route", headers=headers),
    ):
        assert_problem(response, 401, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"


def test_401_comes_before_any_other_refusal(desk: Desk) -> None:
    response = desk.client.post(
        "/api/contracts", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 401, "unauthenticated")
    response = desk.client.post("/api/contracts", content=b"x" * (2 * 1024 * 1024))
    assert_problem(response, 401, "unauthenticated")


def test_bodies_over_one_mebibyte_are_413(desk: Desk) -> None:
    body = draft_body(title="x" * (1024 * 1024))
    response = desk.client.post("/api/contracts", json=body, headers=desk.as_user("li.lei"))
    assert_problem(response, 413, "too_large")


def test_a_streamed_body_over_the_limit_is_413(desk: Desk) -> None:
    def chunks():  # no Content-Length: the size is only known while reading
        for _ in range(40):
            yield b" " * 32768

    response = desk.client.post(
        "/api/contracts",
        content=chunks(),
        headers=desk.as_user("li.lei") | {"Content-Type": "application/json"},
    )
    assert_problem(response, 413, "too_large")


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": 0},
        {"amount": "-5"},
        {"amount": "12.345"},
        {"amount": 12.345},
        {"amount": "NaN"},
        {"amount": "Infinity"},
        {"amount": "1000000000000"},
        {"amount": True},
        {"amount": "ten"},
        {"amount": None},
        {"payment_terms": {"advance_percent": 101}},
        {"payment_terms": {"advance_percent": 10, "due_days": 366}},
        {"payment_terms": {"advance_percent": "10"}},
        {"customer": {"id": "C1"}},
        {"customer": {"id": "C1", "name": "x", "credit_class": "D"}},
        {"title": ""},
        {"currency": "yuan"},
        {"delivery_due": "2026/01/01"},
        {"delivery_due": 20260101},
        {"surprise": 1},
        {"customer": {"id": "C1", "name": "x", "vip": True}},
    ],
)
def test_invalid_input_is_422_and_records_nothing(desk: Desk, changes: dict[str, object]) -> None:
    response = desk.client.post(
        "/api/contracts", json=draft_body(**changes), headers=desk.as_user("li.lei")
    )
    assert_problem(response, 422, "invalid_input")
    assert desk.client.get("/api/contracts", headers=desk.as_user("wang.fang")).json()["total"] == 0


def test_malformed_json_is_422(desk: Desk) -> None:
    response = desk.client.post(
        "/api/contracts",
        content=b"{not json",
        headers=desk.as_user("li.lei") | {"Content-Type": "application/json"},
    )
    assert_problem(response, 422, "invalid_input")


def test_money_keeps_exact_cents_from_numbers_and_strings(desk: Desk) -> None:
    assert desk.create(amount=1234.5)["amount"] == "1234.50"
    assert desk.create(amount="0.01")["amount"] == "0.01"
    assert desk.create(amount="999999999999.99")["amount"] == "999999999999.99"


def test_an_action_with_an_unknown_field_changes_nothing(desk: Desk) -> None:
    contract = desk.signed()
    response = desk.act(
        contract, "pay", "zhao.qiang", {"amount": "10", "reference": "P1", "by": "boss"}
    )
    assert_problem(response, 422, "invalid_input")
    assert desk.get(contract).json()["version"] == contract["version"]


def test_unknown_and_malformed_ids_are_404(desk: Desk) -> None:
    for contract_id in ("6f1c1b2e-0000-4000-8000-000000000000", "not-a-uuid"):
        response = desk.client.get(
            f"/api/contracts/{contract_id}", headers=desk.as_user("wang.fang")
        )
        assert_problem(response, 404, "not_found")
        response = desk.client.post(
            f"/api/contracts/{contract_id}/submit", json={}, headers=desk.as_user("wang.fang")
        )
        assert_problem(response, 404, "not_found")


def test_auditors_run_no_command(desk: Desk) -> None:
    contract = desk.signed()
    assert_problem(
        desk.client.post("/api/contracts", json=draft_body(), headers=desk.as_user("zhou.shen")),
        403,
        "forbidden",
    )
    for action, body in (
        ("pay", {"amount": "1", "reference": "P"}),
        ("terminate", {"reason": "x"}),
        ("start", {}),
        ("approve", {"step": "contract_review"}),
    ):
        assert_problem(desk.act(contract, action, "zhou.shen", body), 403, "forbidden")
    assert desk.get(contract, by="zhou.shen").status_code == 200


def test_every_contract_response_carries_its_version_as_etag(desk: Desk) -> None:
    contract = desk.submitted()
    response = desk.get(contract)
    assert response.headers["etag"] == f'"{contract["version"]}"' == '"2"'


def test_a_stale_if_match_is_412_and_a_current_one_passes(desk: Desk) -> None:
    contract = desk.create()
    response = desk.act(contract, "submit", "li.lei", **{"If-Match": '"7"'})
    body = assert_problem(response, 412, "version_mismatch")
    assert body["current_version"] == 1
    assert_problem(
        desk.act(contract, "submit", "li.lei", **{"If-Match": "garbage"}), 412, "version_mismatch"
    )
    assert desk.act(contract, "submit", "li.lei", **{"If-Match": '"1"'}).status_code == 200
    patch = desk.client.patch(
        f"/api/contracts/{contract['id']}",
        json={"title": "x"},
        headers=desk.as_user("li.lei") | {"If-Match": '"1"'},
    )
    assert_problem(patch, 412, "version_mismatch")


def test_time_travel_by_version_and_by_recording_time(desk: Desk) -> None:
    contract = desk.create()
    time.sleep(0.01)
    between = datetime.now(UTC)
    time.sleep(0.01)
    desk.ok(contract, "submit", "li.lei")
    assert desk.get(contract, version=1).json()["state"] == "draft"
    assert desk.get(contract, version=2).json()["state"] == "review"
    as_of = desk.get(contract, as_of=between.isoformat())
    assert (as_of.json()["state"], as_of.headers["etag"]) == ("draft", '"1"')
    assert_problem(desk.get(contract, version=3), 404, "not_found")
    assert_problem(desk.get(contract, as_of="2000-01-01T00:00:00+00:00"), 404, "not_found")
    assert_problem(desk.get(contract, version=1, as_of=between.isoformat()), 422, "invalid_input")
    assert_problem(desk.get(contract, as_of="2026-01-01T00:00:00"), 422, "invalid_input")
    assert_problem(desk.get(contract, version=0), 422, "invalid_input")


def test_history_lists_every_event_with_actor_and_data(desk: Desk) -> None:
    contract = desk.executing()
    desk.ok(contract, "ship", "wang.fang", {"amount": "100.50", "shipped_on": "2026-05-04"})
    history = desk.client.get(
        f"/api/contracts/{contract['id']}/history", headers=desk.as_user("zhou.shen")
    ).json()
    assert history["id"] == contract["id"]
    types = [event["type"] for event in history["events"]]
    assert types == ["Created", "Submitted", "Approved", "Approved", "Signed", "Started", "Shipped"]
    assert [event["version"] for event in history["events"]] == list(range(1, 8))
    shipped = history["events"][-1]
    assert shipped["actor"] == "wang.fang"
    assert shipped["data"]["amount"] == "100.50"
    assert shipped["data"]["shipped_on"] == "2026-05-04"
    assert shipped["data"]["due_on"] == "2026-06-03"
    assert history["events"][0]["actor"] == "li.lei"


def test_the_ledger_filters_searches_and_pages(desk: Desk) -> None:
    first = desk.create(title="泵站改造")
    desk.create(by="han.meimei", customer={"id": "CUST-002", "name": "南方电力设备厂"})
    desk.submitted()
    headers = desk.as_user("wang.fang")

    def ledger(**params: object) -> dict:
        response = desk.client.get("/api/contracts", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    assert ledger()["total"] == 3
    assert ledger(state="review")["total"] == 1
    assert ledger(customer_id="CUST-002")["items"][0]["owner"] == "han.meimei"
    assert ledger(owner="li.lei")["total"] == 2
    assert ledger(q="泵站")["items"][0]["id"] == first["id"]
    assert ledger(q=first["number"].lower())["total"] == 1
    page = ledger(limit=2, offset=2)
    assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (1, 3, 2, 2)
    for params in ({"limit": 501}, {"limit": 0}, {"offset": -1}, {"state": "lost"}):
        assert_problem(
            desk.client.get("/api/contracts", params=params, headers=headers), 422, "invalid_input"
        )


def test_a_sales_rep_lists_only_own_contracts(desk: Desk) -> None:
    desk.create()
    desk.create(by="han.meimei")
    listed = desk.client.get("/api/contracts", headers=desk.as_user("han.meimei")).json()
    assert [c["owner"] for c in listed["items"]] == ["han.meimei"]


def test_unknown_actions_and_methods_are_problems(desk: Desk) -> None:
    contract = desk.create()
    assert_problem(desk.act(contract, "explode", "li.lei"), 404, "not_found")
    response = desk.client.delete(
        f"/api/contracts/{contract['id']}", headers=desk.as_user("li.lei")
    )
    assert_problem(response, 405, "method_not_allowed")


@pytest.mark.parametrize(
    "path",
    [
        "/api/complaints/loop?as_of=0001-01-01T00:00:00%2B01:00",
        "/api/receivables/statement?known_at=0001-01-01T00:00:00%2B05:00",
        "/api/receivables/aging?known_at=9999-12-31T23:59:59-05:00",
        "/api/reports/performance?period=0000",
        "/api/reports/performance?period=0000-Q1",
    ],
)
def test_times_outside_the_calendar_are_422_not_500(desk: Desk, path: str) -> None:
    assert_problem(desk.client.get(path, headers=desk.as_user("zhou.shen")), 422, "invalid_input")
