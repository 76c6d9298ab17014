"""The negotiable content of a contract as small frozen values, with their ranges and
defaults in this one place (SPEC §2 contract fields).

Events keep terms as plain JSON-ready dicts, in the shape they have always had; the
aggregate holds them as these values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.errors import InvalidInputError
from domain.money import CENT

DEFAULT_DUE_DAYS = 30  # seed 001: 货物装船后30日内须回笼货款
DEFAULT_CURRENCY = "CNY"
ADVANCE_PERCENT = (0, 100)  # inclusive bounds
DUE_DAYS = (0, 365)
CREDIT_CLASSES = ("A", "B", "C")


def _within(value: int, bounds: tuple[int, int], name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{name} must be a whole number")
    if not bounds[0] <= value <= bounds[1]:
        raise InvalidInputError(f"{name} must be within {bounds[0]}–{bounds[1]}")


@dataclass(frozen=True)
class CustomerRef:
    """The customer a contract names: its register id, its name as typed, its credit class."""

    id: str
    name: str
    credit_class: str | None = None

    def validate(self) -> None:
        if self.credit_class not in (None, *CREDIT_CLASSES):
            raise InvalidInputError(f"credit_class is one of {CREDIT_CLASSES}")

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> CustomerRef:
        return cls(data["id"], data["name"], data.get("credit_class"))

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "credit_class": self.credit_class}


@dataclass(frozen=True)
class PaymentTerms:
    """The advance due before execution and the days a shipment may stay unpaid."""

    advance_percent: int
    due_days: int = DEFAULT_DUE_DAYS

    def validate(self) -> None:
        _within(self.advance_percent, ADVANCE_PERCENT, "payment_terms.advance_percent")
        _within(self.due_days, DUE_DAYS, "payment_terms.due_days")

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> PaymentTerms:
        return cls(data["advance_percent"], data.get("due_days", DEFAULT_DUE_DAYS))

    def as_dict(self) -> dict[str, int]:
        return {"advance_percent": self.advance_percent, "due_days": self.due_days}

    def advance_due(self, amount: Decimal) -> Decimal:
        """seed 000: 项目执行前收取预付款 — the advance, rounded half-up to the cent."""
        return (amount * self.advance_percent / 100).quantize(CENT, ROUND_HALF_UP)

    def due_on(self, shipped_on: date) -> date:
        return shipped_on + timedelta(days=self.due_days)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Line:
        return cls(data["description"], data["quantity"], data["unit_price"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
        }

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Movement:
    """Money in (a payment) or out (a refund, negative) on its effective date."""

    on: date
    amount: Decimal


EDITABLE_FIELDS = (
    "title",
    "customer",
    "amount",
    "currency",
    "payment_terms",
    "delivery_due",
    "lines",
)


@dataclass(frozen=True)
class Terms:
    """Everything a contract's parties agree on."""

    title: str
    customer: CustomerRef
    amount: Decimal
    payment_terms: PaymentTerms
    currency: str = DEFAULT_CURRENCY
    delivery_due: date | None = None
    lines: tuple[Line, ...] = field(default_factory=tuple)

    def validated(self) -> Terms:
        """These terms, once every rule on their values holds (commands check; replaying
        recorded events does not, so that a rule made stricter later never breaks a load)."""
        self.customer.validate()
        self.payment_terms.validate()
        if not self.title.strip():
            raise InvalidInputError("title must not be blank")
        total = sum((line.total for line in self.lines), Decimal(0))
        if self.lines and total != self.amount:  # exact: a total that only rounds to it fails
            raise InvalidInputError(f"lines sum to {total}, not the amount {self.amount}")
        return self

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Terms:
        """From the dict an event (or a request) carries; absent fields take their defaults."""
        return cls(
            title=data["title"],
            customer=CustomerRef.of(data["customer"]),
            amount=data["amount"],
            payment_terms=PaymentTerms.of(data["payment_terms"]),
            currency=data.get("currency") or DEFAULT_CURRENCY,
            delivery_due=data.get("delivery_due"),
            lines=tuple(Line.of(line) for line in data.get("lines") or ()),
        )

    def revised(self, changes: Mapping[str, Any]) -> Terms:
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise InvalidInputError(f"cannot revise {sorted(unknown)}")
        return Terms.of({**self.as_dict(), **changes}).validated()

    def as_dict(self, names: tuple[str, ...] = EDITABLE_FIELDS) -> dict[str, Any]:
        """The JSON-ready shape events keep (all fields, or the `names` given)."""
        shapes = {
            "customer": self.customer.as_dict(),
            "payment_terms": self.payment_terms.as_dict(),
            "lines": [line.as_dict() for line in self.lines],
        }
        return {name: shapes.get(name, getattr(self, name)) for name in names}
