"""The reports as the API answers them (SPEC §5, §8), built once for the API routes and the
web pages: money as two-decimal strings, every figure from the views."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from fastapi.responses import Response

from api.books import Books
from api.exports import export
from api.periods import month_bounds, period_bounds
from api.presenters import customer_body, money_from_cents
from domain.actors import Actor
from domain.contracts.policy import authorize_register
from domain.delegations.delegation import as_dict
from domain.delegations.service import SEE_ALL
from domain.errors import NotFoundError
from projections.receivables_figures import BUCKETS, bucket_of
from projections.runtime import Projections

STATEMENT_FIGURES = ("opening_balance", "sales", "collections", "closing_balance")
AGING_FIGURES = (*BUCKETS, "total", "credit", "net")
RATE_FIGURES = ("planned", "actual", "shortfall")
KINDS = ("signed", "shipped", "collected")
EVERY_ROW = slice(None)  # a report body for the API and exports: every customer


def statement(
    views: Projections,
    books: Books,
    month: str,
    customer_id: str | None,
    shown: slice = EVERY_ROW,
) -> dict[str, Any]:
    """The month's statement; `shown`: the customers a page shows (totals count them all)."""
    first, last = month_bounds(month)
    views.refresh("receivables")
    rows = views.receivables.statement(first, last, replace(books.scope, customer_id=customer_id))
    return {"month": month, **_by_customer(views, books, rows, STATEMENT_FIGURES, shown)}


def aging(
    views: Projections,
    books: Books,
    as_of: date,
    customer_id: str | None,
    shown: slice = EVERY_ROW,
) -> dict[str, Any]:
    """Aging as of a day; `shown`: the customers a page shows (totals count them all)."""
    views.refresh("receivables")
    rows = views.receivables.aging(as_of, replace(books.scope, customer_id=customer_id))
    return {"as_of": as_of, **_by_customer(views, books, rows, AGING_FIGURES, shown)}


def _by_customer(
    views: Projections,
    books: Books,
    rows: list[dict[str, Any]],
    figures: tuple[str, ...],
    shown: slice,
) -> dict[str, Any]:
    """A report of a row per customer: the rows `shown`, named; the totals of them all."""
    return {
        "known_at": books.known_at,
        "currency": books.currency,
        "customers": _with_names(views, rows[shown], figures, books),
        "count": len(rows),
        "totals": _totals(rows, figures),
    }


def open_items(views: Projections, books: Books, as_of: date, customer_id: str) -> dict[str, Any]:
    """One customer's aging row, shipment by shipment: each contract's unpaid shipments as
    of a day, with their due dates, days past due and bucket (the aging's drill-down)."""
    views.refresh("receivables", "ledger")
    items = views.receivables.open_items(as_of, replace(books.scope, customer_id=customer_id))
    ledger = views.contracts.by_id(sorted({item["contract_id"] for item in items}))
    contracts: dict[str, dict[str, Any]] = {}
    for item in items:
        contract = ledger[item["contract_id"]]
        entry = contracts.setdefault(item["contract_id"], {
            "contract_id": item["contract_id"], "number": contract["number"],
            "title": contract["title"], "owner": contract["owner"], "unpaid": 0, "items": [],
        })  # fmt: skip
        days = (as_of - date.fromisoformat(item["due_on"])).days
        entry["unpaid"] += int(item["unpaid"])
        entry["items"].append({
            "shipped_on": item["effective_on"], "due_on": item["due_on"],
            "amount": money_from_cents(item["amount"]), "unpaid": money_from_cents(item["unpaid"]),
            "days_overdue": max(days, 0), "bucket": bucket_of(days),
        })  # fmt: skip
    for entry in contracts.values():
        entry["unpaid"] = money_from_cents(entry["unpaid"])
    return {
        "as_of": as_of,
        "known_at": books.known_at,
        "currency": books.currency,
        "customer_id": customer_id,
        "customer_name": views.receivables.customer_names([customer_id]).get(customer_id, ""),
        "contracts": list(contracts.values()),
    }


