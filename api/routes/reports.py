"""Contract performance (合同履行一览表): activity per month of a period, and each active
contract's totals, next due date and days overdue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import report_schemas
from api.books import BooksAsked
from api.dependencies import Application, Views
from api.periods import period_bounds
from api.presenters import money_from_cents
from api.problems import problem_responses

router = APIRouter(
    prefix="/reports", tags=["reports"], responses=problem_responses(401, 403, 422, 503)
)
KINDS = ("signed", "shipped", "collected")


@router.get("/performance", response_model=report_schemas.Performance)
def performance(
    views: Views,
    app: Application,
    books: BooksAsked,
    period: Annotated[
        str | None, Query(description="YYYY, YYYY-Qn or YYYY-MM; this year by default")
    ] = None,
) -> dict[str, Any]:
    """Counts and amounts signed, shipped and collected, and per contract how it stands at
    the period's end (today, for a period not yet over): next due date and days overdue."""
    period = period or str(app.today().year)
    first, last = period_bounds(period)
    views.refresh("ledger", "receivables")
    report = views.contracts.performance(first, last, min(last, app.today()), books.scope)
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
