"""The customer register (客户档案, SPEC §2.3): register, change, search, and one customer
with its figures."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import fields, report_bodies, schemas
from api.books import BooksAsked
from api.dependencies import Application, CurrentActor, Views
from api.presenters import customer_body
from api.problems import problem_responses
from api.replies import CustomerReplies

router = APIRouter(
    prefix="/customers",
    tags=["customers"],
    responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
)
CustomerId = Annotated[str, "the customer's register id"]
Sort = Literal["id", "-id", "name", "-name", "credit_class", "-credit_class"]


@router.post("", status_code=201, response_model=schemas.RegisteredCustomer)
def register_customer(
    body: schemas.CustomerCreate, app: Application, actor: CurrentActor, reply: CustomerReplies
) -> Response:
    """Register a customer: contract specialists, finance, managers and directors."""
    return reply(app.customers.register(actor, body.id, body.details(), once=reply.once))


@router.patch("/{customer_id}", response_model=schemas.RegisteredCustomer)
def update_customer(
    customer_id: CustomerId,
    body: schemas.CustomerUpdate,
    app: Application,
    views: Views,
    actor: CurrentActor,
    reply: CustomerReplies,
) -> Response:
    """Change a customer: only the fields sent. A new name shows in every report."""
    customer = app.customers.update(actor, customer_id, body.changes(), once=reply.once)
    views.settle("customers", "ledger", "receivables")
    return reply(customer)


@router.get("", response_model=schemas.CustomerList)
def list_customers(
    app: Application,
    views: Views,
    actor: CurrentActor,
    q: Annotated[fields.Text | None, Query(max_length=200)] = None,
    credit_class: schemas.CreditClass | None = None,
    sort: Sort = "id",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=fields.MAX_POSITION)] = 0,
) -> dict[str, Any]:
    """Customers by id or name (`q`) and credit class, sorted; a sales user sees the
    customers of own contracts only."""
    found = report_bodies.customer_ids(views, actor, q, credit_class, sort)
    page = [customer_body(app.customers.get(i)) for i in found[offset : offset + limit]]
    return {"items": page, "total": len(found), "limit": limit, "offset": offset}


@router.get("/{customer_id}", response_model=schemas.CustomerWithFigures)
def get_customer(
    customer_id: CustomerId, app: Application, views: Views, actor: CurrentActor, books: BooksAsked
) -> dict[str, Any]:
    """One customer with its figures in `currency` (default CNY): contracts by state,
    receivable, overdue, open complaints, credit used."""
    return report_bodies.customer(app, views, actor, books, customer_id, app.today())
