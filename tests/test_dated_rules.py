"""Business dates keep their order, and money follows them (SPEC §2, rules of 2026-11-23)."""

from __future__ import annotations

import pytest

from tests.desk import SIGNED_ON, Desk, assert_problem


@pytest.mark.parametrize(
    ("action", "by", "body"),
    [
        ("start", "wang.fang", {"started_on": "2024-12-31"}),
        ("pay", "zhao.qiang", {"amount": "10", "reference": "P", "received_on": "2024-12-31"}),
    ],
)
def test_nothing_is_dated_before_the_signing(
    desk: Desk, action: str, by: str, body: dict[str, str]
) -> None:
    contract = desk.signed()  # signed on SIGNED_ON
    problem = assert_problem(desk.act(contract, action, by, body), 409, "date_out_of_order")
    assert problem["signed_on"] == SIGNED_ON
    body = body | {key: SIGNED_ON for key in body if key.endswith("_on")}
    assert desk.act(contract, action, by, body).status_code == 200  # the same day is fine


@pytest.mark.parametrize(
    ("action", "by", "body"),
    [
        ("ship", "li.lei", {"amount": "10", "shipped_on": "2025-02-28"}),
        ("invoice", "zhao.qiang", {"amount": "10", "invoice_no": "F1", "issued_on": "2024-06-01"}),
        ("refund", "zhao.qiang", {"amount": "1", "reason": "r", "refunded_on": "2024-06-01"}),
    ],
)
def test_execution_dates_keep_their_order(
    desk: Desk, action: str, by: str, body: dict[str, str]
) -> None:
    contract = desk.signed()
    desk.ok(
        contract, "pay", "zhao.qiang", {"amount": "5", "reference": "A", "received_on": SIGNED_ON}
    )
    contract = desk.ok(contract, "start", "wang.fang", {"started_on": "2025-03-01"})
    assert_problem(desk.act(contract, action, by, body), 409, "date_out_of_order")


def test_acceptance_is_never_before_the_last_shipment(desk: Desk) -> None:
    contract = desk.executing()
    desk.ok(contract, "ship", "li.lei", {"amount": "40000", "shipped_on": "2026-01-10"})
    desk.ok(contract, "ship", "li.lei", {"amount": "60000", "shipped_on": "2026-02-10"})
    problem = assert_problem(
        desk.act(contract, "accept", "li.lei", {"accepted_on": "2026-02-09"}),
        409,
        "date_out_of_order",
    )
    assert problem["last_shipped_on"] == "2026-02-10"
    assert desk.act(contract, "accept", "li.lei", {"accepted_on": "2026-02-10"}).status_code == 200


def test_a_refund_never_exceeds_what_was_collected_by_its_date(desk: Desk) -> None:
    contract = desk.executing()
    pay = {"amount": "100", "reference": "P1", "received_on": "2026-03-01"}
    desk.ok(contract, "pay", "zhao.qiang", pay)
    early = {"amount": "1", "reason": "r", "refunded_on": "2026-02-28"}
    problem = assert_problem(
        desk.act(contract, "refund", "zhao.qiang", early), 409, "refund_exceeds_collected"
    )
    assert problem["collected"] == "100.00"
    on_time = {"amount": "100", "reason": "r", "refunded_on": "2026-03-01"}
    assert desk.act(contract, "refund", "zhao.qiang", on_time).status_code == 200


def test_a_back_dated_refund_cannot_leave_a_later_day_below_zero(desk: Desk) -> None:
    contract = desk.executing()
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "100", "reference": "P1", "received_on": "2026-03-01"},
    )
    desk.ok(
        contract,
        "refund",
        "zhao.qiang",
        {"amount": "80", "reason": "r", "refunded_on": "2026-05-01"},
    )
    desk.ok(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": "50", "reference": "P2", "received_on": "2026-06-01"},
    )
    # On 2026-04-01 100 had come in, but 80 of it went back on 2026-05-01: 20 is left to refund.
    april = {"amount": "21", "reason": "r", "refunded_on": "2026-04-01"}
    assert_problem(
        desk.act(contract, "refund", "zhao.qiang", april), 409, "refund_exceeds_collected"
    )
    refunded = desk.ok(contract, "refund", "zhao.qiang", april | {"amount": "20"})
    assert refunded["totals"]["collected"] == "50.00"
