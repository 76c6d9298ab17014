"""What every receivables report (SPEC §5) is made of, whichever rows it reads: the scope
of a question, the aging buckets, and how statement, aging and collection rate are put
together from sums. Figures are integer cents.

Effective dates decide periods; `known_at` (a recording time) hides events recorded later;
`owner` narrows a sales rep's reports to their contracts; `currency` keeps to the contracts
in that currency: two are never added together.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from projections.fifo import Sql
from projections.receivables import ReceivablesView

# Days past due each aging bucket reaches up to (the last has no end).
BUCKET_LIMITS = (("current", 0), ("d1_30", 30), ("d31_60", 60), ("d61_90", 90), ("over_90", None))
BUCKETS = tuple(name for name, _ in BUCKET_LIMITS)


def bucket_of(days_past_due: int) -> str:
    """The aging bucket of an unpaid part so many days past its due date."""
    return next(name for name, limit in BUCKET_LIMITS if limit is None or days_past_due <= limit)


@dataclass(frozen=True)
class Scope:
    owner: str | None = None
    customer_id: str | None = None
    known_at: str | None = None  # fixed-width UTC text, as the views record it
    currency: str | None = None

    def where(self, condition: str, *params: Any, of: str = "") -> Sql:
        """`condition` and the scope's own conditions; `of` qualifies the scope's columns
        (a table alias and a dot) where a query joins tables that both have them."""
        clauses, values = [condition], list(params)
        for column, value in (
            ("owner", self.owner),
            ("customer_id", self.customer_id),
            ("currency", self.currency),
        ):
            if value is not None:
                clauses.append(f"{of}{column} = ?")
                values.append(value)
        if self.known_at is not None:
            clauses.append(f"{of}recorded_at <= ?")
            values.append(self.known_at)
        return Sql(" AND ".join(clauses), values)


def bucket_columns(as_of: date) -> Sql:
    """One `CASE ... AS <bucket>` column per aging bucket: an unpaid part's cents in the
    bucket it falls in, 0 in the others. Days past due are `as_of - due_on`, so each bucket
    is a range of due dates (ISO text compares)."""
    columns, params, previous = [], [], None
    for name, days in BUCKET_LIMITS:
        conditions = []
        if days is not None:
            conditions.append("due_on >= ?")
            params.append((as_of - timedelta(days=days)).isoformat())
        if previous is not None:
            conditions.append("due_on < ?")
            params.append((as_of - timedelta(days=previous)).isoformat())
        columns.append(f"CASE WHEN {' AND '.join(conditions)} THEN unpaid ELSE 0 END AS {name}")
        previous = days
    return Sql(", ".join(columns), params)


class Receivables(ABC):
    """The reports, put together the same way from either the facts (any day, any
    `known_at`) or the figures the view keeps for today: the sources differ only in the
    queries that produce the sums."""

    def __init__(self, view: ReceivablesView) -> None:
        self.view = view

    def statement(self, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        """Per customer: opening, sales, collections and closing of the month [first, last]."""
        return [
            {
                "customer_id": customer_id,
                "opening_balance": opening,
                "sales": sales,
                "collections": collections,
                "closing_balance": opening + sales - collections,
            }
            for customer_id, (opening, sales, collections) in sorted(
                self._statement_sums(first, last, scope).items()
            )
        ]

    def aging(self, as_of: date, scope: Scope) -> list[dict[str, Any]]:
        """Per customer: unpaid shipment parts by days past due, credit held, and net. A net
        negative collection is owed now: it counts as current. Every customer with a fact
        by `as_of` has a row, paid up or not. The database adds it all up, in one
        statement: one snapshot, and no Python loop over thousands of customers."""
        parts, left = self._unpaid_parts(as_of, scope), self._leftovers(as_of, scope)
        buckets, known = bucket_columns(as_of), self._customers(scope)
        later_buckets = ", ".join(["0"] * (len(BUCKETS) - 1))  # an overdrawn sum is current
        sums = ", ".join(f"CAST(SUM({name}) AS BIGINT) AS {name}" for name in (*BUCKETS, "credit"))
        total = " + ".join(f"SUM({name})" for name in BUCKETS)
        return self.view.rows(
            f"""SELECT customer_id, {sums}, CAST({total} AS BIGINT) AS total,
                       CAST({total} - SUM(credit) AS BIGINT) AS net
                FROM (SELECT customer_id, {buckets.clause}, 0 AS credit
                      FROM ({parts.clause}) AS parts
                      UNION ALL
                      SELECT customer_id, overdrawn, {later_buckets}, credit
                      FROM ({left.clause}) AS leftovers
                      UNION ALL
                      SELECT customer_id, 0, {later_buckets}, 0
                      FROM ({known.clause}) AS known) AS figures
                GROUP BY customer_id ORDER BY customer_id""",
            [*buckets.params, *parts.params, *left.params, *known.params],
        )

    def collection_rate(self, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        """Per owner: what fell due by month end after earlier collections, and what came in."""
        planned = self._planned(first, last, scope)
        month = scope.where(
            "effective_on >= ? AND effective_on <= ?", first.isoformat(), last.isoformat()
        )
        actual = {
            row["owner"]: int(row["actual"])
            for row in self.view.rows(
                f"SELECT owner, SUM(amount) AS actual FROM {self.view.t('rcv_collections')} "
                f"WHERE {month.clause} GROUP BY owner",
                month.params,
            )
        }
        return [
            {"owner": owner, "planned": planned[owner], "actual": actual.get(owner, 0)}
            for owner in sorted(planned)
        ]

    def open_items(self, as_of: date, scope: Scope) -> list[dict[str, Any]]:
        """Each shipment not yet paid in full as of a day (first-in-first-out, as aging
        applies collections), oldest due first: what a customer's aging row is made of."""
        parts = self._unpaid_parts(as_of, scope)
        return self.view.rows(
            f"SELECT * FROM ({parts.clause}) AS parts WHERE unpaid > 0 "
            "ORDER BY due_on, effective_on, position",
            parts.params,
        )

    def next_dues(self, contract_ids: list[str], as_of: date, scope: Scope) -> dict[str, date]:
        """The earliest due date of each contract's unpaid shipments, as of a day."""
        marks = ", ".join("?" * len(contract_ids))
        parts = self._unpaid_parts(as_of, scope, f"contract_id IN ({marks})", contract_ids)
        rows = self.view.rows(
            f"SELECT contract_id, MIN(due_on) AS due_on FROM ({parts.clause}) AS parts "
            "WHERE unpaid > 0 GROUP BY contract_id",
            parts.params,
        )
        return {row["contract_id"]: date.fromisoformat(row["due_on"]) for row in rows}

    @abstractmethod
    def _statement_sums(
        self, first: date, last: date, scope: Scope
    ) -> dict[str, tuple[int, int, int]]:
        """Customer → (opening, sales, collections) of [first, last], for every customer
        with a fact by `last`."""

    @abstractmethod
    def _unpaid_parts(
        self, as_of: date, scope: Scope, condition: str = "1 = 1", params: list[Any] | None = None
    ) -> Sql:
        """A subquery of shipments as of a day with their unpaid cents (`fifo.unpaid_parts`'
        columns); `condition` narrows the shipments."""

    @abstractmethod
    def _leftovers(self, as_of: date, scope: Scope) -> Sql:
        """A query of (customer_id, credit, overdrawn) as of a day."""

    @abstractmethod
    def _customers(self, scope: Scope) -> Sql:
        """A query of customer_id naming customers with a fact that the other aging queries
        may not name (a row each, paid up or not)."""

    @abstractmethod
    def _planned(self, first: date, last: date, scope: Scope) -> dict[str, int]:
        """Owner → what fell due by `last` unpaid by collections before `first`, for every
        owner with a fact by `last`."""
