"""Advance, shipments, invoices, payments, refunds, acceptance, settlement and termination
(SPEC §2), over HTTP."""

from __future__ import annotations

from tests.desk import Desk, assert_problem


def test_execution_waits_for_the_advance(desk: Desk) -> None:
    contract = desk.signed(payment_terms={"advance_percent": 30})
    assert contract["allowed_actions"] == ["pay", "terminate", "amend"]
    assert_problem(desk.act(contract, "start", "li.lei"), 409, "advance_not_received")
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "29999.99", "reference": "A1"})
    assert_problem(desk.act(contract, "start", "li.lei"), 409, "advance_not_received")
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "0.01", "reference": "A2"})
    assert "start" in contract["allowed_actions"]
    started = desk.ok(contract, "start", "li.lei", {"started_on": "2026-02-01"})
    assert started["state"] == "executing"


def test_without_an_advance_execution_starts_at_once(desk: Desk) -> None:
    assert desk.executing()["state"] == "executing"


def test_only_the_owner_or_a_contract_specialist_starts(desk: Desk) -> None:
    contract = desk.signed()
    assert_problem(desk.act(contract, "start", "chen.jing"), 403, "forbidden")
    assert_problem(desk.act(contract, "start", "han.meimei"), 404, "not_found")


def test_shipments_never_exceed_the_amount(desk: Desk) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "ship", "li.lei", {"amount": "60000", "shipped_on": "2026-03-01"})
    assert_problem(
        desk.act(contract, "ship", "li.lei", {"amount": "40000.01"}), 409, "over_shipment"
    )
    contract = desk.ok(contract, "ship", "wang.fang", {"amount": 40000, "note": "尾批"})
    assert contract["totals"]["shipped"] == "100000.00"
    assert contract["totals"]["receivable"] == "100000.00"


def test_nothing_ships_before_execution(desk: Desk) -> None:
    contract = desk.signed()
    body = assert_problem(
        desk.act(contract, "ship", "li.lei", {"amount": "1"}), 409, "invalid_transition"
    )
    assert body["allowed_actions"] == ["start", "pay", "terminate", "amend"]


def test_finance_records_payments_and_nobody_else(desk: Desk) -> None:
    contract = desk.signed()
    for user in ("li.lei", "wang.fang", "chen.jing"):
        response = desk.act(contract, "pay", user, {"amount": "1", "reference": "P1"})
        assert_problem(response, 403, "forbidden")


def test_collected_never_exceeds_the_amount(desk: Desk) -> None:
    contract = desk.signed()
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "99999.99", "reference": "P1"})
    response = desk.act(contract, "pay", "zhao.qiang", {"amount": "0.02", "reference": "P2"})
    assert_problem(response, 409, "overpayment")
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "0.01", "reference": "P2"})
    assert contract["totals"]["collected"] == "100000.00"
    assert contract["totals"]["remaining"] == "0.00"
    assert contract["state"] == "signed"


def test_a_payment_reference_is_recorded_once(desk: Desk) -> None:
    contract = desk.signed()
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "10", "reference": "BANK-1"})
    response = desk.act(contract, "pay", "qian.li", {"amount": "10", "reference": "BANK-1"})
    assert_problem(response, 409, "duplicate_payment")
    assert desk.get(contract).json()["totals"]["collected"] == "10.00"


def test_payments_are_refused_before_signing(desk: Desk) -> None:
    contract = desk.submitted()
    response = desk.act(contract, "pay", "zhao.qiang", {"amount": "10", "reference": "P"})
    assert_problem(response, 409, "invalid_transition")


def test_invoices_never_exceed_the_amount_and_numbers_are_unique(desk: Desk) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "invoice", "zhao.qiang", {"amount": "70000", "invoice_no": "FP-1"})
    response = desk.act(contract, "invoice", "zhao.qiang", {"amount": "10", "invoice_no": "FP-1"})
    assert_problem(response, 409, "duplicate_invoice")
    response = desk.act(
        contract, "invoice", "zhao.qiang", {"amount": "30000.01", "invoice_no": "FP-2"}
    )
    assert_problem(response, 409, "over_invoicing")
    assert_problem(
        desk.act(contract, "invoice", "li.lei", {"amount": "1", "invoice_no": "FP-3"}),
        403,
        "forbidden",
    )
    contract = desk.ok(contract, "invoice", "zhao.qiang", {"amount": "30000", "invoice_no": "FP-2"})
    assert contract["totals"]["invoiced"] == "100000.00"


