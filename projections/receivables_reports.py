"""Statement, aging and collection rate (SPEC §5), computed from the receivables facts.

Figures are integer cents. Effective dates decide periods; `known_at` (a recording time)
hides events recorded later; `owner` narrows a sales rep's reports to their contracts;
`currency` keeps to the contracts in that currency: two are never added together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from projections.fifo import Sql, leftovers, unpaid_parts
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

    def where(self, condition: str, *params: Any) -> Sql:
        clauses, values = [condition], list(params)
        for column, value in (
            ("owner", self.owner),
            ("customer_id", self.customer_id),
            ("currency", self.currency),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        if self.known_at is not None:
            clauses.append("recorded_at <= ?")
            values.append(self.known_at)
        return Sql(" AND ".join(clauses), values)


def bucket_sums(as_of: date) -> Sql:
    """One `SUM(...) AS <bucket>` column per aging bucket over unpaid parts. Days past due
    are `as_of - due_on`, so each bucket is a range of due dates (ISO text compares)."""
    columns, params, previous = [], [], None
    for name, days in BUCKET_LIMITS:
        conditions = []
        if days is not None:
            conditions.append("due_on >= ?")
            params.append((as_of - timedelta(days=days)).isoformat())
        if previous is not None:
            conditions.append("due_on < ?")
            params.append((as_of - timedelta(days=previous)).isoformat())
        columns.append(
            f"SUM(CASE WHEN {' AND '.join(conditions)} THEN unpaid ELSE 0 END) AS {name}"
        )
        previous = days
    return Sql(", ".join(columns), params)


class ReceivablesReports:
    def __init__(self, view: ReceivablesView) -> None:
        self.view = view

    def statement(self, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        """Per customer: opening, sales, collections and closing of the month [first, last]."""
        shipped = self._sums_before_and_during("rcv_shipments", first, last, scope)
        collected = self._sums_before_and_during("rcv_collections", first, last, scope)
        statement = []
        for customer_id in sorted(shipped.keys() | collected.keys()):
            shipped_before, sales = shipped.get(customer_id, (0, 0))
            collected_before, collections = collected.get(customer_id, (0, 0))
            opening = shipped_before - collected_before
            statement.append({
                "customer_id": customer_id,
                "opening_balance": opening,
                "sales": sales,
                "collections": collections,
                "closing_balance": opening + sales - collections,
            })  # fmt: skip
        return statement

    def aging(self, as_of: date, scope: Scope) -> list[dict[str, Any]]:
        """Per customer: unpaid shipment parts by days past due, credit held, and net. A net
        negative collection is owed now: it counts as current."""
        facts = scope.where("effective_on <= ?", as_of.isoformat())
        parts, sums = unpaid_parts(self.view, facts, facts), bucket_sums(as_of)
        left = leftovers(self.view, "customer_id", facts, facts)
        customers: dict[str, dict[str, int]] = {}

        def figures(customer_id: str) -> dict[str, int]:
            return customers.setdefault(customer_id, dict.fromkeys((*BUCKETS, "credit"), 0))

        for row in self.view.rows(
            f"SELECT customer_id, {sums.clause} FROM ({parts.clause}) AS parts "
            "GROUP BY customer_id",
            [*sums.params, *parts.params],
        ):
            figures(row["customer_id"]).update({name: int(row[name]) for name in BUCKETS})
        for row in self.view.rows(left.clause, left.params):
            figures(row["customer_id"])["current"] += int(row["overdrawn"])
            figures(row["customer_id"])["credit"] += int(row["credit"])
        aging = []
        for customer_id in sorted(customers):
            row = customers[customer_id]
            total = sum(row[name] for name in BUCKETS)
            aging.append(
                {"customer_id": customer_id, **row, "total": total, "net": total - row["credit"]}
            )
        return aging

    def collection_rate(self, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        """Per owner: what fell due by month end after earlier collections, and what came in."""
        due = scope.where("due_on <= ?", last.isoformat())
        earlier = scope.where("effective_on < ?", first.isoformat())
        planned: dict[str, int] = dict.fromkeys(self._active_owners(last, scope), 0)
        parts = unpaid_parts(self.view, due, earlier)
        for row in self.view.rows(
            f"SELECT owner, SUM(unpaid) AS unpaid FROM ({parts.clause}) AS parts GROUP BY owner",
            parts.params,
        ):
            planned[row["owner"]] = planned.get(row["owner"], 0) + int(row["unpaid"])
        left = leftovers(self.view, "owner", due, earlier)
        for row in self.view.rows(left.clause, left.params):
            planned[row["owner"]] = planned.get(row["owner"], 0) + int(row["overdrawn"])
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
        facts = scope.where("effective_on <= ?", as_of.isoformat())
        parts = unpaid_parts(self.view, facts, facts)
        return self.view.rows(
            f"SELECT * FROM ({parts.clause}) AS parts WHERE unpaid > 0 "
            "ORDER BY due_on, effective_on, position",
            parts.params,
        )

    def next_dues(self, contract_ids: list[str], as_of: date, scope: Scope) -> dict[str, date]:
        """The earliest due date of each contract's unpaid shipments, as of a day."""
        marks = ", ".join("?" * len(contract_ids))
        facts = scope.where(
            f"effective_on <= ? AND contract_id IN ({marks})", as_of.isoformat(), *contract_ids
        )
        parts = unpaid_parts(self.view, facts, facts)
        rows = self.view.rows(
            f"SELECT contract_id, MIN(due_on) AS due_on FROM ({parts.clause}) AS parts "
            "WHERE unpaid > 0 GROUP BY contract_id",
            parts.params,
        )
        return {row["contract_id"]: date.fromisoformat(row["due_on"]) for row in rows}

    def customer_names(self) -> dict[str, str]:
        rows = self.view.rows(
            f"SELECT customer_id, customer_name FROM {self.view.t('rcv_customers')}"
        )
        return {row["customer_id"]: self.view.reveal(row["customer_name"]) for row in rows}

    def _sums_before_and_during(
        self, table: str, first: date, last: date, scope: Scope
    ) -> dict[str, tuple[int, int]]:
        facts = scope.where("effective_on <= ?", last.isoformat())
        rows = self.view.rows(
            "SELECT customer_id, "
            "SUM(CASE WHEN effective_on < ? THEN amount ELSE 0 END) AS before, "
            "SUM(CASE WHEN effective_on >= ? THEN amount ELSE 0 END) AS during "
            f"FROM {self.view.t(table)} WHERE {facts.clause} GROUP BY customer_id",
            [first.isoformat(), first.isoformat(), *facts.params],
        )
        return {row["customer_id"]: (int(row["before"]), int(row["during"])) for row in rows}

    def _active_owners(self, last: date, scope: Scope) -> set[str]:
        owners: set[str] = set()
        facts = scope.where("effective_on <= ?", last.isoformat())
        for table in ("rcv_shipments", "rcv_collections"):
            rows = self.view.rows(
                f"SELECT DISTINCT owner FROM {self.view.t(table)} WHERE {facts.clause}",
                facts.params,
            )
            owners |= {row["owner"] for row in rows}
        return owners
