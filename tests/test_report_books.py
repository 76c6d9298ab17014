"""Every report reads one currency and may be asked as the books stood at a recording time
(SPEC §5, §6, §2.3 currency; rules of 2026-11-23)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from tests.desk import Desk


def report(desk: Desk, path: str, **params: str) -> dict[str, Any]:
    response = desk.client.get(f"/api/{path}", params=params, headers=desk.as_user("zhao.qiang"))
    assert response.status_code == 200, response.text
    return response.json()


def a_moment_between(desk: Desk) -> str:
    """A recording time after everything so far and before anything next."""
    time.sleep(0.01)
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    return moment


def test_reports_never_add_two_currencies(desk: Desk) -> None:
    yuan = desk.executing(amount="1000.00")
    dollars = desk.executing(amount="1000.00", currency="USD")
    for contract in (yuan, dollars):
        desk.ok(contract, "ship", "li.lei", {"amount": "600", "shipped_on": "2026-02-10"})
        desk.ok(
            contract, "pay", "zhao.qiang",
            {"amount": "100", "reference": "P", "received_on": "2026-03-20"},
        )  # fmt: skip
    for currency, expected in (("CNY", "500.00"), ("USD", "500.00")):
        params = {"currency": currency} if currency != "CNY" else {}
        statement = report(desk, "receivables/statement", month="2026-03", **params)
        assert (statement["currency"], statement["totals"]["closing_balance"]) == (
            currency,
            expected,
        )
        aging = report(desk, "receivables/aging", as_of="2026-03-31", **params)
        assert aging["totals"]["net"] == expected
        rate = report(desk, "receivables/collection-rate", month="2026-03", **params)
        assert [(o["planned"], o["actual"]) for o in rate["owners"]] == [("600.00", "100.00")]
        performance = report(desk, "reports/performance", period="2026-Q1", **params)
        assert performance["totals"]["shipped"] == {"count": 1, "amount": "600.00"}
    assert report(desk, "receivables/aging", currency="EUR")["customers"] == []


def test_the_collection_rate_and_performance_as_the_books_stood(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "600", "shipped_on": "2026-02-10"})
    before_the_payment = a_moment_between(desk)
    desk.ok(
        contract, "pay", "zhao.qiang",
        {"amount": "100", "reference": "P", "received_on": "2026-03-20"},  # entered late
    )  # fmt: skip
    rate = report(desk, "receivables/collection-rate", month="2026-03")
    assert rate["owners"][0]["actual"] == "100.00"
    then = report(desk, "receivables/collection-rate", month="2026-03", known_at=before_the_payment)
    assert (then["known_at"] is not None, then["owners"][0]["actual"]) == (True, "0.00")
    now = report(desk, "reports/performance", period="2026-Q1")
    then = report(desk, "reports/performance", period="2026-Q1", known_at=before_the_payment)
    assert now["totals"]["collected"]["amount"] == "100.00"
    assert then["totals"]["collected"] == {"count": 0, "amount": "0.00"}
    row = next(c for c in then["contracts"] if c["id"] == contract["id"])
    assert (row["shipped"], row["collected"], row["state"]) == ("600.00", "0.00", "executing")


def test_days_overdue_count_to_the_end_of_the_period_asked(desk: Desk) -> None:
    contract = desk.executing(
        amount="1000.00", payment_terms={"advance_percent": 0, "due_days": 30}
    )
    desk.ok(contract, "ship", "li.lei", {"amount": "600", "shipped_on": "2026-02-10"})  # due 03-12
    quarter = report(desk, "reports/performance", period="2026-Q1")  # to 2026-03-31
    row = next(c for c in quarter["contracts"] if c["id"] == contract["id"])
    assert (row["next_due"], row["days_overdue"]) == ("2026-03-12", 19)
    february = report(desk, "reports/performance", period="2026-02")
    row = next(c for c in february["contracts"] if c["id"] == contract["id"])
    assert (row["next_due"], row["days_overdue"]) == ("2026-03-12", 0)


def test_the_collection_rate_exports_the_same_figures(desk: Desk) -> None:
    contract = desk.executing(amount="1000.00")
    desk.ok(contract, "ship", "li.lei", {"amount": "600", "shipped_on": "2026-02-10"})
    response = desk.client.get(
        "/api/receivables/collection-rate",
        params={"month": "2026-03", "format": "csv"},
        headers=desk.as_user("zhao.qiang"),
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == ["owner,planned,actual,shortfall,rate", "li.lei,600.00,0.00,600.00,0.0000"]
