"""Contract performance (合同履行一览表): activity per month of a period, and each active
contract's totals, next due date and days overdue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import report_bodies, report_schemas
from api.books import BooksAsked
from api.dependencies import Application, Views
from api.problems import problem_responses

router = APIRouter(
    prefix="/reports", tags=["reports"], responses=problem_responses(401, 403, 422, 503)
)


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
    return report_bodies.performance(views, books, period or str(app.today().year), app.today())
