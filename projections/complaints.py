"""The complaint loop's read model: each complaint's current figures, every step of its
loop with its effective time (for views `as_of` a moment), and every revisit."""

from __future__ import annotations

from typing import Any

from domain.complaints.complaint import Complaint
from domain.complaints.lifecycle import RECEIVED
from projections.store import AggregateWriter
from projections.view import Handler, View, recorded


class ComplaintsView(View):
    name = "complaints"
    tables = ("complaints", "complaint_steps", "complaint_revisits")

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("complaints")} (
                complaint_id TEXT PRIMARY KEY, position BIGINT NOT NULL, number TEXT NOT NULL,
                customer_id TEXT NOT NULL, contract_id TEXT, contract_owner TEXT,
                category TEXT NOT NULL, severity TEXT NOT NULL, state TEXT NOT NULL,
                received_at TEXT NOT NULL, handle_due TEXT, revisit_due TEXT,
                reopen_count INTEGER NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("complaint_steps")} (
                position BIGINT PRIMARY KEY, complaint_id TEXT NOT NULL, state TEXT NOT NULL,
                at TEXT NOT NULL, due TEXT)""",
            f"""CREATE TABLE IF NOT EXISTS {self.t("complaint_revisits")} (
                position BIGINT PRIMARY KEY, complaint_id TEXT NOT NULL,
                revisited_at TEXT NOT NULL, satisfied INTEGER NOT NULL, score INTEGER NOT NULL)""",
            f"""CREATE INDEX IF NOT EXISTS complaints{self.suffix}_by_contract
                ON {self.t("complaints")} (contract_id, state)""",
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {
            Complaint.Received: self._received,
            Complaint.Handled: self._handled,
            Complaint.Revisited: self._revisited,
        }

    def _received(self, w: AggregateWriter, event: Any, position: int) -> None:
        details = event.details
        contract_id = details.get("contract_id")
        w.execute(
            f"INSERT INTO {self.t('complaints')} VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, NULL, 0)",
            (
                str(event.originator_id), position, event.number, details["customer"]["id"],
                str(contract_id) if contract_id else None, event.contract_owner,
                details["category"], details["severity"], recorded(event.received_at),
                recorded(event.handle_due),
            ),
        )  # fmt: skip
        self._step(w, event, position, RECEIVED, event.received_at, event.handle_due)

    def _handled(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"UPDATE {self.t('complaints')} SET state = ?, handle_due = NULL, revisit_due = ? "
            "WHERE complaint_id = ?",
            (event.to, recorded(event.revisit_due), str(event.originator_id)),
        )
        self._step(w, event, position, event.to, event.handled_at, event.revisit_due)

    def _revisited(self, w: AggregateWriter, event: Any, position: int) -> None:
        reopened = int(event.to == RECEIVED)
        due = recorded(event.handle_due) if event.handle_due else None
        w.execute(
            f"UPDATE {self.t('complaints')} SET state = ?, handle_due = ?, revisit_due = NULL, "
            "reopen_count = reopen_count + ? WHERE complaint_id = ?",
            (event.to, due, reopened, str(event.originator_id)),
        )
        self._step(w, event, position, event.to, event.revisited_at, event.handle_due)
        w.execute(
            f"INSERT INTO {self.t('complaint_revisits')} VALUES (?, ?, ?, ?, ?)",
            (
                position, str(event.originator_id), recorded(event.revisited_at),
                int(event.outcome["satisfied"]), event.outcome["score"],
            ),
        )  # fmt: skip

    def _step(
        self, w: AggregateWriter, event: Any, position: int, state: str, at: Any, due: Any
    ) -> None:
        w.execute(
            f"INSERT INTO {self.t('complaint_steps')} VALUES (?, ?, ?, ?, ?)",
            (
                position,
                str(event.originator_id),
                state,
                recorded(at),
                recorded(due) if due else None,
            ),
        )
