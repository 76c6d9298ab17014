"""Request and response bodies of SPEC §8. Unknown fields are refused; money is Decimal."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from domain.contracts.routing import STEP_ROLES
from domain.contracts.states import ALL as CONTRACT_STATES
from domain.errors import InvalidInputError
from domain.money import parse_money


def _money(value: object) -> Decimal:
    try:
        return parse_money(value)
    except InvalidInputError as error:
        raise ValueError(error.detail) from None


def _quantity(value: object) -> Decimal:
    """Quantities are positive decimals with up to six places, sent like money."""
    try:
        quantity = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except ArithmeticError:
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity <= 0 or quantity >= 10**9:
        raise ValueError(f"quantity must be a positive decimal below 10^9: {value!r}")
    if quantity.as_tuple().exponent < -6:  # type: ignore[operator]
        raise ValueError("quantity has at most six decimals")
    return quantity


def _whole(value: object) -> object:
    """A JSON integer, also when written 76.0; never a string or a boolean."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a whole number is expected")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _iso_date(value: object) -> date:
    """Business dates are exactly `YYYY-MM-DD`; numbers and timestamps are refused."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"a date is written YYYY-MM-DD: {value!r}")
    return date.fromisoformat(value)


MAX_OFFSET = 10**9  # paging further than this is a mistake, not a request
MAX_POSITION = 2**62  # log positions and versions fit a signed 64-bit integer

# Positive, at most two decimals, below 10^12: "0.01" … "999999999999.99".
MONEY_PATTERN = r"^([1-9]\d{0,11}(\.\d{1,2})?|0\.(0[1-9]|[1-9]\d?))$"
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN},
                {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "exclusiveMaximum": 1e12,
                    "multipleOf": 0.01,
                },
            ],
            "description": "positive, at most two decimals, below 10^12",
        }
    ),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(_quantity),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number", "exclusiveMinimum": 0}]}),
]
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["1200000.00"])]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@/-]{0,63}$")]
BusinessDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Step = Literal["contract_review", "manager_approval", "finance_review", "director_approval"]
State = Literal["draft", "review", "signed", "executing", "accepted", "paid", "terminated"]
assert set(Step.__args__) == set(STEP_ROLES)  # type: ignore[attr-defined]
assert set(State.__args__) == set(CONTRACT_STATES)  # type: ignore[attr-defined]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Customer(Body):
    id: Identifier
    name: Name
    credit_class: Literal["A", "B", "C"] | None = None


class PaymentTerms(Body):
    advance_percent: Annotated[int, Field(ge=0, le=100), BeforeValidator(_whole)]
    due_days: Annotated[int, Field(ge=0, le=365), BeforeValidator(_whole)] = 30


class Line(Body):
    description: Text
    quantity: Quantity
    unit_price: MoneyIn


class ContractCreate(Body):
    title: Name
    customer: Customer
    owner: Identifier | None = None
    amount: MoneyIn
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    payment_terms: PaymentTerms
    delivery_due: BusinessDate | None = None
    number: Identifier | None = None
    lines: list[Line] | None = Field(default=None, max_length=1000)

    def terms(self) -> dict[str, Any]:
        terms = self.model_dump(exclude={"owner", "number"})
        terms["lines"] = terms["lines"] or []
        return terms


class ContractRevise(Body):
    """Only the fields sent change; `owner` and `number` are fixed at creation."""

    title: Name = None  # type: ignore[assignment] - omitted means unchanged; null is refused
    customer: Customer = None  # type: ignore[assignment]
    amount: MoneyIn = None  # type: ignore[assignment]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = None  # type: ignore[assignment]
    payment_terms: PaymentTerms = None  # type: ignore[assignment]
    delivery_due: BusinessDate | None = None
    lines: list[Line] | None = Field(default=None, max_length=1000)

    def changes(self) -> dict[str, Any]:
        changes = self.model_dump(exclude_unset=True)
        if "lines" in changes and changes["lines"] is None:
            changes["lines"] = []
        return changes


class Submit(Body):
    pass


class Approve(Body):
    step: Step
    comment: Text | None = None


class Reject(Body):
    step: Step
    reason: Text


class Sign(Body):
    signed_on: BusinessDate | None = None


class Start(Body):
    started_on: BusinessDate | None = None


class Ship(Body):
    amount: MoneyIn
    shipped_on: BusinessDate | None = None
    note: Text | None = None


class Invoice(Body):
    amount: MoneyIn
    invoice_no: Identifier
    issued_on: BusinessDate | None = None


class Pay(Body):
    amount: MoneyIn
    received_on: BusinessDate | None = None
    reference: Identifier


class Refund(Body):
    amount: MoneyIn
    refunded_on: BusinessDate | None = None
    reason: Text


class Accept(Body):
    accepted_on: BusinessDate | None = None
    note: Text | None = None


class Terminate(Body):
    reason: Text


# Responses.


class Approval(BaseModel):
    step: Step
    by: str
    at: datetime


class Totals(BaseModel):
    shipped: Money
    invoiced: Money
    collected: Money
    receivable: Money
    remaining: Money


class LineOut(BaseModel):
    description: str
    quantity: str
    unit_price: Money


class CustomerOut(BaseModel):
    id: str
    name: str
    credit_class: Literal["A", "B", "C"] | None = None


class PaymentTermsOut(BaseModel):
    advance_percent: int
    due_days: int


class ContractOut(BaseModel):
    id: str
    number: str
    title: str
    customer: CustomerOut
    owner: str
    amount: Money
    currency: str
    payment_terms: PaymentTermsOut
    delivery_due: date | None
    lines: list[LineOut]
    state: State
    version: int
    required_approvals: list[Step]
    approvals: list[Approval]
    allowed_actions: list[str]
    totals: Totals
    signed_on: date | None
    accepted_on: date | None
    open_complaints: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class ContractList(BaseModel):
    items: list[ContractOut]
    total: int
    limit: int
    offset: int


class HistoryEvent(BaseModel):
    version: int
    type: str
    recorded_at: datetime
    actor: str | None
    data: dict[str, Any]


class History(BaseModel):
    id: str
    events: list[HistoryEvent]


# Complaints (SPEC §3).


def _aware(value: object) -> object:
    """Timestamps carry their UTC offset: a bare local time would be ambiguous."""
    if isinstance(value, str) and not re.search(r"(Z|[+-]\d{2}:?\d{2})$", value):
        raise ValueError("a timestamp needs a UTC offset, e.g. 2026-03-01T09:30:00+08:00")
    return value


def _utc(value: datetime) -> datetime:
    """Kept in UTC; a time that falls outside the calendar there is refused, not a 500."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the timestamp is out of range") from None


