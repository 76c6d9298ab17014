"""The customer register as read (SPEC §2.3): search and sort, and one customer's figures
from the ledger."""

from __future__ import annotations

from typing import Any

from domain.customers.customer import Customer
from projections.store import AggregateWriter
from projections.view import Handler, View, cents

SORTS = {"id": "customer_id", "name": "name", "credit_class": "credit_class"}


class CustomersView(View):
    name = "customers"
    tables = ("customers",)

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("customers")} (
                customer_id TEXT PRIMARY KEY, position BIGINT NOT NULL, name TEXT NOT NULL,
                credit_class TEXT, credit_limit BIGINT)"""
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {Customer.Registered: self._registered, Customer.Updated: self._updated}

    def _registered(self, w: AggregateWriter, event: Any, position: int) -> None:
        limit = event.credit_limit
        w.execute(
            f"INSERT INTO {self.t('customers')} VALUES (?, ?, ?, ?, ?)",
            (event.customer_id, position, self.hide(event.name), event.credit_class,
             None if limit is None else cents(limit)),
        )  # fmt: skip

    def _updated(self, w: AggregateWriter, event: Any, position: int) -> None:
        changes = event.changes
        updates: dict[str, Any] = {}
        if "name" in changes:
            updates["name"] = self.hide(changes["name"])
        if "credit_class" in changes:
            updates["credit_class"] = changes["credit_class"]
        if "credit_limit" in changes:
            limit = changes["credit_limit"]
            updates["credit_limit"] = None if limit is None else cents(limit)
        if updates:
            assignments = ", ".join(f"{column} = ?" for column in updates)
            w.execute(
                f"UPDATE {self.t('customers')} SET {assignments} WHERE customer_id = ?",
                (*updates.values(), event.customer_id),
            )

    def search(
        self, q: str | None, credit_class: str | None, only: set[str] | None, sort: str
    ) -> list[dict[str, Any]]:
        """Customers matching the filters, sorted; `only` narrows to those ids (a sales
        user's own customers). Names are compared after decrypting, as the ledger's are."""
        where, params = ["1 = 1"], []
        if credit_class:
            where.append("credit_class = ?")
            params.append(credit_class)
        rows = self.rows(f"SELECT * FROM {self.t('customers')} WHERE {' AND '.join(where)}", params)
        found = []
        for row in rows:
            row["name"] = self.reveal(row["name"])
            if only is not None and row["customer_id"] not in only:
                continue
            if q and q.lower() not in f"{row['customer_id']} {row['name']}".lower():
                continue
            found.append(row)
        column = SORTS[sort.lstrip("-")]
        return sorted(found, key=lambda r: r[column] or "", reverse=sort.startswith("-"))
