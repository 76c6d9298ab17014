"""Receivables for finance (SPEC §5): the monthly statement, aging and collection rate,
as JSON or as CSV / XLSX files with the same figures."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api import fields, report_schemas
from api.books import Books, BooksAsked
from api.dependencies import Application, Views
from api.exports import XLSX, export
from api.periods import month_bounds
from api.presenters import money_from_cents
from api.problems import problem_responses
from projections.receivables_reports import BUCKETS

router = APIRouter(
    prefix="/receivables",
    tags=["receivables"],
    responses=problem_responses(401, 403, 422, 503),
)
FILES = {200: {"content": {"text/csv": {}, XLSX: {}}, "description": "the report"}}
Month = Annotated[str | None, Query(description="YYYY-MM; this month by default")]
Format = Annotated[Literal["json", "csv", "xlsx"], Query(alias="format")]
STATEMENT_FIGURES = ("opening_balance", "sales", "collections", "closing_balance")
AGING_FIGURES = (*BUCKETS, "total", "credit", "net")


@router.get("/statement", response_model=report_schemas.Statement, responses=FILES)
def statement(
    views: Views,
    app: Application,
    books: BooksAsked,
    month: Month = None,
    customer_id: fields.Identifier | None = None,
    fmt: Format = "json",
) -> Any:
    """应收账款明细: per customer, the opening balance, sales and collections of the month."""
    month = month or app.today().strftime("%Y-%m")
    first, last = month_bounds(month)
    views.refresh("receivables")
    rows = views.receivables.statement(first, last, replace(books.scope, customer_id=customer_id))
    body = {
        "month": month,
        "known_at": books.known_at,
        "currency": books.currency,
        "customers": _with_names(views, rows, STATEMENT_FIGURES, books),
        "totals": _totals(rows, STATEMENT_FIGURES),
    }
    return _respond(body, STATEMENT_FIGURES, fmt, f"statement-{month}")


@router.get("/aging", response_model=report_schemas.Aging, responses=FILES)
def aging(
    views: Views,
    app: Application,
    books: BooksAsked,
    as_of: fields.BusinessDate | None = None,
    customer_id: fields.Identifier | None = None,
    fmt: Format = "json",
) -> Any:
    """Unpaid shipments by days past due (first-in-first-out by due date), credit and net."""
    as_of = as_of or app.today()
    views.refresh("receivables")
    rows = views.receivables.aging(as_of, replace(books.scope, customer_id=customer_id))
    body = {
        "as_of": as_of,
        "known_at": books.known_at,
        "currency": books.currency,
        "customers": _with_names(views, rows, AGING_FIGURES, books),
        "totals": _totals(rows, AGING_FIGURES),
    }
    return _respond(body, AGING_FIGURES, fmt, f"aging-{as_of}")


@router.get("/collection-rate", response_model=report_schemas.CollectionRate, responses=FILES)
def collection_rate(
    views: Views, app: Application, books: BooksAsked, month: Month = None, fmt: Format = "json"
) -> Any:
    """回款完成率 per owner: actual collections against what was due (the plan rolls over)."""
    month = month or app.today().strftime("%Y-%m")
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
    body = {
        "month": month,
        "known_at": books.known_at,
        "currency": books.currency,
        "owners": owners,
    }
    if fmt == "json":
        return body
    figures = ("planned", "actual", "shortfall")
    return export(
        owners, ("owner", *figures, "rate"), set(figures), fmt, f"collection-rate-{month}"
    )


def _rate(actual: int, planned: int) -> str | None:
    """回款完成率 to four decimals; none when nothing was planned."""
    if planned == 0:
        return None
    return str((Decimal(actual) / Decimal(planned)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _with_names(
    views: Views, rows: list[dict[str, Any]], figures: tuple[str, ...], books: Books
) -> list[dict[str, Any]]:
    names = views.receivables.customer_names()
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


def _respond(body: dict[str, Any], figures: tuple[str, ...], fmt: str, name: str) -> Any:
    if fmt == "json":
        return body
    total_row = {"customer_id": "TOTAL", "customer_name": "", **body["totals"]}
    columns = ("customer_id", "customer_name", *figures)
    return export([*body["customers"], total_row], columns, set(figures), fmt, name)
