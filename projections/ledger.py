"""The contract ledger (合同台账): one row per contract with its state, parties, totals and
the approvals of the current review round, for the ledger search and the approval inbox;
and the ledger's history, a row per contract event with the figures it left, for reports
asked as the books stood at an earlier recording time (`known_at`)."""

from __future__ import annotations

import json
from typing import Any

from domain.contracts.contract import Contract
from domain.customers.customer import Customer
from projections.store import AggregateWriter, Writer
from projections.view import Handler, View, cents, recorded


class LedgerView(View):
    name = "ledger"
    tables = (
        "ledger",
        "ledger_approvals",
        "ledger_history",
        "ledger_amendments",
        "ledger_amendment_grants",
    )
    version = 2  # amendments

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("ledger")} (
                contract_id TEXT PRIMARY KEY, position BIGINT NOT NULL, number TEXT NOT NULL,
                title TEXT NOT NULL, customer_id TEXT NOT NULL, customer_name TEXT NOT NULL,
                owner TEXT NOT NULL, created_by TEXT NOT NULL, amount BIGINT NOT NULL,
                currency TEXT NOT NULL, state TEXT NOT NULL, signed_on TEXT, submitted_at TEXT,
                required TEXT NOT NULL, shipped BIGINT NOT NULL, invoiced BIGINT NOT NULL,
                collected BIGINT NOT NULL)""",
            f"""CREATE INDEX IF NOT EXISTS ledger{self.suffix}_by_state
                ON {self.t("ledger")} (state, position)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("ledger_approvals")} (
                contract_id TEXT NOT NULL, step TEXT NOT NULL, granted_by TEXT NOT NULL,
                on_behalf_of TEXT, PRIMARY KEY (contract_id, step))""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("ledger_history")} (
                position BIGINT PRIMARY KEY, contract_id TEXT NOT NULL,
                recorded_at TEXT NOT NULL, state TEXT NOT NULL, amount BIGINT NOT NULL,
                signed_on TEXT, shipped BIGINT NOT NULL, invoiced BIGINT NOT NULL,
                collected BIGINT NOT NULL)""",
            f"""CREATE INDEX IF NOT EXISTS ledger_history{self.suffix}_by_contract
                ON {self.t("ledger_history")} (contract_id, recorded_at)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("ledger_amendments")} (
                contract_id TEXT PRIMARY KEY, number TEXT NOT NULL, requested_by TEXT NOT NULL,
                requested_at TEXT NOT NULL, required TEXT NOT NULL, new_amount BIGINT)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("ledger_amendment_grants")} (
                contract_id TEXT NOT NULL, step TEXT NOT NULL, granted_by TEXT NOT NULL,
                on_behalf_of TEXT, PRIMARY KEY (contract_id, step))""",
        ]

    def apply(self, writer: Writer, event: Any, position: int) -> None:
        """Each contract event, then the figures it left, kept with its recording time."""
        handler = self.handlers.get(type(event))
        if handler is None:
            return
        w = writer.about(event.originator_id)
        handler(w, event, position)
        w.execute(
            f"INSERT INTO {self.t('ledger_history')} SELECT ?, contract_id, ?, state, amount, "
            f"signed_on, shipped, invoiced, collected FROM {self.t('ledger')} "
            "WHERE contract_id = ?",
            (position, recorded(event.timestamp), str(event.originator_id)),
        )

    def event_handlers(self) -> dict[type, Handler]:
        return {
            Contract.Created: self._created,
            Contract.Revised: self._revised,
            Contract.Submitted: self._submitted,
            Contract.Approved: self._approved,
            Contract.Rejected: self._rejected,
            Contract.Signed: self._signed,
            Contract.Started: self._moved,
            Contract.Accepted: self._moved,
            Contract.Settled: self._moved,
            Contract.Terminated: self._moved,
            Contract.Shipped: self._totals("shipped", 1),
            Contract.Invoiced: self._totals("invoiced", 1),
            Contract.PaymentReceived: self._totals("collected", 1),
            Contract.Refunded: self._totals("collected", -1),
            Contract.AmendmentRequested: self._amendment_requested,
            Contract.AmendmentApproved: self._amendment_approved,
            Contract.Amended: self._amended,
            Contract.AmendmentRejected: self._amendment_closed,
            Contract.AmendmentWithdrawn: self._amendment_closed,
            Customer.Updated: self._customer_renamed,
        }

    def _created(self, w: AggregateWriter, event: Any, position: int) -> None:
        terms, customer = event.terms, event.terms["customer"]
        w.execute(
            f"INSERT INTO {self.t('ledger')} VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', NULL, NULL, '[]', 0, 0, 0)",
            (
                str(event.originator_id), position, event.number, self.hide(terms["title"]),
                customer["id"], self.hide(customer["name"]), event.owner, event.actor,
                cents(terms["amount"]), terms["currency"],
            ),
        )  # fmt: skip

    def _revised(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._change_terms(w, str(event.originator_id), event.changes)

    def _customer_renamed(self, w: AggregateWriter, event: Any, position: int) -> None:
        """The register's name is the one the ledger shows, on every contract (SPEC §2.3)."""
        if "name" in event.changes:
            w.execute(
                f"UPDATE {self.t('ledger')} SET customer_name = ? WHERE customer_id = ?",
                (self.hide(event.changes["name"]), event.customer_id),
            )

    def _amendment_requested(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"INSERT INTO {self.t('ledger_amendments')} VALUES (?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), event.number, event.actor, recorded(event.timestamp),
             json.dumps(event.required_approvals),
             cents(event.changes["amount"]) if "amount" in event.changes else None),
        )  # fmt: skip

    def _amendment_approved(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"INSERT INTO {self.t('ledger_amendment_grants')} VALUES (?, ?, ?, ?)",
            (str(event.originator_id), event.grant["step"], event.grant["by"],
             event.grant.get("on_behalf_of")),
        )  # fmt: skip

    def _amended(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._amendment_closed(w, event, position)
        self._change_terms(w, str(event.originator_id), event.changes)

    def _amendment_closed(self, w: AggregateWriter, event: Any, position: int) -> None:
        for table in ("ledger_amendments", "ledger_amendment_grants"):
            w.execute(
                f"DELETE FROM {self.t(table)} WHERE contract_id = ?", (str(event.originator_id),)
            )

    def _change_terms(self, w: AggregateWriter, contract_id: str, changes: dict[str, Any]) -> None:
        updates: dict[str, Any] = {}
        if "title" in changes:
            updates["title"] = self.hide(changes["title"])
        if "customer" in changes:
            updates["customer_id"] = changes["customer"]["id"]
            updates["customer_name"] = self.hide(changes["customer"]["name"])
        if "amount" in changes:
            updates["amount"] = cents(changes["amount"])
        if "currency" in changes:
            updates["currency"] = changes["currency"]
        if updates:
            assignments = ", ".join(f"{column} = ?" for column in updates)
            w.execute(
                f"UPDATE {self.t('ledger')} SET {assignments} WHERE contract_id = ?",
                (*updates.values(), contract_id),
            )

    def _submitted(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"UPDATE {self.t('ledger')} SET state = ?, required = ?, submitted_at = ? "
            "WHERE contract_id = ?",
            (event.to, json.dumps(event.required_approvals), recorded(event.timestamp),
             str(event.originator_id)),
        )  # fmt: skip
        self._clear_approvals(w, event)

    def _approved(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"INSERT INTO {self.t('ledger_approvals')} VALUES (?, ?, ?, ?)",
            (
                str(event.originator_id),
                event.step,
                event.actor,
                getattr(event, "on_behalf_of", None),
            ),
        )

    def _rejected(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._moved(w, event, position)
        self._clear_approvals(w, event)

    def _signed(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"UPDATE {self.t('ledger')} SET state = ?, signed_on = ? WHERE contract_id = ?",
            (event.to, event.signed_on.isoformat(), str(event.originator_id)),
        )

    def _moved(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"UPDATE {self.t('ledger')} SET state = ? WHERE contract_id = ?",
            (event.to, str(event.originator_id)),
        )

    def _totals(self, column: str, sign: int) -> Handler:
        def handle(w: AggregateWriter, event: Any, position: int) -> None:
            w.execute(
                f"UPDATE {self.t('ledger')} SET state = ?, {column} = {column} + ? "
                "WHERE contract_id = ?",
                (event.to, sign * cents(event.amount), str(event.originator_id)),
            )

        return handle

    def _clear_approvals(self, w: AggregateWriter, event: Any) -> None:
        w.execute(
            f"DELETE FROM {self.t('ledger_approvals')} WHERE contract_id = ?",
            (str(event.originator_id),),
        )
