"""Receivables facts: every shipment and every collection with its contract, customer,
owner, currency, effective date and recording time. Statement, aging and collection rate are
computed from these rows at query time, for any period and any `known_at`."""

from __future__ import annotations

from typing import Any

from domain.contracts.contract import Contract
from domain.customers.customer import Customer
from projections.store import AggregateWriter
from projections.view import Handler, View, cents, recorded


class ReceivablesView(View):
    name = "receivables"
    tables = ("rcv_contracts", "rcv_customers", "rcv_shipments", "rcv_collections")

    def schema(self) -> list[str]:
        fact = (
            "position BIGINT PRIMARY KEY, contract_id TEXT NOT NULL, customer_id TEXT NOT NULL, "
            "owner TEXT NOT NULL, currency TEXT NOT NULL, effective_on TEXT NOT NULL, "
            "amount BIGINT NOT NULL, recorded_at TEXT NOT NULL"
        )
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("rcv_contracts")} (
                contract_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, owner TEXT NOT NULL,
                currency TEXT NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("rcv_customers")} (
                customer_id TEXT PRIMARY KEY, customer_name TEXT NOT NULL,
                named_at BIGINT NOT NULL)""",
            f"CREATE TABLE IF NOT EXISTS {self.t('rcv_shipments')} ({fact}, due_on TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.t('rcv_collections')} ({fact})",
            f"""CREATE INDEX IF NOT EXISTS rcv_shipments{self.suffix}_by_customer
                ON {self.t("rcv_shipments")} (customer_id, effective_on)""",
            f"""CREATE INDEX IF NOT EXISTS rcv_collections{self.suffix}_by_customer
                ON {self.t("rcv_collections")} (customer_id, effective_on)""",
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {
            Contract.Created: self._created,
            Contract.Revised: self._revised,
            Contract.Shipped: self._shipped,
            Contract.PaymentReceived: self._collected(1),
            Contract.Refunded: self._collected(-1),
            Customer.Registered: self._registered,
            Customer.Updated: self._renamed,
        }

    def _created(self, w: AggregateWriter, event: Any, position: int) -> None:
        customer = event.terms["customer"]
        w.execute(
            f"INSERT INTO {self.t('rcv_contracts')} VALUES (?, ?, ?, ?)",
            (str(event.originator_id), customer["id"], event.owner, event.terms["currency"]),
        )
        self._name_customer(w, customer, position)

    def _revised(self, w: AggregateWriter, event: Any, position: int) -> None:
        if "currency" in event.changes:
            w.execute(
                f"UPDATE {self.t('rcv_contracts')} SET currency = ? WHERE contract_id = ?",
                (event.changes["currency"], str(event.originator_id)),
            )
        customer = event.changes.get("customer")
        if customer is not None:
            w.execute(
                f"UPDATE {self.t('rcv_contracts')} SET customer_id = ? WHERE contract_id = ?",
                (customer["id"], str(event.originator_id)),
            )
            self._name_customer(w, customer, position)

    def _registered(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._name_customer(w, {"id": event.customer_id, "name": event.name}, position)

    def _renamed(self, w: AggregateWriter, event: Any, position: int) -> None:
        """A rename in the register renames the customer in every report (SPEC §2.3)."""
        if "name" in event.changes:
            renamed = {"id": event.customer_id, "name": event.changes["name"]}
            self._name_customer(w, renamed, position)

    def _name_customer(self, w: AggregateWriter, customer: dict[str, Any], position: int) -> None:
        """The latest name given to a customer id is the one reports show, whichever
        contract's statement the database sees first."""
        w.execute(
            f"INSERT INTO {self.t('rcv_customers')} AS known VALUES (?, ?, ?) "
            "ON CONFLICT (customer_id) DO UPDATE SET customer_name = excluded.customer_name, "
            "named_at = excluded.named_at WHERE excluded.named_at > known.named_at",
            (customer["id"], self.hide(customer["name"]), position),
        )

    def _shipped(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"INSERT INTO {self.t('rcv_shipments')} SELECT ?, contract_id, customer_id, owner, "
            f"currency, ?, ?, ?, ? FROM {self.t('rcv_contracts')} WHERE contract_id = ?",
            (
                position, event.shipped_on.isoformat(), cents(event.amount),
                recorded(event.timestamp), event.due_on.isoformat(), str(event.originator_id),
            ),
        )  # fmt: skip

    def _collected(self, sign: int) -> Handler:
        def handle(w: AggregateWriter, event: Any, position: int) -> None:
            effective = getattr(event, "received_on", None) or event.refunded_on
            w.execute(
                f"INSERT INTO {self.t('rcv_collections')} SELECT ?, contract_id, customer_id, "
                f"owner, currency, ?, ?, ? FROM {self.t('rcv_contracts')} WHERE contract_id = ?",
                (
                    position, effective.isoformat(), sign * cents(event.amount),
                    recorded(event.timestamp), str(event.originator_id),
                ),
            )  # fmt: skip

        return handle