def collection_rate(views: Projections, books: Books, month: str) -> dict[str, Any]:
    first, last = month_bounds(month)
    views.refresh("receivables")
    owners = []
    for row in views.receivables.collection_rate(first, last, books.scope):
        planned, actual = row["planned"], row["actual"]
        owners.append({
            "owner": row["owner"],
            "planned": money_from_cents(planned),
            "actual": money_from_cents(actual),
            "rate": _rate(actual, planned),
            "shortfall": money_from_cents(max(planned - actual, 0)),
        })  # fmt: skip
    return {
        "month": month,
        "known_at": books.known_at,
        "currency": books.currency,
        "owners": owners,
    }


def performance(views: Projections, books: Books, period: str, today: date) -> dict[str, Any]:
    """Days overdue count to the period's end, or to today for a period not yet over."""
    first, last = period_bounds(period)
    views.refresh("ledger", "receivables")
    report = views.contracts.performance(first, last, min(last, today), books.scope)
    months = [{"month": month, **_figures(figures)} for month, figures in report["months"].items()]
    totals = {
        kind: {
            "count": sum(figures[kind]["count"] for figures in report["months"].values()),
            "amount": sum(figures[kind]["amount"] for figures in report["months"].values()),
        }
        for kind in KINDS
    }
    return {
        "period": period,
        "known_at": books.known_at,
        "currency": books.currency,
        "first_day": first,
        "last_day": last,
        "totals": _figures(totals),
        "months": months,
        "contracts": [_contract(row) for row in report["contracts"]],
    }


def inbox(
    views: Projections, actor: Actor, limit: int | None = None, offset: int = 0
) -> dict[str, Any]:
    """The caller's steps, and those of roles lent to them today (SPEC §2.2): `limit` of
    them from `offset` (all by default), and how many there are."""
    views.refresh("ledger")
    now = datetime.now(UTC)
    rows, total = views.contracts.inbox(actor, limit, offset)
    items = []
    for row in rows:
        submitted_at = datetime.fromisoformat(row["submitted_at"])
        items.append({
            "contract_id": row["contract_id"],
            "number": row["number"],
            "title": row["title"],
            "customer": {"id": row["customer_id"], "name": row["customer_name"]},
            "amount": money_from_cents(row["amount"]),
            "currency": row["currency"],
            "step": row["step"],
            "kind": row["kind"],
            "amendment": row["amendment"],
            "new_amount": _money_or_none(row["new_amount"]),
            "on_behalf_of": row["on_behalf_of"],
            "submitted_at": submitted_at,
            "hours_waiting": round((now - submitted_at).total_seconds() / 3600, 2),
        })  # fmt: skip
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def _money_or_none(cents: int | None) -> str | None:
    return None if cents is None else money_from_cents(cents)


def as_file(body: dict[str, Any], report: str, fmt: str) -> Response:
    """A report as CSV or XLSX, with the same figures and a TOTAL row where it has totals."""
    if report == "collection-rate":
        columns = ("owner", *RATE_FIGURES, "rate")
        return export(body["owners"], columns, set(RATE_FIGURES), fmt, f"{report}-{body['month']}")
    figures = STATEMENT_FIGURES if report == "statement" else AGING_FIGURES
    total_row = {"customer_id": "TOTAL", "customer_name": "", **body["totals"]}
    columns = ("customer_id", "customer_name", *figures)
    name = f"{report}-{body.get('month') or body.get('as_of')}"
    return export([*body["customers"], total_row], columns, set(figures), fmt, name)


