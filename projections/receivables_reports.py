"""Statement, aging and collection rate (SPEC §5), computed from the receivables facts.

Figures are integer cents. Effective dates decide periods; `known_at` (a recording time)
hides events recorded later; `owner` narrows a sales rep's reports to their contracts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from projections.fifo import Shipment, overdrawn, unpaid_parts
from projections.receivables import ReceivablesView

BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "over_90")


@dataclass(frozen=True)
class Collected:
    customer_id: str
    owner: str
    net: int


@dataclass(frozen=True)
class Scope:
    owner: str | None = None
    customer_id: str | None = None
    known_at: str | None = None  # fixed-width UTC text, as the views record it

    def where(self, condition: str, *params: Any) -> tuple[str, list[Any]]:
        clauses, values = [condition], list(params)
        for column, value in (("owner", self.owner), ("customer_id", self.customer_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                values.append(value)
        if self.known_at is not None:
            clauses.append("recorded_at <= ?")
            values.append(self.known_at)
        return " AND ".join(clauses), values


def bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "d1_30"
    if days_past_due <= 60:
        return "d31_60"
    return "d61_90" if days_past_due <= 90 else "over_90"


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
        """Per customer: unpaid shipment parts by days past due, credit held, and net."""
        shipments = _group(self._shipments("effective_on <= ?", as_of, scope))
        collected = self._collected("effective_on <= ?", as_of, scope)
        customers: dict[str, dict[str, int]] = {}
        for contract_id in shipments.keys() | collected.keys():
            net = collected[contract_id].net if contract_id in collected else 0
            customer_id = (collected.get(contract_id) or shipments[contract_id][0]).customer_id
            row = customers.setdefault(customer_id, dict.fromkeys((*BUCKETS, "credit"), 0))
            parts, credit = unpaid_parts(shipments.get(contract_id, []), net)
            row["credit"] += credit
            row["current"] += overdrawn(net)
            for shipment, unpaid in parts:
                row[bucket((as_of - shipment.due_on).days)] += unpaid
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
        due = _group(self._shipments("due_on <= ?", last, scope))
        earlier = self._collected("effective_on < ?", first, scope)
        planned: dict[str, int] = dict.fromkeys(self._active_owners(last, scope), 0)
        for contract_id in due.keys() | earlier.keys():
            net = earlier[contract_id].net if contract_id in earlier else 0
            owner = (earlier.get(contract_id) or due[contract_id][0]).owner
            parts, _ = unpaid_parts(due.get(contract_id, []), net)
            planned[owner] = planned.get(owner, 0) + sum(u for _, u in parts) + overdrawn(net)
        where, params = scope.where(
            "effective_on >= ? AND effective_on <= ?", first.isoformat(), last.isoformat()
        )
        actual = {
            row["owner"]: int(row["actual"])
            for row in self.view.rows(
                f"SELECT owner, SUM(amount) AS actual FROM {self.view.t('rcv_collections')} "
                f"WHERE {where} GROUP BY owner",
                params,
            )
        }
        return [
            {"owner": owner, "planned": planned[owner], "actual": actual.get(owner, 0)}
            for owner in sorted(planned)
        ]

    def shipments_of(self, contract_ids: list[str], as_of: date) -> dict[str, list[Shipment]]:
        marks = ", ".join("?" * len(contract_ids))
        return _group(
            self._shipments(
                f"effective_on <= ? AND contract_id IN ({marks})", as_of, Scope(), *contract_ids
            )
        )

    def collected_of(self, contract_ids: list[str], as_of: date) -> dict[str, int]:
        marks = ", ".join("?" * len(contract_ids))
        collected = self._collected(
            f"effective_on <= ? AND contract_id IN ({marks})", as_of, Scope(), *contract_ids
        )
        return {contract_id: entry.net for contract_id, entry in collected.items()}

    def customer_names(self) -> dict[str, str]:
        rows = self.view.rows(
            f"SELECT customer_id, customer_name FROM {self.view.t('rcv_customers')}"
        )
        return {row["customer_id"]: self.view.reveal(row["customer_name"]) for row in rows}

    def _shipments(self, condition: str, day: date, scope: Scope, *more: str) -> list[Shipment]:
        where, params = scope.where(condition, day.isoformat(), *more)
        rows = self.view.rows(
            "SELECT contract_id, customer_id, owner, effective_on, due_on, position, amount "
            f"FROM {self.view.t('rcv_shipments')} WHERE {where}",
            params,
        )
        return [
            Shipment(
                row["contract_id"], row["customer_id"], row["owner"],
                date.fromisoformat(row["effective_on"]), date.fromisoformat(row["due_on"]),
                int(row["position"]), int(row["amount"]),
            )
            for row in rows
        ]  # fmt: skip

    def _collected(
        self, condition: str, day: date, scope: Scope, *more: str
    ) -> dict[str, Collected]:
        """Net collections per contract whose effective date meets `condition`."""
        where, params = scope.where(condition, day.isoformat(), *more)
        rows = self.view.rows(
            "SELECT contract_id, customer_id, owner, SUM(amount) AS net FROM "
            f"{self.view.t('rcv_collections')} WHERE {where} "
            "GROUP BY contract_id, customer_id, owner",
            params,
        )
        return {
            row["contract_id"]: Collected(row["customer_id"], row["owner"], int(row["net"]))
            for row in rows
        }

    def _sums_before_and_during(
        self, table: str, first: date, last: date, scope: Scope
    ) -> dict[str, tuple[int, int]]:
        where, params = scope.where("effective_on <= ?", last.isoformat())
        rows = self.view.rows(
            "SELECT customer_id, "
            "SUM(CASE WHEN effective_on < ? THEN amount ELSE 0 END) AS before, "
            "SUM(CASE WHEN effective_on >= ? THEN amount ELSE 0 END) AS during "
            f"FROM {self.view.t(table)} WHERE {where} GROUP BY customer_id",
            [first.isoformat(), first.isoformat(), *params],
        )
        return {row["customer_id"]: (int(row["before"]), int(row["during"])) for row in rows}

    def _active_owners(self, last: date, scope: Scope) -> set[str]:
        owners: set[str] = set()
        for table in ("rcv_shipments", "rcv_collections"):
            where, params = scope.where("effective_on <= ?", last.isoformat())
            rows = self.view.rows(
                f"SELECT DISTINCT owner FROM {self.view.t(table)} WHERE {where}", params
            )
            owners |= {row["owner"] for row in rows}
        return owners


def _group(shipments: list[Shipment]) -> dict[str, list[Shipment]]:
    groups: dict[str, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        groups[shipment.contract_id].append(shipment)
    return groups
