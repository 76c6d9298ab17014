"""Complaints over HTTP (SPEC §3, §7, §8): the closed loop, its rules and its views."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.desk import Desk, assert_problem


def received_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer": {"id": "CUST-001", "name": "华东机械有限公司"},
        "channel": "phone",
        "category": "quality",
        "description": "泵体漏油",
    }
    body.update(overrides)
    return body


def receive(desk: Desk, by: str = "sun.li", **overrides: Any) -> dict[str, Any]:
    response = desk.client.post(
        "/api/complaints", json=received_body(**overrides), headers=desk.as_user(by)
    )
    assert response.status_code == 201, response.text
    return response.json()


def act(
    desk: Desk, complaint: dict, action: str, by: str, body: dict | None = None, **headers: str
):  # type: ignore[no-untyped-def]
    return desk.client.post(
        f"/api/complaints/{complaint['id']}/{action}",
        json=body or {},
        headers=desk.as_user(by) | headers,
    )


def ok(
    desk: Desk, complaint: dict, action: str, by: str, body: dict | None = None
) -> dict[str, Any]:
    response = act(desk, complaint, action, by, body)
    assert response.status_code == 200, response.text
    return response.json()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_customer_service_receives_a_complaint_due_within_48_hours(desk: Desk) -> None:
    response = desk.client.post(
        "/api/complaints",
        json=received_body(received_at="2026-03-01T09:00:00+08:00", severity="high"),
        headers=desk.as_user("sun.li"),
    )
    assert response.status_code == 201
    complaint = response.json()
    assert re.fullmatch(r"TS-\d{4}-\d{6}", complaint["number"])
    assert (complaint["state"], complaint["severity"], complaint["reopen_count"]) == (
        "received",
        "high",
        0,
    )
    assert at(complaint["received_at"]) == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert at(complaint["handle_due"]) == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert complaint["revisit_due"] is None
    assert complaint["allowed_actions"] == ["assign", "handle"]
    assert response.headers["etag"] == '"1"'


def test_the_loop_closes_when_the_customer_is_satisfied(desk: Desk) -> None:
    complaint = receive(desk, received_at="2026-03-01T09:00:00+08:00")
    complaint = ok(desk, complaint, "assign", "sun.li", {"handler": "zhou.kefu"})
    assert complaint["handler"] == "zhou.kefu"
    handled = ok(
        desk,
        complaint,
        "handle",
        "zhou.kefu",
        {"resolution": "更换密封圈", "handled_at": "2026-03-02T10:00:00+08:00"},
    )
    assert (handled["state"], handled["handler"], handled["resolution"]) == (
        "handled",
        "zhou.kefu",
        "更换密封圈",
    )
    assert at(handled["revisit_due"]) == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    assert handled["allowed_actions"] == ["revisit"]
    closed = ok(desk, handled, "revisit", "sun.li", {"satisfied": True, "score": 5, "note": "满意"})
    assert (closed["state"], closed["revisit"], closed["allowed_actions"]) == (
        "revisited",
        {"satisfied": True, "score": 5, "note": "满意"},
        [],
    )


def test_an_unsatisfied_revisit_reopens_the_complaint(desk: Desk) -> None:
    complaint = receive(desk)
    complaint = ok(desk, complaint, "handle", "sun.li", {"resolution": "电话解释"})
    reopened = ok(desk, complaint, "revisit", "zhou.kefu", {"satisfied": False, "score": 2})
    assert (reopened["state"], reopened["reopen_count"]) == ("received", 1)
    assert at(reopened["handle_due"]) - at(reopened["revisited_at"]) == timedelta(hours=48)
    again = ok(desk, reopened, "handle", "zhou.kefu", {"resolution": "上门维修"})
    # The last handler was zhou.kefu now, so sun.li may revisit.
    assert_problem(
        act(desk, again, "revisit", "zhou.kefu", {"satisfied": True, "score": 4}),
        403,
        "separation_of_duties",
    )
    assert (
        ok(desk, again, "revisit", "sun.li", {"satisfied": True, "score": 4})["state"]
        == "revisited"
    )


def test_the_last_handler_cannot_revisit(desk: Desk) -> None:
    complaint = ok(desk, receive(desk), "handle", "sun.li", {"resolution": "已处理"})
    assert_problem(
        act(desk, complaint, "revisit", "sun.li", {"satisfied": True, "score": 5}),
        403,
        "separation_of_duties",
    )


def test_actions_follow_the_loop(desk: Desk) -> None:
    complaint = receive(desk)
    body = assert_problem(
        act(desk, complaint, "revisit", "zhou.kefu", {"satisfied": True, "score": 5}),
        409,
        "invalid_transition",
    )
    assert body["allowed_actions"] == ["assign", "handle"]
    handled = ok(desk, complaint, "handle", "sun.li", {"resolution": "x"})
    assert_problem(
        act(desk, handled, "handle", "sun.li", {"resolution": "y"}), 409, "invalid_transition"
    )
    assert_problem(
        act(desk, handled, "assign", "sun.li", {"handler": "zhou.kefu"}), 409, "invalid_transition"
    )


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("handle", {}),
        ("handle", {"resolution": "  "}),
        ("handle", {"resolution": "x", "handled_at": "2026-03-01T09:00:00"}),
        ("handle", {"resolution": "x", "handled_at": "2999-01-01T00:00:00+00:00"}),
        ("handle", {"resolution": "x", "handled_at": "2000-01-01T00:00:00+00:00"}),
        ("assign", {"handler": "zhao.qiang"}),
        ("assign", {"handler": "nobody"}),
    ],
)
def test_bad_actions_are_422_and_change_nothing(desk: Desk, action: str, body: dict) -> None:
    complaint = receive(desk)
    assert_problem(act(desk, complaint, action, "sun.li", body), 422, "invalid_input")
    response = desk.client.get(f"/api/complaints/{complaint['id']}", headers=desk.as_user("sun.li"))
    assert response.json()["version"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"satisfied": "yes", "score": 5},
        {"satisfied": True, "score": 0},
        {"satisfied": True, "score": 6},
        {"satisfied": True},
        {"satisfied": True, "score": 5, "mood": "good"},
    ],
)
def test_a_revisit_needs_an_outcome_and_a_score_of_one_to_five(desk: Desk, body: dict) -> None:
    complaint = ok(desk, receive(desk), "handle", "sun.li", {"resolution": "x"})
    assert_problem(act(desk, complaint, "revisit", "zhou.kefu", body), 422, "invalid_input")


@pytest.mark.parametrize(
    "changes",
    [{"channel": "fax"}, {"category": "weather"}, {"severity": "urgent"}, {"description": ""},
     {"customer": {"id": "C"}}, {"received_at": "yesterday"}, {"contract_id": "not-a-uuid"}],
)  # fmt: skip
def test_an_invalid_complaint_is_422(desk: Desk, changes: dict) -> None:
    response = desk.client.post(
        "/api/complaints", json=received_body(**changes), headers=desk.as_user("sun.li")
    )
    assert_problem(response, 422, "invalid_input")


def test_only_customer_service_works_complaints(desk: Desk) -> None:
    complaint = receive(desk)
    for user in ("chen.jing", "zhao.qiang", "zhou.shen", "li.lei"):
        response = act(desk, complaint, "handle", user, {"resolution": "x"})
        assert response.status_code in (403, 404), response.text
    assert_problem(
        act(desk, complaint, "handle", "chen.jing", {"resolution": "x"}), 403, "forbidden"
    )
    response = desk.client.post(
        "/api/complaints", json=received_body(), headers=desk.as_user("zhao.qiang")
    )
    assert_problem(response, 403, "forbidden")


def test_a_linked_contract_must_be_visible_and_the_customers(desk: Desk) -> None:
    mine = desk.create()
    theirs = desk.create(by="han.meimei")
    linked = receive(desk, by="li.lei", contract_id=mine["id"])
    assert linked["contract_id"] == mine["id"]
    for body in (
        received_body(contract_id=theirs["id"]),
        received_body(contract_id="6f1c1b2e-0000-4000-8000-000000000000"),
        received_body(contract_id=mine["id"], customer={"id": "CUST-777", "name": "别家"}),
        received_body(),  # a sales rep receives complaints about own contracts only
    ):
        response = desk.client.post("/api/complaints", json=body, headers=desk.as_user("li.lei"))
        assert_problem(response, 422, "invalid_input")


def test_sales_see_complaints_on_their_contracts_only(desk: Desk) -> None:
    mine = desk.create()
    theirs = desk.create(by="han.meimei")
    on_mine = receive(desk, contract_id=mine["id"])
    on_theirs = receive(desk, contract_id=theirs["id"])
    unlinked = receive(desk)
    listed = desk.client.get("/api/complaints", headers=desk.as_user("li.lei")).json()
    assert [c["id"] for c in listed["items"]] == [on_mine["id"]]
    for complaint in (on_theirs, unlinked):
        response = desk.client.get(
            f"/api/complaints/{complaint['id']}", headers=desk.as_user("li.lei")
        )
        assert_problem(response, 404, "not_found")
    for user in ("zhao.qiang", "wang.fang"):
        assert_problem(
            desk.client.get("/api/complaints", headers=desk.as_user(user)), 403, "forbidden"
        )
        assert_problem(
            desk.client.get("/api/complaints/loop", headers=desk.as_user(user)), 403, "forbidden"
        )
    for user in ("chen.jing", "liu.yang", "zhou.shen", "sun.li"):
        assert desk.client.get("/api/complaints", headers=desk.as_user(user)).json()["total"] == 3


def test_contracts_and_receivables_show_open_complaints(desk: Desk) -> None:
    contract = desk.executing()
    desk.ok(contract, "ship", "li.lei", {"amount": "10", "shipped_on": "2026-01-10"})
    complaint = receive(desk, contract_id=contract["id"])
    assert desk.get(contract).json()["open_complaints"] == 1
    statement = desk.client.get(
        "/api/receivables/statement",
        params={"month": "2026-01"},
        headers=desk.as_user("zhao.qiang"),
    ).json()
    assert statement["customers"][0]["open_complaints"] == 1
    aging = desk.client.get("/api/receivables/aging", headers=desk.as_user("zhao.qiang")).json()
    assert aging["customers"][0]["open_complaints"] == 1
    handled = ok(desk, complaint, "handle", "sun.li", {"resolution": "x"})
    ok(desk, handled, "revisit", "zhou.kefu", {"satisfied": True, "score": 5})
    assert desk.get(contract).json()["open_complaints"] == 0


def test_the_list_filters_by_state_customer_category_and_overdue(desk: Desk) -> None:
    old = receive(desk, received_at="2026-01-01T00:00:00+00:00", category="delivery")
    fresh = receive(desk, customer={"id": "CUST-002", "name": "南方电力设备厂"})
    ok(desk, fresh, "handle", "sun.li", {"resolution": "x"})

    def ids(**params: Any) -> list[str]:
        body = desk.client.get(
            "/api/complaints", params=params, headers=desk.as_user("chen.jing")
        ).json()
        return [c["id"] for c in body["items"]]

    assert ids(state="received") == [old["id"]]
    assert ids(customer_id="CUST-002") == [fresh["id"]]
    assert ids(category="delivery") == [old["id"]]
    assert ids(overdue="true") == [old["id"]]
    assert ids(overdue="false") == [fresh["id"]]


def test_time_travel_and_history(desk: Desk) -> None:
    complaint = receive(desk)
    ok(desk, complaint, "handle", "sun.li", {"resolution": "x"})
    url = f"/api/complaints/{complaint['id']}"
    assert (
        desk.client.get(url, params={"version": 1}, headers=desk.as_user("sun.li")).json()["state"]
        == "received"
    )
    history = desk.client.get(f"{url}/history", headers=desk.as_user("zhou.shen")).json()
    assert [e["type"] for e in history["events"]] == ["Received", "Handled"]
    assert history["events"][1]["actor"] == "sun.li"
    stale = act(
        desk, complaint, "assign", "sun.li", {"handler": "zhou.kefu"}, **{"If-Match": '"1"'}
    )
    assert_problem(stale, 412, "version_mismatch")


def test_overdue_counts_start_just_after_the_due_time(desk: Desk) -> None:
    receive(desk, received_at="2026-03-01T00:00:00+00:00")
    handled = receive(desk, received_at="2026-03-01T00:00:00+00:00", category="billing")
    ok(
        desk,
        handled,
        "handle",
        "sun.li",
        {"resolution": "x", "handled_at": "2026-03-02T00:00:00+00:00"},
    )

    def loop(as_of: str) -> dict[str, Any]:
        response = desk.client.get(
            "/api/complaints/loop", params={"as_of": as_of}, headers=desk.as_user("chen.jing")
        )
        assert response.status_code == 200, response.text
        return response.json()

    at_due = loop("2026-03-03T00:00:00+00:00")  # handle due 48 h after receipt
    assert (at_due["overdue_handling"], at_due["by_state"]) == (
        0,
        {"received": 1, "handled": 1, "revisited": 0},
    )
    assert loop("2026-03-03T00:00:00.000001+00:00")["overdue_handling"] == 1
    assert (
        loop("2026-03-09T00:00:00+00:00")["overdue_revisit"] == 0
    )  # revisit due 7 days after handling
    assert loop("2026-03-09T00:00:01+00:00")["overdue_revisit"] == 1
    before = loop("2026-02-28T00:00:00+00:00")
    assert before["by_state"] == {"received": 0, "handled": 0, "revisited": 0}
    assert before["mean_hours_to_handle"] is None and before["satisfaction_rate"] is None
    now = loop(datetime.now(UTC).isoformat())
    assert (
        now["mean_hours_to_handle"],
        now["by_category"]["billing"],
        now["by_category"]["quality"],
    ) == ("24.00", 1, 1)


def test_the_loop_reports_reopening_and_satisfaction(desk: Desk) -> None:
    first = ok(desk, receive(desk), "handle", "sun.li", {"resolution": "x"})
    ok(desk, first, "revisit", "zhou.kefu", {"satisfied": False, "score": 1})
    second = ok(desk, receive(desk), "handle", "sun.li", {"resolution": "x"})
    ok(desk, second, "revisit", "zhou.kefu", {"satisfied": True, "score": 5})
    loop = desk.client.get("/api/complaints/loop", headers=desk.as_user("zhou.shen")).json()
    assert (loop["reopened"], loop["satisfaction_rate"]) == (1, "0.5000")
    assert loop["by_state"] == {"received": 1, "handled": 0, "revisited": 1}


def test_a_reopened_complaint_is_handled_after_its_reopening(desk: Desk) -> None:
    complaint = receive(desk, received_at="2026-03-01T00:00:00+00:00")
    complaint = ok(
        desk,
        complaint,
        "handle",
        "sun.li",
        {"resolution": "x", "handled_at": "2026-03-02T00:00:00+00:00"},
    )
    reopened = ok(
        desk,
        complaint,
        "revisit",
        "zhou.kefu",
        {"satisfied": False, "score": 2, "revisited_at": "2026-03-05T00:00:00+00:00"},
    )
    early = act(
        desk,
        reopened,
        "handle",
        "zhou.kefu",
        {"resolution": "y", "handled_at": "2026-03-04T00:00:00+00:00"},
    )
    assert_problem(early, 422, "invalid_input")
    later = ok(
        desk,
        reopened,
        "handle",
        "zhou.kefu",
        {"resolution": "y", "handled_at": "2026-03-05T00:00:00+00:00"},
    )
    assert later["state"] == "handled"


def test_a_complaint_as_it_stood_at_a_recording_time(desk: Desk) -> None:
    complaint = receive(desk)
    time.sleep(0.01)
    between = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    ok(desk, complaint, "handle", "sun.li", {"resolution": "x"})
    url = f"/api/complaints/{complaint['id']}"
    then = desk.client.get(url, params={"as_of": between}, headers=desk.as_user("chen.jing"))
    assert (then.json()["state"], then.headers["etag"]) == ("received", '"1"')
    before = desk.client.get(
        url, params={"as_of": "2000-01-01T00:00:00+00:00"}, headers=desk.as_user("chen.jing")
    )
    assert_problem(before, 404, "not_found")
