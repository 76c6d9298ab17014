"""Finance's pages (SPEC §10): the monthly statement, aging with its chart and each
customer's unpaid shipments, and the collection rate with plan against actual; each as
the books stood at a chosen moment, in one currency, and exported as CSV or XLSX."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import report_bodies
from api.books import Books, books_for
from api.dependencies import Application, Views
from domain.contracts.terms import DEFAULT_CURRENCY
from domain.errors import InvalidInputError
from projections.receivables_figures import BUCKETS
from web import formats
from web.charts import RISING, bars
from web.i18n import catalogue
from web.render import asked_of, language, linker, page, place_asked
from web.session import Visitor

router = APIRouter(include_in_schema=False)
FILES = ("csv", "xlsx")
PAGE = 100  # customers a report page shows: a screenful to read, not thousands


def _shown(asked: dict[str, str]) -> tuple[slice, int]:
    """The customers a page shows, and the first one's place; an export holds them all."""
    if asked.get("format") in FILES:
        return report_bodies.EVERY_ROW, 0
    offset = place_asked(asked)
    return slice(offset, offset + PAGE), offset


def _books(user: Any, asked: dict[str, str], zone: ZoneInfo) -> Books:
    """The books the page's filters ask for: `known_at` as typed in the browser (the
    service's time zone), one currency."""
    currency = asked.get("currency", DEFAULT_CURRENCY)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidInputError(f"no currency {currency!r}")
    known_at = None
    if "known_at" in asked:
        try:
            known_at = datetime.fromisoformat(asked["known_at"]).replace(tzinfo=zone)
        except ValueError:
            raise InvalidInputError("known_at is a date and time") from None
    return books_for(user.actor, known_at, currency)


def _day(text: str | None, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        raise InvalidInputError(f"not a date: {text!r}") from None


@router.get("/receivables/statement")
def statement(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    asked = asked_of(request)
    month = asked.get("month") or app.today().strftime("%Y-%m")
    shown, offset = _shown(asked)
    body = report_bodies.statement(
        views, _books(user, asked, app.timezone), month, asked.get("customer_id"), shown
    )
    if asked.get("format") in FILES:
        return report_bodies.as_file(body, "statement", asked["format"])
    asked = asked | {"month": month}
    return page(
        request, "statement.html", user, body=body, asked=asked, offset=offset, limit=PAGE,
        link=linker("/receivables/statement", asked),
    )  # fmt: skip


@router.get("/receivables/aging")
def aging(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    asked = asked_of(request)
    as_of = _day(asked.get("as_of"), app.today())
    shown, offset = _shown(asked)
    body = report_bodies.aging(
        views, _books(user, asked, app.timezone), as_of, asked.get("customer_id"), shown
    )
    if asked.get("format") in FILES:
        return report_bodies.as_file(body, "aging", asked["format"])
    t = catalogue(language(request))
    chart = bars(
        t("page.chart_buckets"), [t("money.total")],
        [(t(f"money.{bucket}"), [Decimal(body["totals"][bucket])],
          [formats.money(body["totals"][bucket], body["currency"])]) for bucket in BUCKETS],
        RISING,
    )  # fmt: skip
    asked = asked | {"as_of": as_of.isoformat()}
    return page(
        request, "aging.html", user, body=body, asked=asked, chart=chart, buckets=BUCKETS,
        offset=offset, limit=PAGE, link=linker("/receivables/aging", asked),
    )  # fmt: skip


@router.get("/receivables/aging/{customer_id}")
def customer_items(
    request: Request, customer_id: str, user: Visitor, app: Application, views: Views
) -> Response:
    """One customer's aging row, shipment by shipment, per contract."""
    asked = asked_of(request)
    as_of = _day(asked.get("as_of"), app.today())
    body = report_bodies.open_items(views, _books(user, asked, app.timezone), as_of, customer_id)
    return page(request, "aging_customer.html", user, body=body, asked=asked)


@router.get("/receivables/collection-rate")
def collection_rate(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    asked = asked_of(request)
    month = asked.get("month") or app.today().strftime("%Y-%m")
    body = report_bodies.collection_rate(views, _books(user, asked, app.timezone), month)
    if asked.get("format") in FILES:
        return report_bodies.as_file(body, "collection-rate", asked["format"])
    t = catalogue(language(request))
    money = lambda value: formats.money(value, body["currency"])  # noqa: E731
    chart = bars(
        t("page.chart_plan_actual"), [t("money.planned"), t("money.actual")],
        [(row["owner"], [Decimal(row["planned"]), Decimal(row["actual"])],
          [money(row["planned"]), money(row["actual"])]) for row in body["owners"]],
    )  # fmt: skip
    return page(
        request, "collection_rate.html", user, body=body, asked=asked | {"month": month},
        chart=chart,
    )  # fmt: skip
