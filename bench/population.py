"""A large, realistic contract history, generated through the real domain model.

Contracts are walked through the lifecycle by the `Contract` aggregate itself (every rule
checked, every event chained) and saved many per transaction: the log is what the service
would have written, only faster to produce. Deterministic: a fixed seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

from domain.actors import CONTRACT_SPECIALIST, DIRECTOR, FINANCE, MANAGER, SALES, Actor
from domain.application import ContractFlow
from domain.contracts.contract import Contract
from domain.contracts.routing import ApprovalRouting
from domain.numbering import NumberIndex

SAVE_EVERY = 40  # contracts per transaction (larger batches stalled over a Unix socket)
OWNERS = 50
SPECIALIST = Actor("bench.specialist", frozenset({CONTRACT_SPECIALIST}))
DECIDERS = {
    "contract_review": SPECIALIST,
    "manager_approval": Actor("bench.manager", frozenset({MANAGER})),
    "finance_review": Actor("bench.finance", frozenset({FINANCE})),
    "director_approval": Actor("bench.director", frozenset({DIRECTOR})),
}
FINANCE_ACTOR = DECIDERS["finance_review"]
ROUTING = ApprovalRouting()
# How far each contract goes, by its index modulo 10.
STOPS = ("review", "signed", "executing", "executing", "executing", *["paid"] * 5)


class Calendar:
    """Business dates moving forward from a start, never past today."""

    def __init__(self, start: date, today: date) -> None:
        self.day = start
        self.today = today

    def after(self, days: int) -> date:
        self.day = min(self.day + timedelta(days=days), self.today)
        return self.day


def owner_of(index: int) -> Actor:
    return Actor(f"sales.{index % OWNERS:02d}", frozenset({SALES}))


def customer_of(index: int, customers: int) -> dict[str, str]:
    number = index % customers
    return {"id": f"CUST-{number:05d}", "name": f"客户{number:05d}有限公司", "credit_class": "B"}


def populate(
    app: ContractFlow,
    contracts: int,
    customers: int,
    today: date,
    done: Callable[[int], None] | None = None,
) -> None:
    """Write `contracts` contracts spread over `customers` customers and two years."""
    rng = random.Random(6)  # noqa: S311 - reproducible data, not security
    for first in range(0, contracts, SAVE_EVERY):
        batch: list[Any] = []
        for index in range(first, min(first + SAVE_EVERY, contracts)):
            contract = walked(rng, index, customers, today)
            batch += [contract, NumberIndex(contract.number, contract.id)]
        app.save(*batch)
        if done is not None:
            done(len(batch) // 2)


def drafted(index: int, customers: int, amount: Decimal, due_days: int = 30) -> Contract:
    terms = {
        "title": f"设备采购合同 {index}",
        "customer": customer_of(index, customers),
        "amount": amount,
        "payment_terms": {"advance_percent": 0, "due_days": due_days},
    }
    return Contract.create(
        uuid4(), f"BENCH-{index:07d}", owner_of(index).id, terms, owner_of(index)
    )


def approved(contract: Contract) -> Contract:
    """Submitted and granted every required step."""
    contract.submit(Actor(contract.owner, frozenset({SALES})), ROUTING)
    for step in list(contract.pending_approvals):
        contract.approve(DECIDERS[step], step, "同意")
    return contract


def walked(rng: random.Random, index: int, customers: int, today: date) -> Contract:
    """One contract, as far as its stop, with business dates in the last two years."""
    amount = Decimal(rng.randrange(10_000, 190_000))
    contract = drafted(index, customers, amount, due_days=rng.choice((30, 60, 90)))
    stop = STOPS[index % len(STOPS)]
    if stop == "review":
        contract.submit(owner_of(index), ROUTING)
        contract.approve(SPECIALIST, "contract_review", "条款已审")
        return contract
    approved(contract)
    day = Calendar(today - timedelta(days=rng.randrange(30, 730)), today)
    contract.sign(SPECIALIST, day.after(3))
    if stop == "signed":
        return contract
    contract.start(SPECIALIST, day.after(5))
    first_part = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
    contract.ship(SPECIALIST, first_part, day.after(rng.randrange(5, 40)), "首批")
    if stop == "executing":
        paid = (first_part * Decimal(rng.choice(("0", "0.5", "1")))).quantize(Decimal("0.01"))
        if paid:
            contract.pay(FINANCE_ACTOR, paid, day.after(rng.randrange(10, 80)), "P-1")
        return contract
    contract.ship(SPECIALIST, amount - first_part, day.after(rng.randrange(5, 40)), "尾批")
    contract.invoice(FINANCE_ACTOR, amount, f"INV-{index:07d}", day.after(2))
    contract.accept(SPECIALIST, day.after(10), "验收合格")
    contract.pay(FINANCE_ACTOR, amount, day.after(rng.randrange(10, 120)), "P-1")
    return contract
