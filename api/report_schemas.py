"""Response shapes of the reports (SPEC §8); money as two-decimal strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from api.fields import Money
from api.schemas import CustomerOut, State, Step


class StatementFigures(BaseModel):
    opening_balance: Money
    sales: Money
    collections: Money
    closing_balance: Money


class StatementRow(StatementFigures):
    customer_id: str
    customer_name: str
    open_complaints: int


class Statement(BaseModel):
    month: str
    known_at: datetime | None
    currency: str
    customers: list[StatementRow]
    totals: StatementFigures


class AgingFigures(BaseModel):
    current: Money
    d1_30: Money
    d31_60: Money
    d61_90: Money
    over_90: Money
    total: Money
    credit: Money
    net: Money


class AgingRow(AgingFigures):
    customer_id: str
    customer_name: str
    open_complaints: int


class Aging(BaseModel):
    as_of: date
    known_at: datetime | None
    currency: str
    customers: list[AgingRow]
    totals: AgingFigures


class OwnerRate(BaseModel):
    owner: str
    planned: Money
    actual: Money
    rate: str | None
    shortfall: Money


class CollectionRate(BaseModel):
    month: str
    known_at: datetime | None
    currency: str
    owners: list[OwnerRate]


class InboxItem(BaseModel):
    contract_id: str
    number: str
    title: str
    customer: CustomerOut
    amount: Money
    currency: str
    step: Step
    kind: Literal["approval", "amendment"]
    amendment: str | None  # its number, for an amendment step
    new_amount: Money | None  # the amount the amendment asks for, when it changes it
    on_behalf_of: str | None  # the delegator, when a lent role brings the step here
    submitted_at: datetime  # when the round or the amendment was asked for
    hours_waiting: float


class Inbox(BaseModel):
    items: list[InboxItem]
    total: int  # steps waiting for the caller, on every page
    limit: int | None  # none: every step at once
    offset: int


class CountAndAmount(BaseModel):
    count: int
    amount: Money


class PeriodFigures(BaseModel):
    signed: CountAndAmount
    shipped: CountAndAmount
    collected: CountAndAmount


class MonthFigures(PeriodFigures):
    month: str


class ContractPerformance(BaseModel):
    id: str
    number: str
    title: str
    customer_id: str
    owner: str
    state: State
    amount: Money
    shipped: Money
    invoiced: Money
    collected: Money
    receivable: Money
    remaining: Money
    next_due: date | None
    days_overdue: int


class Performance(BaseModel):
    period: str
    known_at: datetime | None
    currency: str
    first_day: date
    last_day: date
    totals: PeriodFigures
    months: list[MonthFigures]
    contracts: list[ContractPerformance]
