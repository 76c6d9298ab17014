"""Delegation (授权, SPEC §2.2) over HTTP on every store: a director on leave lends the role
to a deputy, who decides approval and amendment steps on the director's behalf, held to
the same separation of duties; overlaps, revocations and expiry."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.desk import DECIDERS, Desk, assert_problem

TODAY = date.today()
LEAVE = {
    "to": "zhou.min",  # a manager, the director's deputy
    "role": "director",
    "starts_on": (TODAY - timedelta(days=1)).isoformat(),
    "ends_on": (TODAY + timedelta(days=14)).isoformat(),
    "reason": "休假",
}


def delegate(desk: Desk, by: str = "liu.yang", **overrides: Any) -> Any:
    return desk.client.post(
        "/api/delegations", json={**LEAVE, **overrides}, headers=desk.as_user(by)
    )


def lent(desk: Desk, by: str = "liu.yang", **overrides: Any) -> dict[str, Any]:
    response = delegate(desk, by, **overrides)
    assert response.status_code == 201, response.text
    return response.json()


def large_in_review(desk: Desk) -> dict[str, Any]:
    contract = desk.submitted(amount="1200000.00")
    for step in ("contract_review", "manager_approval", "finance_review"):
        contract = desk.ok(contract, "approve", DECIDERS[step], {"step": step})
    return contract


def test_a_holder_of_an_approving_role_lends_it(desk: Desk) -> None:
    response = delegate(desk)
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/api/delegations/{body['id']}"
    assert (body["delegator"], body["to"], body["role"], body["state"]) == (
        "liu.yang",
        "zhou.min",
        "director",
        "active",
    )


@pytest.mark.parametrize(
    ("by", "overrides", "status", "code"),
    [
        ("chen.jing", {}, 403, "forbidden"),  # a manager does not hold the director's role
        ("li.lei", {"role": "sales"}, 422, "invalid_input"),  # not an approving role
        ("liu.yang", {"to": "liu.yang"}, 422, "invalid_input"),
        ("liu.yang", {"to": "nobody"}, 422, "invalid_input"),
        ("liu.yang", {"ends_on": "2000-01-01"}, 422, "invalid_input"),
        ("liu.yang", {"reason": " "}, 422, "invalid_input"),
    ],
)
def test_a_delegation_is_refused_when_it_breaks_a_rule(
    desk: Desk, by: str, overrides: dict[str, Any], status: int, code: str
) -> None:
    assert_problem(delegate(desk, by, **overrides), status, code)


def test_overlapping_delegations_of_one_role_are_refused(desk: Desk) -> None:
    first = lent(desk)
    day_after = (TODAY + timedelta(days=15)).isoformat()
    assert_problem(delegate(desk, to="chen.jing"), 409, "delegation_overlaps")
    lent(desk, starts_on=day_after, ends_on=day_after)  # the day after: no overlap
    revoked = desk.client.post(
        f"/api/delegations/{first['id']}/revoke", headers=desk.as_user("liu.yang")
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    lent(desk, to="chen.jing")  # the revoked one no longer blocks


def test_a_deputy_decides_the_directors_step_on_their_behalf(desk: Desk) -> None:
    contract = large_in_review(desk)
    step = {"step": "director_approval"}
    assert_problem(
        desk.act(contract, "approve", "zhou.min", {**step, "on_behalf_of": "liu.yang"}),
        403,
        "not_delegated",
    )
    lent(desk)
    approved = desk.ok(contract, "approve", "zhou.min", {**step, "on_behalf_of": "liu.yang"})
    grant = approved["approvals"][-1]
    assert (grant["step"], grant["by"], grant["on_behalf_of"]) == (
        "director_approval",
        "zhou.min",
        "liu.yang",
    )
    assert desk.ok(approved, "sign", "wang.fang", {"signed_on": "2025-02-01"})["state"] == "signed"


def test_a_lent_role_decides_that_roles_steps_and_nothing_else(desk: Desk) -> None:
    lent(desk)
    contract = desk.submitted(amount="1200000.00")
    assert_problem(
        desk.act(contract, "approve", "zhou.min",
                 {"step": "finance_review", "on_behalf_of": "liu.yang"}),
        403,
        "not_delegated",
    )  # fmt: skip
    assert_problem(  # the director reads the global log; the deputy does not
        desk.client.get("/api/audit/log", headers=desk.as_user("zhou.min")), 403, "forbidden"
    )


def test_separation_of_duties_holds_for_the_deputy_and_the_director_alike(desk: Desk) -> None:
    lent(desk, to="zhang.wei", role="director")  # a specialist deputises
    contract = desk.submitted(amount="1200000.00")
    contract = desk.ok(contract, "approve", "zhang.wei", {"step": "contract_review"})
    assert_problem(
        desk.act(contract, "approve", "zhang.wei",
                 {"step": "director_approval", "on_behalf_of": "liu.yang"}),
        403,
        "separation_of_duties",
    )  # fmt: skip  # one person grants one step a round, for themselves or another

    other = desk.submitted(amount="1200000.00")
    other = desk.ok(other, "approve", "zhang.wei", {"step": "director_approval",
                                                     "on_behalf_of": "liu.yang"})  # fmt: skip
    assert_problem(  # the director granted it, through the deputy
        desk.act(other, "approve", "liu.yang", {"step": "director_approval"}),
        403,
        "separation_of_duties",
    )
    assert_problem(
        desk.act(other, "approve", "zhang.wei", {"step": "contract_review"}),
        403,
        "separation_of_duties",
    )

    mine = desk.create(by="wang.fang", owner="li.lei")
    mine = desk.ok(mine, "submit", "wang.fang")
    lent(desk, by="liu.yang", role="director", to="wang.fang",
         starts_on=(TODAY + timedelta(days=20)).isoformat(),
         ends_on=(TODAY + timedelta(days=21)).isoformat())  # fmt: skip
    assert_problem(
        desk.act(mine, "approve", "wang.fang",
                 {"step": "director_approval", "on_behalf_of": "liu.yang"}),
        403,
        "not_delegated",
    )  # fmt: skip  # not yet running


def test_the_creator_cannot_decide_on_anyones_behalf(desk: Desk) -> None:
    lent(desk, to="wang.fang")
    contract = desk.client.post(
        "/api/contracts",
        json={"title": "t", "customer": {"id": "C1", "name": "n"}, "amount": "1200000.00",
              "payment_terms": {"advance_percent": 0}, "owner": "li.lei"},
        headers=desk.as_user("wang.fang"),
    ).json()  # fmt: skip
    contract = desk.ok(contract, "submit", "li.lei")
    assert_problem(
        desk.act(contract, "approve", "wang.fang",
                 {"step": "director_approval", "on_behalf_of": "liu.yang"}),
        403,
        "separation_of_duties",
    )  # fmt: skip


def test_a_revoked_delegation_no_longer_lends_the_role(desk: Desk) -> None:
    given = lent(desk)
    desk.client.post(f"/api/delegations/{given['id']}/revoke", headers=desk.as_user("liu.yang"))
    contract = large_in_review(desk)
    assert_problem(
        desk.act(contract, "approve", "zhou.min",
                 {"step": "director_approval", "on_behalf_of": "liu.yang"}),
        403,
        "not_delegated",
    )  # fmt: skip
    for user in ("zhou.min", "li.lei"):
        refused = desk.client.post(
            f"/api/delegations/{given['id']}/revoke", headers=desk.as_user(user)
        )
        assert refused.status_code in (403, 404, 422)


def test_a_delegation_past_its_last_day_is_recorded_expired(desk: Desk) -> None:
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    given = lent(desk, starts_on="2025-01-01", ends_on=yesterday)
    listed = desk.client.get("/api/delegations", headers=desk.as_user("liu.yang")).json()
    assert [(d["id"], d["state"]) for d in listed["items"]] == [(given["id"], "expired")]
    history = desk.client.get(
        "/api/audit/log", params={"aggregate_id": given["id"]}, headers=desk.as_user("zhou.shen")
    ).json()["events"]
    assert [event["type"] for event in history] == ["Created", "Expired"]


def test_everyone_sees_the_delegations_they_gave_or_received_and_managers_all(
    desk: Desk,
) -> None:
    given = lent(desk)

    def seen(user: str) -> list[str]:
        body = desk.client.get("/api/delegations", headers=desk.as_user(user)).json()
        return [d["id"] for d in body["items"]]

    for user in ("liu.yang", "zhou.min", "chen.jing", "zhou.shen"):
        assert seen(user) == [given["id"]], user
    for user in ("li.lei", "wang.fang", "zhao.qiang"):
        assert seen(user) == [], user


def test_the_deputys_inbox_holds_the_directors_steps_while_the_delegation_runs(
    desk: Desk,
) -> None:
    contract = large_in_review(desk)

    def inbox(user: str) -> list[dict[str, Any]]:
        body = desk.client.get("/api/approvals/inbox", headers=desk.as_user(user)).json()
        return [item for item in body["items"] if item["contract_id"] == contract["id"]]

    assert inbox("zhou.min") == []
    given = lent(desk)
    [item] = inbox("zhou.min")
    assert (item["step"], item["on_behalf_of"]) == ("director_approval", "liu.yang")
    desk.client.post(f"/api/delegations/{given['id']}/revoke", headers=desk.as_user("liu.yang"))
    assert inbox("zhou.min") == []


def test_a_deputy_approves_an_amendment_on_behalf_of_the_director(desk: Desk) -> None:
    lent(desk)
    contract = desk.executing()
    body = {"changes": {"amount": "1500000.00"}, "reason": "扩建二期"}
    contract = desk.ok(contract, "amend", "li.lei", body)
    for step in contract["amendment"]["required_approvals"]:
        by, extra = DECIDERS[step], {}
        if step == "director_approval":
            by, extra = "zhou.min", {"on_behalf_of": "liu.yang"}
        contract = desk.ok(contract, "approve_amendment", by, {"step": step, **extra})
    [applied] = contract["amendments"]
    deputy = next(g for g in applied["approvals"] if g["step"] == "director_approval")
    assert (deputy["by"], deputy["on_behalf_of"]) == ("zhou.min", "liu.yang")
    assert contract["amount"] == "1500000.00"
