"""The receivables reports computed from the facts at query time: for any day and any
`known_at` (what was known at a past moment), first-in-first-out applied by the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.fifo import Sql, leftovers, unpaid_parts
from projections.receivables_figures import Receivables, Scope


class FactReceivables(Receivables):
    def _statement_sums(
        self, first: date, last: date, scope: Scope
    ) -> dict[str, tuple[int, int, int]]:
        shipped = self._sums_before_and_during("rcv_shipments", first, last, scope)
        collected = self._sums_before_and_during("rcv_collections", first, last, scope)
        sums = {}
        for customer_id in shipped.keys() | collected.keys():
            shipped_before, sales = shipped.get(customer_id, (0, 0))
            collected_before, collections = collected.get(customer_id, (0, 0))
            sums[customer_id] = (shipped_before - collected_before, sales, collections)
        return sums

    def _unpaid_parts(
        self, as_of: date, scope: Scope, condition: str = "1 = 1", params: list[Any] | None = None
    ) -> Sql:
        facts = scope.where(f"effective_on <= ? AND {condition}", as_of.isoformat(), *params or [])
        return unpaid_parts(self.view, facts, facts)

    def _leftovers(self, as_of: date, scope: Scope) -> Sql:
        facts = scope.where("effective_on <= ?", as_of.isoformat())
        return leftovers(self.view, "customer_id", facts, facts)

    def _customers(self, scope: Scope) -> Sql:
        """None: every shipment is an unpaid part (maybe of 0), every collection a leftover."""
        return Sql(f"SELECT customer_id FROM {self.view.t('rcv_contracts')} WHERE 1 = 0")

    def _planned(self, first: date, last: date, scope: Scope) -> dict[str, int]:
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
        return planned

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
