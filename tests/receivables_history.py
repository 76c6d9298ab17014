"""Build receivables histories through the application: contracts put into execution,
then shipments, payments, refunds and terminations with back-dated effective dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from domain.application import ContractFlow
from domain.errors import DomainError
from tests.conftest import actor
from tests.desk import DECIDERS

START = date(2026, 1, 1)


def executing_contract(
    app: ContractFlow,
    customer: str,
    owner: str,
    amount: str = "10000.00",
    due_days: int = 30,
    advance_percent: int = 0,
) -> UUID:
    terms = {
        "title": "t",
        "customer": {"id": customer, "name": f"客户 {customer}", "credit_class": None},
        "amount": Decimal(amount),
        "payment_terms": {"advance_percent": advance_percent, "due_days": due_days},
    }
    contract = app.contracts.create(actor(owner), terms)
    app.contracts.submit(actor(owner), contract.id)
    app.contracts.approve(actor("wang.fang"), contract.id, "contract_review", None)
    app.contracts.approve(actor("chen.jing"), contract.id, "manager_approval", None)
    app.contracts.sign(actor("wang.fang"), contract.id, START)
    if advance_percent == 0:
        app.contracts.start(actor(owner), contract.id, START)
    return contract.id


def attempt(app: ContractFlow, operation: tuple[str, UUID, Decimal, int]) -> bool:
    """Run one operation; a refusal by the rules is part of a random history."""
    kind, contract_id, amount, day = operation
    effective = START + timedelta(days=day)
    finance = actor("zhao.qiang")
    try:
        if kind == "ship":
            app.contracts.ship(actor("wang.fang"), contract_id, amount, effective, None)
        elif kind == "pay":
            app.contracts.pay(finance, contract_id, amount, effective, f"P-{day}-{amount}-{kind}")
        elif kind == "refund":
            app.contracts.refund(finance, contract_id, amount, effective, "r")
        elif kind == "amend":
            amend(app, contract_id, amount, day)
        else:
            app.contracts.terminate(actor("chen.jing"), contract_id, "stop")
    except DomainError:
        return False
    return True


def amend(app: ContractFlow, contract_id: UUID, amount: Decimal, day: int) -> None:
    """An amendment of the amount and the due days, granted step by step (SPEC §2.1): the
    new due days apply to later shipments only."""
    terms = {"advance_percent": 0, "due_days": day % 90}
    contract = app.contracts.amend(
        actor("wang.fang"), contract_id, {"amount": amount * 10, "payment_terms": terms}, "r"
    )
    assert contract.amendment is not None
    for step in contract.amendment.required:
        app.contracts.approve_amendment(actor(DECIDERS[step]), contract_id, step, None)
