"""Build receivables histories through the application: contracts put into execution,
then shipments, payments, refunds and terminations with back-dated effective dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from domain.errors import DomainError
from domain.service import ContractFlow
from tests.conftest import actor

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
    contract = app.create_contract(actor(owner), terms)
    app.submit_contract(actor(owner), contract.id, None)
    app.approve_contract(actor("wang.fang"), contract.id, "contract_review", None, None)
    app.approve_contract(actor("chen.jing"), contract.id, "manager_approval", None, None)
    app.sign_contract(actor("wang.fang"), contract.id, START, None)
    if advance_percent == 0:
        app.start_contract(actor(owner), contract.id, START, None)
    return contract.id


def attempt(app: ContractFlow, operation: tuple[str, UUID, Decimal, int]) -> bool:
    """Run one operation; a refusal by the rules is part of a random history."""
    kind, contract_id, amount, day = operation
    effective = START + timedelta(days=day)
    finance = actor("zhao.qiang")
    try:
        if kind == "ship":
            app.ship(actor("wang.fang"), contract_id, amount, effective, None, None)
        elif kind == "pay":
            app.pay(finance, contract_id, amount, effective, f"P-{day}-{amount}-{kind}", None)
        elif kind == "refund":
            app.refund(finance, contract_id, amount, effective, "r", None)
        else:
            app.terminate_contract(actor("chen.jing"), contract_id, "stop", None)
    except DomainError:
        return False
    return True
