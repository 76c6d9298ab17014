"""The customer register as pages (SPEC §2.3, §10): the list with its filters, one customer
with its figures, registering and changing a customer."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api import report_bodies, schemas
from api.books import books_for
from api.dependencies import Application, Views
from api.presenters import customer_body
from domain.customers.service import REGISTRARS
from web.forms import fields_of
from web.posting import Failed, posted
from web.render import page
from web.session import Posted, Visitor

router = APIRouter(include_in_schema=False)


@router.get("/customers")
def customers(
    request: Request, user: Visitor, app: Application, views: Views,
    q: Annotated[str | None, Query(max_length=200)] = None,
    credit_class: Annotated[str | None, Query(pattern="^[ABC]?$")] = None,
) -> Response:  # fmt: skip
    return _list(request, user, app, views, q, credit_class or None)


def _list(
    request: Request, user: Any, app: Any, views: Any, q: str | None, credit_class: str | None,
    *, failed: Failed | None = None, status: int = 200,
) -> Response:  # fmt: skip
    ids = report_bodies.customer_ids(views, user.actor, q, credit_class, "id")
    return page(
        request, "customers.html", user, status=status,
        items=[customer_body(app.customers.get(i)) for i in ids[:200]], total=len(ids),
        asked={"q": q or "", "credit_class": credit_class or ""},
        registering=user.actor.has(*REGISTRARS), fields=fields_of(schemas.CustomerCreate),
        once=secrets.token_urlsafe(16), failed=failed or Failed("register", {}),
    )  # fmt: skip


@router.post("/customers")
def register(
    request: Request, user: Visitor, app: Application, views: Views, form: Posted
) -> Response:
    def run(body: Any, once: Any) -> str:
        app.customers.register(user.actor, body.id, body.details(), once=once)
        views.settle("customers")
        return f"/customers/{body.id}"

    def again(failed: Failed, status: int) -> Response:
        return _list(request, user, app, views, None, None, failed=failed, status=status)

    return posted(request, user, form, "register", schemas.CustomerCreate, run, again, "/customers")


@router.get("/customers/{customer_id}")
def customer(
    request: Request, customer_id: str, user: Visitor, app: Application, views: Views
) -> Response:
    return _one(request, user, app, views, customer_id)


def _one(
    request: Request, user: Any, app: Any, views: Any, customer_id: str, *,
    failed: Failed | None = None, status: int = 200,
) -> Response:  # fmt: skip
    books = books_for(user.actor, None)
    found = report_bodies.customer(app, views, user.actor, books, customer_id, app.today())
    return page(
        request, "customer.html", user, status=status, c=found,
        editing=user.actor.has(*REGISTRARS), fields=fields_of(schemas.CustomerUpdate),
        once=secrets.token_urlsafe(16), failed=failed or Failed("update", {}),
    )  # fmt: skip


@router.post("/customers/{customer_id}")
def update(
    request: Request, customer_id: str, user: Visitor, app: Application, views: Views,
    form: Posted,
) -> Response:  # fmt: skip
    def run(body: Any, once: Any) -> str:
        app.customers.update(user.actor, customer_id, body.changes(), once=once)
        views.settle("customers", "ledger", "receivables")
        return f"/customers/{customer_id}"

    def again(failed: Failed, status: int) -> Response:
        return _one(request, user, app, views, customer_id, failed=failed, status=status)

    back = f"/customers/{customer_id}"
    return posted(request, user, form, "update", schemas.CustomerUpdate, run, again, back)
