"""Receivables reports over HTTP, on hand-computed cases (SPEC §5, §8)."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime

from openpyxl import load_workbook

from tests.desk import Desk, assert_problem


def report(desk: Desk, path: str, by: str = "zhao.qiang", **params: str) -> dict:
    response = desk.client.get(f"/api/{path}", params=params, headers=desk.as_user(by))
    assert response.status_code == 200, response.text
    return response.json()


def customer_row(body: dict, customer_id: str = "CUST-001") -> dict:
    return next(row for row in body["customers"] if row["customer_id"] == customer_id)


def test_each_day_past_due_falls_in_its_bucket(desk: Desk) -> None:
    contract = desk.executing(amount="255.00", payment_terms={"advance_percent": 0, "due_days": 0})
    for days_ago, amount in (
        (0, "1"),
        (1, "2"),
        (30, "4"),
        (31, "8"),
        (60, "16"),
        (61, "32"),
        (90, "64"),
        (91, "128"),
    ):
        shipped_on = (
            datetime.fromordinal(datetime(2026, 6, 30).toordinal() - days_ago).date().isoformat()
        )
        desk.ok(contract, "ship", "li.lei", {"amount": amount, "shipped_on": shipped_on})
    row = customer_row(report(desk, "receivables/aging", as_of="2026-06-30"))
    expected = {
        "current": "1.00", "d1_30": "6.00", "d31_60": "24.00", "d61_90": "96.00",
        "over_90": "128.00", "total": "255.00", "credit": "0.00", "net": "255.00",
    }  # fmt: skip
    assert {name: row[name] for name in expected} == expected
    assert customer_row(report(desk, "receivables/aging", as_of="2026-06-29"))["total"] == "254.00"


def test_a_single_cent_left_unpaid_ages(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "1000", "shipped_on": "2026-03-01"})
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "999.99", "received_on": "2026-03-20", "reference": "P"},
    )
    row = customer_row(report(desk, "receivables/aging", as_of="2026-05-15"))
    assert (row["d31_60"], row["total"], row["net"]) == ("0.01", "0.01", "0.01")


def test_collections_pay_the_earliest_due_shipment_first_whatever_was_recorded_first(
    desk: Desk,
) -> None:
    contract = desk.executing(amount="1000.00")  # due 30 days after shipping
    desk.ok(contract, "ship", "li.lei", {"amount": "100", "shipped_on": "2026-04-01"})
    desk.ok(contract, "ship", "li.lei", {"amount": "200", "shipped_on": "2026-03-01"})  # backdated
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "200", "received_on": "2026-04-10", "reference": "P"},
    )
    row = customer_row(report(desk, "receivables/aging", as_of="2026-06-30"))
    assert (row["d31_60"], row["over_90"], row["total"]) == ("100.00", "0.00", "100.00")
    performance = report(desk, "reports/performance", period="2026-Q2")
    mine = next(c for c in performance["contracts"] if c["id"] == contract["id"])
    assert mine["next_due"] == "2026-05-01"


def test_an_advance_is_held_as_credit(desk: Desk) -> None:
    contract = desk.signed(amount="1000.00", payment_terms={"advance_percent": 30, "due_days": 30})
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "300", "received_on": "2026-02-01", "reference": "ADV"},
    )
    aging = customer_row(report(desk, "receivables/aging", as_of="2026-02-28"))
    assert (aging["total"], aging["credit"], aging["net"]) == ("0.00", "300.00", "-300.00")
    statement = customer_row(report(desk, "receivables/statement", month="2026-02"))
    assert (statement["collections"], statement["closing_balance"]) == ("300.00", "-300.00")


def test_refunds_reduce_collections_in_their_month(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "1000", "shipped_on": "2026-03-01"})
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "500", "received_on": "2026-03-10", "reference": "P"},
    )
    desk.ok(
        contract,
        "refund",
        "zhao.qiang",
        {"amount": "200", "refunded_on": "2026-04-05", "reason": "退差价"},
    )
    march = customer_row(report(desk, "receivables/statement", month="2026-03"))
    april = customer_row(report(desk, "receivables/statement", month="2026-04"))
    assert (march["sales"], march["collections"], march["closing_balance"]) == (
        "1000.00",
        "500.00",
        "500.00",
    )
    assert (april["opening_balance"], april["collections"], april["closing_balance"]) == (
        "500.00",
        "-200.00",
        "700.00",
    )
    assert customer_row(report(desk, "receivables/aging", as_of="2026-04-30"))["d1_30"] == "700.00"


def test_a_terminated_contract_still_owes_what_was_shipped(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "400", "shipped_on": "2026-03-01"})
    desk.ok(contract, "terminate", "chen.jing", {"reason": "停止供货"})
    row = customer_row(report(desk, "receivables/aging", as_of="2026-04-15"))
    assert (row["d1_30"], row["total"]) == ("400.00", "400.00")


def test_a_payment_recorded_late_counts_only_once_known(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "1000", "shipped_on": "2026-02-01"})
    time.sleep(0.01)
    before_recording = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "1000", "received_on": "2026-02-10", "reference": "P"},
    )
    then = customer_row(
        report(desk, "receivables/statement", month="2026-02", known_at=before_recording)
    )
    now = customer_row(report(desk, "receivables/statement", month="2026-02"))
    assert (then["collections"], then["closing_balance"]) == ("0.00", "1000.00")
    assert (now["collections"], now["closing_balance"]) == ("1000.00", "0.00")
    aging_then = customer_row(
        report(desk, "receivables/aging", as_of="2026-03-31", known_at=before_recording)
    )
    assert aging_then["d1_30"] == "1000.00"
    assert (
        report(desk, "receivables/aging", as_of="2026-01-31", known_at=before_recording)[
            "customers"
        ]
        == []
    )


def test_customers_with_nothing_in_the_period_yet_are_listed_with_zeros(desk: Desk) -> None:
    contract = desk.executing(customer={"id": "CUST-009", "name": "零星客户"})
    desk.ok(contract, "ship", "li.lei", {"amount": "100", "shipped_on": "2026-01-05"})
    row = customer_row(report(desk, "receivables/statement", month="2026-03"), "CUST-009")
    assert row == {
        "customer_id": "CUST-009", "customer_name": "零星客户", "opening_balance": "100.00",
        "sales": "0.00", "collections": "0.00", "closing_balance": "100.00", "open_complaints": 0,
    }  # fmt: skip


def test_the_collection_plan_rolls_over_until_paid(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "1000", "shipped_on": "2026-03-10"})  # due 04-09
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "400", "received_on": "2026-04-20", "reference": "P"},
    )

    def rate(month: str) -> dict:
        return next(
            o
            for o in report(desk, "receivables/collection-rate", month=month)["owners"]
            if o["owner"] == "li.lei"
        )

    assert rate("2026-03") == {
        "owner": "li.lei",
        "planned": "0.00",
        "actual": "0.00",
        "rate": None,
        "shortfall": "0.00",
    }
    assert rate("2026-04") == {
        "owner": "li.lei",
        "planned": "1000.00",
        "actual": "400.00",
        "rate": "0.4000",
        "shortfall": "600.00",
    }
    assert rate("2026-05") == {
        "owner": "li.lei",
        "planned": "600.00",
        "actual": "0.00",
        "rate": "0.0000",
        "shortfall": "600.00",
    }


def test_sales_reps_see_their_own_figures_and_customer_service_none(desk: Desk) -> None:
    mine = desk.executing()
    theirs = desk.executing(by="han.meimei", customer={"id": "CUST-002", "name": "南方电力设备厂"})
    desk.ok(mine, "ship", "li.lei", {"amount": "10", "shipped_on": "2026-01-10"})
    desk.ok(theirs, "ship", "han.meimei", {"amount": "20", "shipped_on": "2026-01-10"})
    own = report(desk, "receivables/statement", by="li.lei", month="2026-01")
    assert [row["customer_id"] for row in own["customers"]] == ["CUST-001"]
    assert len(report(desk, "receivables/statement", month="2026-01")["customers"]) == 2
    for path in (
        "receivables/statement",
        "receivables/aging",
        "receivables/collection-rate",
        "reports/performance",
    ):
        assert_problem(
            desk.client.get(f"/api/{path}", headers=desk.as_user("sun.li")), 403, "forbidden"
        )


def test_exports_carry_the_same_figures_as_json(desk: Desk) -> None:
    contract = desk.executing(amount="1234.56")
    desk.ok(contract, "ship", "li.lei", {"amount": "1234.56", "shipped_on": "2026-02-01"})
    body = report(desk, "receivables/aging", as_of="2026-04-01")
    csv_response = desk.client.get(
        "/api/receivables/aging",
        params={"as_of": "2026-04-01", "format": "csv"},
        headers=desk.as_user("zhao.qiang"),
    )
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0]["d1_30"] == customer_row(body)["d1_30"] == "1234.56"
    assert rows[-1]["customer_id"] == "TOTAL" and rows[-1]["net"] == body["totals"]["net"]
    xlsx = desk.client.get(
        "/api/receivables/aging",
        params={"as_of": "2026-04-01", "format": "xlsx"},
        headers=desk.as_user("zhao.qiang"),
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert str(values["d1_30"]) == "1234.56"
    assert xlsx.headers["content-disposition"] == 'attachment; filename="aging-2026-04-01.xlsx"'


def test_bad_report_parameters_are_422(desk: Desk) -> None:
    for path, params in (
        ("receivables/statement", {"month": "2026-13"}),
        ("receivables/statement", {"known_at": "2026-01-01T00:00:00"}),
        ("receivables/aging", {"as_of": "yesterday"}),
        ("receivables/aging", {"format": "pdf"}),
        ("reports/performance", {"period": "2026-Q5"}),
    ):
        response = desk.client.get(
            f"/api/{path}", params=params, headers=desk.as_user("zhao.qiang")
        )
        assert_problem(response, 422, "invalid_input")


def test_reports_reflect_a_write_at_once(desk: Desk) -> None:
    contract = desk.executing()
    for n in range(5):
        desk.ok(contract, "ship", "li.lei", {"amount": "1", "shipped_on": "2026-01-10"})
        assert (
            customer_row(report(desk, "receivables/statement", month="2026-01"))["sales"]
            == f"{n + 1}.00"
        )


def test_the_inbox_comes_whole_or_a_page_at_a_time(desk: Desk) -> None:
    ids = [desk.submitted()["id"] for _ in range(3)]
    whole = report(desk, "approvals/inbox", by="chen.jing")
    assert [i["contract_id"] for i in whole["items"]] == ids  # the longest waiting first
    assert (whole["total"], whole["limit"], whole["offset"]) == (3, None, 0)
    page = report(desk, "approvals/inbox", by="chen.jing", limit="2", offset="1")
    assert [i["contract_id"] for i in page["items"]] == ids[1:]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    for refused in ({"limit": "0"}, {"limit": "501"}, {"offset": "-1"}, {"limit": "x"}):
        response = desk.client.get(
            "/api/approvals/inbox", params=refused, headers=desk.as_user("chen.jing")
        )
        assert response.status_code == 422, refused
        assert response.json()["code"] == "invalid_input"


def test_the_inbox_offers_what_the_caller_may_grant(desk: Desk) -> None:
    first = desk.submitted()
    second = desk.submitted(amount="300000.00")
    desk.ok(second, "approve", "ma.dual", {"step": "contract_review"})

    def inbox(user: str) -> list[tuple[str, str]]:
        return [
            (i["contract_id"], i["step"]) for i in report(desk, "approvals/inbox", by=user)["items"]
        ]

    assert inbox("chen.jing") == [
        (first["id"], "manager_approval"),
        (second["id"], "manager_approval"),
    ]
    assert inbox("zhao.qiang") == [(second["id"], "finance_review")]
    # ma.dual granted a step of the second contract this round: only the first is offered.
    assert inbox("ma.dual") == [(first["id"], "contract_review"), (first["id"], "manager_approval")]
    assert inbox("li.lei") == []
    desk.ok(first, "reject", "chen.jing", {"step": "manager_approval", "reason": "x"})
    assert inbox("chen.jing") == [(second["id"], "manager_approval")]
    item = report(desk, "approvals/inbox", by="chen.jing")["items"][0]
    assert (item["number"], item["amount"], item["customer"]["id"]) == (
        second["number"],
        "300000.00",
        "CUST-001",
    )
    assert 0 <= item["hours_waiting"] < 1


def test_performance_counts_a_periods_activity(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "600", "shipped_on": "2026-02-10"})
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "100", "received_on": "2026-03-01", "reference": "P"},
    )
    body = report(desk, "reports/performance", period="2026-Q1")
    assert (body["first_day"], body["last_day"]) == ("2026-01-01", "2026-03-31")
    assert body["totals"]["shipped"] == {"count": 1, "amount": "600.00"}
    assert body["totals"]["collected"] == {"count": 1, "amount": "100.00"}
    assert [m["month"] for m in body["months"]] == ["2026-02", "2026-03"] or body["months"][0][
        "month"
    ] <= "2026-02"
    row = next(c for c in body["contracts"] if c["id"] == contract["id"])
    assert (row["shipped"], row["collected"], row["receivable"], row["next_due"]) == (
        "600.00",
        "100.00",
        "500.00",
        "2026-03-12",
    )
    assert row["days_overdue"] > 0
    assert report(desk, "reports/performance", period="2024")["contracts"] == []