def test_refunds_never_exceed_what_was_collected(desk: Desk) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "500", "reference": "P1"})
    response = desk.act(contract, "refund", "zhao.qiang", {"amount": "500.01", "reason": "退差价"})
    assert_problem(response, 409, "refund_exceeds_collected")
    contract = desk.ok(contract, "refund", "zhao.qiang", {"amount": "200", "reason": "退差价"})
    assert contract["totals"]["collected"] == "300.00"
    assert contract["totals"]["remaining"] == "99700.00"
    assert contract["totals"]["receivable"] == "-300.00"


def test_acceptance_needs_full_delivery(desk: Desk) -> None:
    contract = desk.executing()
    shipped = {"amount": "99999.99", "shipped_on": "2026-03-01"}
    contract = desk.ok(contract, "ship", "li.lei", shipped)
    assert "accept" not in contract["allowed_actions"]
    assert_problem(desk.act(contract, "accept", "li.lei"), 409, "not_fully_shipped")
    contract = desk.ok(contract, "ship", "li.lei", shipped | {"amount": "0.01"})
    accepted = desk.ok(
        contract, "accept", "li.lei", {"accepted_on": "2026-04-01", "note": "验收合格"}
    )
    assert (accepted["state"], accepted["accepted_on"]) == ("accepted", "2026-04-01")


def test_the_last_payment_after_acceptance_settles_the_contract(desk: Desk) -> None:
    contract = desk.accepted()
    assert contract["allowed_actions"] == ["invoice", "pay", "refund"]
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "40000", "reference": "P1"})
    assert contract["state"] == "accepted"
    paid = desk.ok(contract, "pay", "zhao.qiang", {"amount": "60000", "reference": "P2"})
    assert paid["state"] == "paid"
    assert paid["allowed_actions"] == ["invoice"]  # SPEC §2: a fapiao may follow payment
    events = desk.client.get(
        f"/api/contracts/{paid['id']}/history", headers=desk.as_user("zhou.shen")
    ).json()
    assert [e["type"] for e in events["events"][-2:]] == ["PaymentReceived", "Settled"]


def test_acceptance_of_a_fully_paid_contract_settles_it(desk: Desk) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "100000", "reference": "P1"})
    contract = desk.ok(contract, "ship", "li.lei", {"amount": "100000"})
    assert desk.ok(contract, "accept", "wang.fang")["state"] == "paid"


def test_a_refund_after_acceptance_keeps_it_accepted(desk: Desk) -> None:
    contract = desk.accepted()
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "50000", "reference": "P1"})
    contract = desk.ok(contract, "refund", "zhao.qiang", {"amount": "10000", "reason": "质量扣款"})
    assert (contract["state"], contract["totals"]["collected"]) == ("accepted", "40000.00")


def test_managers_and_directors_terminate_with_a_reason(desk: Desk) -> None:
    contract = desk.submitted()
    assert_problem(desk.act(contract, "terminate", "wang.fang", {"reason": "x"}), 403, "forbidden")
    assert_problem(desk.act(contract, "terminate", "chen.jing", {}), 422, "invalid_input")
    assert_problem(
        desk.act(contract, "terminate", "chen.jing", {"reason": "  "}), 422, "invalid_input"
    )
    terminated = desk.ok(contract, "terminate", "liu.yang", {"reason": "客户撤单"})
    assert terminated["state"] == "terminated"
    assert terminated["allowed_actions"] == ["pay", "refund"]


def test_accepted_contracts_cannot_be_terminated(desk: Desk) -> None:
    contract = desk.accepted()
    assert_problem(
        desk.act(contract, "terminate", "chen.jing", {"reason": "x"}), 409, "invalid_transition"
    )


def test_a_terminated_contract_collects_only_what_was_shipped(desk: Desk) -> None:
    contract = desk.executing()
    contract = desk.ok(contract, "ship", "li.lei", {"amount": "30000"})
    contract = desk.ok(contract, "terminate", "chen.jing", {"reason": "停止供货"})
    response = desk.act(contract, "pay", "zhao.qiang", {"amount": "30000.01", "reference": "P1"})
    assert_problem(response, 409, "overpayment")
    contract = desk.ok(contract, "pay", "zhao.qiang", {"amount": "30000", "reference": "P1"})
    assert contract["totals"]["receivable"] == "0.00"
    contract = desk.ok(contract, "refund", "zhao.qiang", {"amount": "5000", "reason": "退货"})
    assert contract["totals"]["collected"] == "25000.00"
    assert_problem(desk.act(contract, "ship", "li.lei", {"amount": "1"}), 409, "invalid_transition")
