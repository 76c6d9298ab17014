"""The negotiable content of a contract and its cross-field rules (SPEC §2 contract fields)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.errors import InvalidInputError
from domain.money import CENT

EDITABLE_FIELDS = (
    "title",
    "customer",
    "amount",
    "currency",
    "payment_terms",
    "delivery_due",
    "lines",
)
DEFAULT_DUE_DAYS = 30  # seed 001: 货物装船后30日内须回笼货款


def validated_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """Check the rules that span fields; returns the terms with defaults filled in."""
    terms = dict(terms)
    terms.setdefault("currency", "CNY")
    terms.setdefault("delivery_due", None)
    terms.setdefault("lines", [])
    payment_terms = dict(terms["payment_terms"])
    payment_terms.setdefault("due_days", DEFAULT_DUE_DAYS)
    if not 0 <= payment_terms["advance_percent"] <= 100:
        raise InvalidInputError("payment_terms.advance_percent must be within 0–100")
    if not 0 <= payment_terms["due_days"] <= 365:
        raise InvalidInputError("payment_terms.due_days must be within 0–365")
    terms["payment_terms"] = payment_terms
    if terms["lines"] and lines_total(terms["lines"]) != terms["amount"]:
        raise InvalidInputError(
            f"lines sum to {lines_total(terms['lines'])}, not the amount {terms['amount']}"
        )
    if not str(terms["title"]).strip():
        raise InvalidInputError("title must not be blank")
    return terms


def lines_total(lines: list[dict[str, Any]]) -> Decimal:
    """Exact: a line total that only rounds to the amount does not match it."""
    return sum((line["quantity"] * line["unit_price"] for line in lines), Decimal(0))


def advance_due(amount: Decimal, advance_percent: int) -> Decimal:
    """seed 000: 项目执行前收取预付款 — the advance, rounded half-up to the cent."""
    return (amount * advance_percent / 100).quantize(CENT, ROUND_HALF_UP)


def ensure_not_future(effective: date, today: date, field: str) -> date:
    """Business dates may be back-dated, never in the future (SPEC §4)."""
    if effective > today:
        raise InvalidInputError(f"{field} {effective} is in the future (today is {today})")
    return effective
