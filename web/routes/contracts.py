"""The contract ledger (合同台账) with its filters, order, paging and exports; drafting a
new contract, with lines; and revising a draft."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.dependencies import Application, Views, parse_id
from api.exports import export
from api.presenters import money_from_cents
from api.schemas import ContractCreate, ContractRevise
from domain.actors import SALES
from domain.contracts.policy import authorize, authorize_ledger
from domain.contracts.states import ALL as STATES
from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.idempotency import Replayed
from projections.contract_reports import ORDERS
from web.forms import FORM, read, refusal_field
from web.i18n import catalogue
from web.render import asked_of, done, language, linker, page, place_asked
from web.session import Posted, Visitor, form_once

router = APIRouter(include_in_schema=False)
PAGE = 25
COLUMNS = ("number", "title", "customer_id", "customer_name", "owner", "state", "currency")
FIGURES = ("amount", "shipped", "invoiced", "collected", "receivable")
LINES = 5  # empty line rows a new contract's form offers (more with its script)


@router.get("/contracts")
def ledger(request: Request, user: Visitor, views: Views) -> Response:
    """Filters of the API (`state`, `customer_id`, `owner`, `q`), an order, pages, exports."""
    authorize_ledger(user.actor)
    asked = asked_of(request)
    filters = {key: asked.get(key) for key in ("state", "customer_id", "owner")}
    if user.actor.sees_own_contracts_only:
        filters["owner"] = user.id
    order = asked.get("sort", "position")
    offset = place_asked(asked)
    if filters["state"] not in (None, *STATES) or order not in ORDERS:
        raise InvalidInputError("unknown state or order")
    views.refresh("ledger")
    exporting = asked.get("format") in ("csv", "xlsx")
    limit = 10**6 if exporting else PAGE
    rows, total = views.contracts.search(
        filters, asked.get("q"), limit, 0 if exporting else offset, order, asked.get("desc") == "1"
    )
    shown = [_row(row) for row in rows]
    if exporting:
        return export(shown, (*COLUMNS, *FIGURES), set(FIGURES), asked["format"], "ledger")
    return page(
        request, "contracts.html", user, rows=shown, total=total, offset=offset, limit=PAGE,
        asked=asked, states=STATES, order=order, link=linker("/contracts", asked),
    )  # fmt: skip


def _row(row: dict[str, Any]) -> dict[str, Any]:
    figures = {name: money_from_cents(row[name]) for name in ("amount", "shipped", "invoiced")}
    return {
        **{column: row[column] for column in ("contract_id", *COLUMNS)},
        **figures,
        "collected": money_from_cents(row["collected"]),
        "receivable": money_from_cents(row["shipped"] - row["collected"]),
    }


@router.get("/contracts/new")
def new_contract(request: Request, user: Visitor, app: Application) -> Response:
    authorize(user.actor, "create")
    return _contract_form(request, user, app, {})


@router.post("/contracts/new")
def create(request: Request, user: Visitor, app: Application, form: Posted) -> Response:
    body, errors = read(ContractCreate, form, app.timezone)
    if body is None:
        return _contract_form(request, user, app, form, errors, status=422)
    try:
        contract = app.contracts.create(
            user.actor,
            body.terms(),
            owner=body.owner,
            number=body.number,
            once=form_once(user, form),
        )
    except Replayed:
        return done(request, "/contracts", "")
    except DomainError as error:
        field = refusal_field(error.code, ContractCreate)
        return _contract_form(request, user, app, form, {field: error.code}, status=409)
    t = catalogue(language(request))
    return done(request, f"/contracts/{contract.id}", t("page.done", action=t("page.create")))


@router.get("/contracts/{contract_id}/edit")
def edit(request: Request, contract_id: str, user: Visitor, app: Application) -> Response:
    contract = app.contracts.get(user.actor, parse_id(contract_id))
    if "revise" not in contract.allowed_actions:
        raise NotFoundError("only a draft is revised")
    return _contract_form(request, user, app, _values(contract), editing=contract)


@router.post("/contracts/{contract_id}/edit")
def revise(
    request: Request, contract_id: str, user: Visitor, app: Application, form: Posted
) -> Response:
    contract = app.contracts.get(user.actor, parse_id(contract_id))
    body, errors = read(ContractRevise, form, app.timezone)
    if body is None:
        return _contract_form(request, user, app, form, errors, editing=contract, status=422)
    version = form.get("version", "")
    try:
        app.contracts.revise(
            user.actor, contract.id, body.changes(),
            expected=int(version) if version.isdigit() else None, once=form_once(user, form),
        )  # fmt: skip
    except Replayed:
        pass
    except DomainError as error:
        errors = {FORM: error.code}
        return _contract_form(request, user, app, form, errors, editing=contract, status=409)
    t = catalogue(language(request))
    return done(request, f"/contracts/{contract.id}", t("page.done", action=t("action.revise")))


def _contract_form(
    request: Request, user: Any, app: Any, values: dict[str, Any],
    errors: dict[str, str] | None = None, *, editing: Any = None, status: int = 200,
) -> Response:  # fmt: skip
    directory = request.app.state.directory
    owners = sorted(uid for uid, known in directory.users.items() if SALES in known.roles)
    rows = max(LINES, 1 + max((int(k.split(".")[1]) for k in values if k.startswith("lines.")),
                              default=-1))  # fmt: skip
    return page(
        request, "contract_form.html", user, status=status, values=values, errors=errors or {},
        editing=editing, owners=owners, rows=rows, once=secrets.token_urlsafe(16),
    )  # fmt: skip


def _values(contract: Any) -> dict[str, str]:
    """A draft's terms as the form's fields."""
    values = {
        "title": contract.title, "customer.id": contract.customer.id,
        "customer.name": contract.customer.name,
        "customer.credit_class": contract.customer.credit_class or "",
        "amount": str(contract.amount), "currency": contract.currency,
        "payment_terms.advance_percent": str(contract.payment_terms.advance_percent),
        "payment_terms.due_days": str(contract.payment_terms.due_days),
        "delivery_due": contract.delivery_due.isoformat() if contract.delivery_due else "",
    }  # fmt: skip
    for n, line in enumerate(contract.lines):
        values |= {
            f"lines.{n}.description": line.description, f"lines.{n}.quantity": str(line.quantity),
            f"lines.{n}.unit_price": str(line.unit_price),
        }  # fmt: skip
    return values
