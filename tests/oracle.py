"""An independent oracle: SPEC §5's receivables computed straight from the event log, as
plainly as possible, to check the views against. Figures are integer cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.contracts.contract import Contract


@dataclass
class Fact:
    contract: str
    customer: str
    owner: str
    effective: date
    amount: int  # cents; refunds negative
    recorded: datetime
    position: int
    due: date | None = None


def facts(app: Any) -> tuple[list[Fact], list[Fact]]:
    """Shipments and collections from every event in the log."""
    parties: dict[str, tuple[str, str]] = {}
    due_days: dict[str, int] = {}  # the payment terms in force: an amendment's apply onwards
    shipments, collections = [], []
    for notification in app.recorder.select_notifications(start=None, limit=10**9):
        event = app.mapper.to_domain_event(notification)
        cid = str(event.originator_id)
        if isinstance(event, Contract.Created):
            parties[cid] = (event.terms["customer"]["id"], event.owner)
            due_days[cid] = event.terms["payment_terms"]["due_days"]
        elif isinstance(event, Contract.Revised) and "customer" in event.changes:
            parties[cid] = (event.changes["customer"]["id"], parties[cid][1])
        elif isinstance(event, Contract.Amended) and "payment_terms" in event.changes:
            due_days[cid] = event.changes["payment_terms"]["due_days"]
        elif isinstance(event, Contract.Shipped | Contract.PaymentReceived | Contract.Refunded):
            customer, owner = parties[cid]
            sign = -1 if isinstance(event, Contract.Refunded) else 1
            effective = (
                getattr(event, "shipped_on", None)
                or getattr(event, "received_on", None)
                or event.refunded_on
            )
            fact = Fact(
                cid,
                customer,
                owner,
                effective,
                sign * int(event.amount * 100),
                event.timestamp,
                notification.id,
            )
            if isinstance(event, Contract.Shipped):
                fact.due = effective + timedelta(days=due_days[cid])
                shipments.append(fact)
            else:
                collections.append(fact)
    return shipments, collections


def known(items: list[Fact], known_at: datetime | None) -> list[Fact]:
    return [f for f in items if known_at is None or f.recorded <= known_at]


def statement(
    app: Any, first: date, last: date, known_at: datetime | None = None
) -> dict[str, dict[str, int]]:
    shipments, collections = (known(items, known_at) for items in facts(app))
    rows: dict[str, dict[str, int]] = {}
    for fact in shipments + collections:
        if fact.effective <= last:
            rows.setdefault(fact.customer, {"opening_balance": 0, "sales": 0, "collections": 0})
    for fact in shipments:
        if fact.customer in rows and fact.effective < first:
            rows[fact.customer]["opening_balance"] += fact.amount
        elif fact.customer in rows and fact.effective <= last:
            rows[fact.customer]["sales"] += fact.amount
    for fact in collections:
        if fact.customer in rows and fact.effective < first:
            rows[fact.customer]["opening_balance"] -= fact.amount
        elif fact.customer in rows and fact.effective <= last:
            rows[fact.customer]["collections"] += fact.amount
    for row in rows.values():
        row["closing_balance"] = row["opening_balance"] + row["sales"] - row["collections"]
    return rows


def days_bucket(days: int) -> str:
    for limit, name in ((0, "current"), (30, "d1_30"), (60, "d31_60"), (90, "d61_90")):
        if days <= limit:
            return name
    return "over_90"


def apply_fifo(shipments: list[Fact], collected: int) -> tuple[list[tuple[Fact, int]], int]:
    """Pay the earliest due shipment first; what is left over is credit."""
    money = max(collected, 0)
    result = []
    for shipment in sorted(shipments, key=lambda s: (s.due, s.effective, s.position)):
        paid = min(money, shipment.amount)
        money -= paid
        result.append((shipment, shipment.amount - paid))
    return result, money


def aging(app: Any, as_of: date, known_at: datetime | None = None) -> dict[str, dict[str, int]]:
    shipments, collections = (known(items, known_at) for items in facts(app))
    shipments = [s for s in shipments if s.effective <= as_of]
    collections = [c for c in collections if c.effective <= as_of]
    rows: dict[str, dict[str, int]] = {}
    names = ("current", "d1_30", "d31_60", "d61_90", "over_90", "credit")
    for contract in {f.contract for f in shipments + collections}:
        mine = [s for s in shipments if s.contract == contract]
        collected = sum(c.amount for c in collections if c.contract == contract)
        customer = (mine or [c for c in collections if c.contract == contract])[0].customer
        row = rows.setdefault(customer, dict.fromkeys(names, 0))
        parts, credit = apply_fifo(mine, collected)
        for shipment, unpaid in parts:
            row[days_bucket((as_of - shipment.due).days)] += unpaid
        row["credit"] += credit
        row["current"] += max(-collected, 0)
    for row in rows.values():
        row["total"] = sum(row[name] for name in names[:-1])
        row["net"] = row["total"] - row["credit"]
    return rows


def collection_rate(app: Any, first: date, last: date) -> dict[str, dict[str, int]]:
    shipments, collections = facts(app)
    rows: dict[str, dict[str, int]] = {}
    for fact in shipments + collections:
        if fact.effective <= last:
            rows.setdefault(fact.owner, {"planned": 0, "actual": 0})
    for contract in {f.contract for f in shipments + collections}:
        due = [s for s in shipments if s.contract == contract and s.due <= last]
        before = sum(
            c.amount for c in collections if c.contract == contract and c.effective < first
        )
        owner = next(f.owner for f in shipments + collections if f.contract == contract)
        parts, _ = apply_fifo(due, before)
        if due or before < 0:
            rows.setdefault(owner, {"planned": 0, "actual": 0})
            rows[owner]["planned"] += sum(unpaid for _, unpaid in parts) + max(-before, 0)
    for fact in collections:
        if first <= fact.effective <= last:
            rows[fact.owner]["actual"] += fact.amount
    return rows