def _rate(actual: int, planned: int) -> str | None:
    """回款完成率 to four decimals; none when nothing was planned."""
    if planned == 0:
        return None
    return str((Decimal(actual) / Decimal(planned)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _with_names(
    views: Projections, rows: list[dict[str, Any]], figures: tuple[str, ...], books: Books
) -> list[dict[str, Any]]:
    names = views.receivables.customer_names([row["customer_id"] for row in rows])
    views.refresh("complaints")
    open_complaints = views.complaints.open_by_customer(books.scope.owner)
    return [
        {
            "customer_id": row["customer_id"],
            "customer_name": names.get(row["customer_id"], ""),
            **{name: money_from_cents(row[name]) for name in figures},
            "open_complaints": open_complaints.get(row["customer_id"], 0),
        }
        for row in rows
    ]


def _totals(rows: list[dict[str, Any]], figures: tuple[str, ...]) -> dict[str, str]:
    return {name: money_from_cents(sum(row[name] for row in rows)) for name in figures}


def _figures(figures: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {
        kind: {"count": figures[kind]["count"], "amount": money_from_cents(figures[kind]["amount"])}
        for kind in KINDS
    }


def _contract(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["contract_id"],
        "number": row["number"],
        "title": row["title"],
        "customer_id": row["customer_id"],
        "owner": row["owner"],
        "state": row["state"],
        "amount": money_from_cents(row["amount"]),
        "shipped": money_from_cents(row["shipped"]),
        "invoiced": money_from_cents(row["invoiced"]),
        "collected": money_from_cents(row["collected"]),
        "receivable": money_from_cents(row["shipped"] - row["collected"]),
        "remaining": money_from_cents(row["amount"] - row["collected"]),
        "next_due": row["next_due"],
        "days_overdue": row["days_overdue"],
    }


def delegations(app: Any, views: Projections, actor: Actor) -> list[dict[str, Any]]:
    """The delegations `actor` may see, newest first; one whose last day has passed is
    recorded as expired the first time it is listed after (SPEC §2.2)."""
    views.refresh("delegations")
    view = views.views["delegations"]
    due = [UUID(found) for found in view.past_their_end(app.today())]  # type: ignore[attr-defined]
    if due and app.delegations.expire_due(due, app.today()):
        views.refresh("delegations")
    ids = view.ids(None if actor.has(*SEE_ALL) else actor.id)  # type: ignore[attr-defined]
    return [as_dict(app.delegations.get(actor, UUID(found))) for found in ids]


def customer_ids(
    views: Projections, actor: Actor, q: str | None, credit_class: str | None, sort: str
) -> list[str]:
    """The register's customers `actor` may see, matching and sorted (SPEC §2.3)."""
    owner = authorize_register(actor)
    views.refresh("customers", "ledger")
    only = views.contracts.customers_of(owner) if owner else None
    rows = views.views["customers"].search(q, credit_class, only, sort)  # type: ignore[attr-defined]
    return [row["customer_id"] for row in rows]


def customer(
    app: Any, views: Projections, actor: Actor, books: Books, customer_id: str, today: date
) -> dict[str, Any]:
    """One customer with its figures in the books' currency; a sales user sees a customer
    of own contracts only, and the figures of those contracts."""
    owner = authorize_register(actor)
    views.refresh("ledger", "receivables", "complaints")
    if owner is not None and customer_id not in views.contracts.customers_of(owner):
        raise NotFoundError(f"no customer {customer_id}")
    found = app.customers.get(customer_id)
    ledger = views.contracts.customer_figures(customer_id, books.currency, owner)
    aging = views.receivables.aging(today, replace(books.scope, customer_id=customer_id))
    overdue = sum(row["total"] - row[BUCKETS[0]] for row in aging)
    figures = {
        "currency": books.currency,
        "contracts_by_state": ledger["contracts_by_state"],
        "receivable": money_from_cents(ledger["receivable"]),
        "overdue": money_from_cents(overdue),
        "open_complaints": views.complaints.open_by_customer(owner).get(customer_id, 0),
        "credit_used": money_from_cents(ledger["credit_used"]),
    }
    return customer_body(found) | {"figures": figures}
