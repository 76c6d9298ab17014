"""The contract ledger (合同台账): one row per contract with its state, parties, totals,
searched texts lower-cased (plain stores only) and the approvals of the current review
round, for the ledger search and the approval inbox; the search index of those texts (see
text_index); the steps waiting for a decision (see pending_steps); and the ledger's
history, a row per contract event with the figures it left, for reports asked as the books
stood at an earlier recording time (`known_at`)."""

from __future__ import annotations

import json
from typing import Any

from domain.contracts.contract import Contract
from domain.customers.customer import Customer
from projections.pending_steps import PendingSteps
from projections.store import AggregateWriter, ViewStore, Writer
from projections.text_index import FIELDS, TextIndex
from projections.view import Handler, View, cents, recorded

HIDDEN = ("title", "customer_name")  # encrypted at rest when the store is


class LedgerView(View):
    name = "ledger"
    tables = (
        "ledger",
        "ledger_approvals",
        "ledger_history",
        "ledger_amendments",
        "ledger_amendment_grants",
        "ledger_search",
        "ledger_pending",
    )
    version = 3  # the text index, texts lower-cased, pending steps, indexes by customer, owner

    def __init__(self, store: ViewStore, suffix: str = "") -> None:
        super().__init__(store, suffix)
        text = store.text
        self.index = TextIndex(
            self.t, self.rows, suffix, text.index_key, postgres=store.is_postgres, hides=text.hides
        )
        self.pending = PendingSteps(self.t, suffix)

    def schema(self) -> list[str]:
        ledger = self.t("ledger")
        return [
            f"""CREATE TABLE IF NOT EXISTS {ledger} (
                contract_id TEXT PRIMARY KEY, position BIGINT NOT NULL, number TEXT NOT NULL,
                title TEXT NOT NULL, customer_id TEXT NOT NULL, customer_name TEXT NOT NULL,
                owner TEXT NOT NULL, created_by TEXT NOT NULL, amount BIGINT NOT NULL,
                currency TEXT NOT NULL, state TEXT NOT NULL, signed_on TEXT, submitted_at TEXT,
                required TEXT NOT NULL, shipped BIGINT NOT NULL, invoiced BIGINT NOT NULL,
                collected BIGINT NOT NULL, {", ".join(f"{f}_lower TEXT" for f in FIELDS)})""",
            *(
                f"CREATE INDEX IF NOT EXISTS ledger{self.suffix}_by_{name} ON {ledger} ({columns})"
                for name, columns in (
                    ("state", "state, position"),
                    ("customer", "customer_id, position"),
                    ("owner", "owner, position"),
                )
            ),
            *self.index.schema(),
            *self.pending.schema(),
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

    def _drop(self, writer: Writer) -> None:
        super()._drop(writer)
        for statement in self.index.drop():
            writer.execute(statement)

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
            Contract.Terminated: self._left_review,
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
        texts = (event.number, terms["title"], customer["id"], customer["name"])
        w.execute(
            f"INSERT INTO {self.t('ledger')} VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', NULL, NULL, '[]', 0, 0, 0, ?, ?, ?, ?)",
            (
                str(event.originator_id), position, event.number, self.hide(terms["title"]),
                customer["id"], self.hide(customer["name"]), event.owner, event.actor,
                cents(terms["amount"]), terms["currency"], *map(self.index.lower, texts),
            ),
        )  # fmt: skip
        self.index.added(w, position, str(event.originator_id), texts)

    def _revised(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._change_terms(w, str(event.originator_id), event.changes)

    def _customer_renamed(self, w: AggregateWriter, event: Any, position: int) -> None:
        """The register's name is the one the ledger shows, on every contract (SPEC §2.3)."""
        if "name" in event.changes:
            name = event.changes["name"]
            w.execute(
                f"UPDATE {self.t('ledger')} SET customer_name = ?, customer_name_lower = ? "
                "WHERE customer_id = ?",
                (self.hide(name), self.index.lower(name), event.customer_id),
            )
            self.index.changed(w, {"customer_name": name}, self._positions("customer_id"),
                               event.customer_id)  # fmt: skip

    def _amendment_requested(self, w: AggregateWriter, event: Any, position: int) -> None:
        asked = recorded(event.timestamp)
        w.execute(
            f"INSERT INTO {self.t('ledger_amendments')} VALUES (?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), event.number, event.actor, asked,
             json.dumps(event.required_approvals),
             cents(event.changes["amount"]) if "amount" in event.changes else None),
        )  # fmt: skip
        self.pending.opened(
            w, str(event.originator_id), "amendment", event.required_approvals, (asked, event.actor)
        )

    def _amendment_approved(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"INSERT INTO {self.t('ledger_amendment_grants')} VALUES (?, ?, ?, ?)",
            (str(event.originator_id), event.grant["step"], event.grant["by"],
             event.grant.get("on_behalf_of")),
        )  # fmt: skip
        self.pending.decided(w, str(event.originator_id), "amendment", event.grant["step"])

    def _amended(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._amendment_closed(w, event, position)
        self._change_terms(w, str(event.originator_id), event.changes)

    def _amendment_closed(self, w: AggregateWriter, event: Any, position: int) -> None:
        for table in ("ledger_amendments", "ledger_amendment_grants"):
            w.execute(
                f"DELETE FROM {self.t(table)} WHERE contract_id = ?", (str(event.originator_id),)
            )
        self.pending.decided(w, str(event.originator_id), "amendment")

    def _change_terms(self, w: AggregateWriter, contract_id: str, changes: dict[str, Any]) -> None:
        texts: dict[str, str] = {}
        if "title" in changes:
            texts["title"] = changes["title"]
        if "customer" in changes:
            texts["customer_id"] = changes["customer"]["id"]
            texts["customer_name"] = changes["customer"]["name"]
        updates = {field: self.hide(text) if field in HIDDEN else text
                   for field, text in texts.items()}  # fmt: skip
        updates |= {f"{field}_lower": self.index.lower(text) for field, text in texts.items()}
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
        self.index.changed(w, texts, self._positions("contract_id"), contract_id)

    def _positions(self, column: str) -> str:
        """The contracts whose `column` is the parameter, by their key in the text index."""
        return f"SELECT position FROM {self.t('ledger')} WHERE {column} = ?"

    def _submitted(self, w: AggregateWriter, event: Any, position: int) -> None:
        submitted = recorded(event.timestamp)
        w.execute(
            f"UPDATE {self.t('ledger')} SET state = ?, required = ?, submitted_at = ? "
            "WHERE contract_id = ?",
            (event.to, json.dumps(event.required_approvals), submitted,
             str(event.originator_id)),
        )  # fmt: skip
        self._clear_approvals(w, event)
        self.pending.opened(
            w, str(event.originator_id), "approval", event.required_approvals, (submitted, None)
        )

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
        self.pending.decided(w, str(event.originator_id), "approval", event.step)

    def _rejected(self, w: AggregateWriter, event: Any, position: int) -> None:
        self._left_review(w, event, position)
        self._clear_approvals(w, event)

    def _signed(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"UPDATE {self.t('ledger')} SET state = ?, signed_on = ? WHERE contract_id = ?",
            (event.to, event.signed_on.isoformat(), str(event.originator_id)),
        )

    def _left_review(self, w: AggregateWriter, event: Any, position: int) -> None:
        """Out of review: the round's steps wait no more."""
        self._moved(w, event, position)
        self.pending.decided(w, str(event.originator_id), "approval")

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
