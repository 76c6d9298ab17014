"""Request and response bodies of SPEC §8. Unknown fields are refused; money is Decimal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.fields import (
    BusinessDate,
    Identifier,
    Money,
    MoneyIn,
    Name,
    Quantity,
    Text,
    Timestamp,
    Whole,
)
from domain.contracts.routing import STEP_ROLES
from domain.contracts.states import ALL as CONTRACT_STATES
from domain.contracts.terms import (
    ADVANCE_PERCENT,
    CREDIT_CLASSES,
    DEFAULT_CURRENCY,
    DEFAULT_DUE_DAYS,
    DUE_DAYS,
)
from domain.delegations.service import DELEGABLE_ROLES

Step = Literal["contract_review", "manager_approval", "finance_review", "director_approval"]
State = Literal["draft", "review", "signed", "executing", "accepted", "paid", "terminated"]
assert set(Step.__args__) == set(STEP_ROLES)  # type: ignore[attr-defined]
assert set(State.__args__) == set(CONTRACT_STATES)  # type: ignore[attr-defined]


Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


CreditClass = Literal["A", "B", "C"]
assert set(CreditClass.__args__) == set(CREDIT_CLASSES)  # type: ignore[attr-defined]


class Customer(Body):
    id: Identifier
    name: Name
    credit_class: CreditClass | None = None


class PaymentTerms(Body):
    advance_percent: Annotated[int, Field(ge=ADVANCE_PERCENT[0], le=ADVANCE_PERCENT[1]), Whole]
    due_days: Annotated[int, Field(ge=DUE_DAYS[0], le=DUE_DAYS[1]), Whole] = DEFAULT_DUE_DAYS


class Line(Body):
    description: Text
    quantity: Quantity
    unit_price: MoneyIn


class ContractCreate(Body):
    title: Name
    customer: Customer
    owner: Identifier | None = None
    amount: MoneyIn
    currency: Currency = DEFAULT_CURRENCY
    payment_terms: PaymentTerms
    delivery_due: BusinessDate | None = None
    number: Identifier | None = None
    lines: list[Line] | None = Field(default=None, max_length=1000)

    def terms(self) -> dict[str, Any]:
        terms = self.model_dump(exclude={"owner", "number"})
        terms["lines"] = terms["lines"] or []
        return terms


class AmendmentChanges(Body):
    """What an amendment changes (SPEC §2.1): only the fields sent."""

    title: Name = None  # type: ignore[assignment] - omitted means unchanged; null is refused
    amount: MoneyIn = None  # type: ignore[assignment]
    payment_terms: PaymentTerms = None  # type: ignore[assignment]
    delivery_due: BusinessDate | None = None
    lines: list[Line] | None = Field(default=None, max_length=1000)

    def changes(self) -> dict[str, Any]:
        changes = self.model_dump(exclude_unset=True)
        if "lines" in changes and changes["lines"] is None:
            changes["lines"] = []
        return changes


class ContractRevise(AmendmentChanges):
    """A draft's revision: the same, and its customer and currency too; `owner` and
    `number` are fixed at creation."""

    customer: Customer = None  # type: ignore[assignment]
    currency: Currency = None  # type: ignore[assignment]


# Responses.


class Approval(BaseModel):
    step: Step
    by: str
    on_behalf_of: str | None = None  # the delegator, when a deputy decided (SPEC §2.2)
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
    credit_class: CreditClass | None = None


class PaymentTermsOut(BaseModel):
    advance_percent: int
    due_days: int


class AmendmentApproval(Approval):
    comment: str | None = None


class AmendmentOut(BaseModel):
    number: str
    changes: dict[str, Any]
    reason: str
    requested_by: str
    requested_at: datetime
    required_approvals: list[Step]
    approvals: list[AmendmentApproval]
    state: Literal["pending", "applied"]
    applied_at: datetime | None


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
    amendment: AmendmentOut | None  # the pending one
    amendments: list[AmendmentOut]  # the applied ones, in order
    allowed_actions: list[str]
    my_actions: list[str]
    totals: Totals
    signed_on: date | None
    accepted_on: date | None
    open_complaints: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class Contact(Body):
    name: Name
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+() -]{3,32}$")] | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}$")] | None = None


class CustomerUpdate(Body):
    """Only the fields sent change (SPEC §2.3)."""

    name: Name = None  # type: ignore[assignment] - omitted means unchanged; null is refused
    credit_class: CreditClass | None = None
    credit_limit: MoneyIn | None = None
    contacts: list[Contact] | None = Field(default=None, max_length=50)
    notes: Text | None = None

    def changes(self) -> dict[str, Any]:
        changes = self.model_dump(exclude_unset=True)
        if "contacts" in changes and changes["contacts"] is None:
            changes["contacts"] = []  # null clears the list
        return changes


class CustomerCreate(CustomerUpdate):
    id: Identifier
    name: Name

    def details(self) -> dict[str, Any]:
        return self.model_dump(exclude={"id"})


class RegisteredCustomer(BaseModel):
    id: str
    name: str
    credit_class: CreditClass | None
    credit_limit: Money | None
    contacts: list[dict[str, Any]]
    notes: str | None
    version: int


class CustomerFigures(BaseModel):
    currency: str
    contracts_by_state: dict[str, int]
    receivable: Money
    overdue: Money
    open_complaints: int
    credit_used: Money  # receivable, plus the remaining of signed and executing contracts


class CustomerWithFigures(RegisteredCustomer):
    figures: CustomerFigures


class CustomerList(BaseModel):
    items: list[RegisteredCustomer]
    total: int
    limit: int
    offset: int


DelegableRole = Literal["contract_specialist", "manager", "finance", "director"]
assert set(DelegableRole.__args__) == DELEGABLE_ROLES  # type: ignore[attr-defined]


class DelegationCreate(Body):
    to: Identifier
    role: DelegableRole
    starts_on: BusinessDate
    ends_on: BusinessDate
    reason: Text


class DelegationOut(BaseModel):
    id: str
    delegator: str
    to: str
    role: DelegableRole
    starts_on: date
    ends_on: date
    reason: str
    state: Literal["active", "revoked", "expired"]
    version: int


class DelegationList(BaseModel):
    items: list[DelegationOut]


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
    score: Annotated[int, Field(ge=1, le=5), Whole]
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
    my_actions: list[str]


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
