"""Receivables for finance (SPEC §5): the monthly statement, aging and collection rate,
as JSON or as CSV / XLSX files with the same figures."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api import fields, report_bodies, report_schemas
from api.books import BooksAsked
from api.dependencies import Application, Views
from api.exports import XLSX
from api.problems import problem_responses

router = APIRouter(
    prefix="/receivables",
    tags=["receivables"],
    responses=problem_responses(401, 403, 422, 503),
)
FILES = {200: {"content": {"text/csv": {}, XLSX: {}}, "description": "the report"}}
Month = Annotated[str | None, Query(description="YYYY-MM; this month by default")]
Format = Annotated[Literal["json", "csv", "xlsx"], Query(alias="format")]


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
    body = report_bodies.statement(views, books, month, customer_id)
    return body if fmt == "json" else report_bodies.as_file(body, "statement", fmt)


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
    body = report_bodies.aging(views, books, as_of or app.today(), customer_id)
    return body if fmt == "json" else report_bodies.as_file(body, "aging", fmt)


@router.get("/collection-rate", response_model=report_schemas.CollectionRate, responses=FILES)
def collection_rate(
    views: Views, app: Application, books: BooksAsked, month: Month = None, fmt: Format = "json"
) -> Any:
    """回款完成率 per owner: actual collections against what was due (the plan rolls over)."""
    body = report_bodies.collection_rate(views, books, month or app.today().strftime("%Y-%m"))
    return body if fmt == "json" else report_bodies.as_file(body, "collection-rate", fmt)