Timestamp = Annotated[datetime, BeforeValidator(_aware), AfterValidator(_utc)]
Channel = Literal["phone", "email", "visit", "other"]
Category = Literal["quality", "delivery", "billing", "service", "other"]
Severity = Literal["low", "normal", "high"]
ComplaintState = Literal["received", "handled", "revisited"]


class ComplaintCustomer(Body):
    id: Identifier
    name: Name


class ComplaintReceive(Body):
    customer: ComplaintCustomer
    contract_id: UUID | None = None
    channel: Channel
    category: Category
    severity: Severity = "normal"
    description: Text
    received_at: Timestamp | None = None

    def details(self) -> dict[str, Any]:
        return self.model_dump(exclude={"received_at"})


class Assign(Body):
    handler: Identifier


class Handle(Body):
    resolution: Text
    handled_at: Timestamp | None = None


class Revisit(Body):
    satisfied: Annotated[bool, Field(strict=True)]
    score: Annotated[int, Field(ge=1, le=5), BeforeValidator(_whole)]
    note: Text | None = None
    revisited_at: Timestamp | None = None

    def outcome(self) -> dict[str, Any]:
        return {"satisfied": self.satisfied, "score": self.score, "note": self.note}


class RevisitOut(BaseModel):
    satisfied: bool
    score: int
    note: str | None


class ComplaintOut(BaseModel):
    id: str
    number: str
    customer: CustomerOut
    contract_id: str | None
    channel: Channel
    category: Category
    severity: Severity
    description: str
    state: ComplaintState
    version: int
    handler: str | None
    received_at: datetime
    handled_at: datetime | None
    revisited_at: datetime | None
    resolution: str | None
    revisit: RevisitOut | None
    reopen_count: int
    handle_due: datetime | None
    revisit_due: datetime | None
    allowed_actions: list[str]


class ComplaintList(BaseModel):
    items: list[ComplaintOut]
    total: int
    limit: int
    offset: int


class StateCounts(BaseModel):
    received: int
    handled: int
    revisited: int


class ComplaintLoop(BaseModel):
    as_of: datetime
    by_state: StateCounts
    overdue_handling: int
    overdue_revisit: int
    reopened: int
    mean_hours_to_handle: str | None
    satisfaction_rate: str | None
    by_category: dict[Category, int]
