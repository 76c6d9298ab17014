"""Ledger search, the approval inbox and contract performance (SPEC §5), from the ledger
and receivables views."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from domain.actors import Actor
from domain.contracts.policy import step_refusal
from projections.ledger import LedgerView
from projections.receivables import ReceivablesView
from projections.receivables_reports import ReceivablesReports, Scope

SEARCHED = ("number", "title", "customer_id", "customer_name")  # what the ledger's `q` matches


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ContractReports:
    def __init__(self, ledger: LedgerView, receivables: ReceivablesView) -> None:
        self.ledger = ledger
        self.receivables = ReceivablesReports(receivables)

    def search(
        self, filters: dict[str, str | None], q: str | None, limit: int, offset: int
    ) -> tuple[list[str], int]:
        """Ids of matching contracts, oldest first, one page of them, and how many match."""
        clauses, params = ["1 = 1"], []
        for column in ("state", "customer_id", "owner"):
            if filters.get(column) is not None:
                clauses.append(f"{column} = ?")
                params.append(filters[column])
        if q and self.ledger.store.text.hides:
            return self._search_hidden(" AND ".join(clauses), params, q, limit, offset)
        if q:
            clauses.append(
                "(" + " OR ".join(f"LOWER({c}) LIKE ? ESCAPE '\\'" for c in SEARCHED) + ")"
            )
            params += [like_pattern(q)] * len(SEARCHED)
        where = " AND ".join(clauses)
        return self.ledger.page("ledger", "contract_id", where, params, limit, offset)

    def _search_hidden(
        self, where: str, params: list[Any], q: str, limit: int, offset: int
    ) -> tuple[list[str], int]:
        """Encrypted titles and names cannot be matched by SQL: match them once revealed."""
        needle = q.lower()
        rows = self._ledger_rows(
            f"SELECT contract_id, {', '.join(SEARCHED)} FROM {self.ledger.t('ledger')} "
            f"WHERE {where} ORDER BY position",
            params,
        )
        ids = [r["contract_id"] for r in rows if any(needle in r[c].lower() for c in SEARCHED)]
        return ids[offset : offset + limit], len(ids)

    def _ledger_rows(
        self, sql: str, params: list[Any] | tuple[Any, ...] = ()
    ) -> list[dict[str, Any]]:
        """Ledger rows with their confidential texts revealed."""
        rows = self.ledger.rows(sql, params)
        for row in rows:
            for column in ("title", "customer_name"):
                if column in row:
                    row[column] = self.ledger.reveal(row[column])
        return rows

    def inbox(self, actor: Actor) -> list[dict[str, Any]]:
        """Steps the actor may grant now, oldest submission first."""
        ledger, approvals = self.ledger.t("ledger"), self.ledger.t("ledger_approvals")
        rows = self._ledger_rows(
            f"SELECT * FROM {ledger} WHERE state = 'review' ORDER BY submitted_at, position"
        )
        granted: dict[str, dict[str, str]] = defaultdict(dict)
        for grant in self.ledger.rows(
            f"SELECT a.contract_id, a.step, a.granted_by FROM {approvals} a "
            f"JOIN {ledger} l ON l.contract_id = a.contract_id WHERE l.state = 'review'"
        ):
            granted[grant["contract_id"]][grant["step"]] = grant["granted_by"]
        items = []
        for row in rows:
            done = granted[row["contract_id"]]
            for step in json.loads(row["required"]):
                refusal = step_refusal(
                    actor, step, row["owner"], row["created_by"], done.values(), granting=True
                )
                if step not in done and refusal is None:
                    items.append({**row, "step": step})
        return items

    def performance(
        self, first: date, last: date, today: date, owner: str | None
    ) -> dict[str, Any]:
        """Counts and amounts signed, shipped and collected per month of [first, last], and
        per contract active in it: totals, next due date and days overdue as of today."""
        scope = Scope(owner=owner)
        activity = {
            "signed": self._dated(self.ledger.t("ledger"), "signed_on", first, last, scope),
            "shipped": self._dated(
                self.receivables.view.t("rcv_shipments"), "effective_on", first, last, scope
            ),
            "collected": self._dated(
                self.receivables.view.t("rcv_collections"), "effective_on", first, last, scope
            ),
        }
        months: dict[str, dict[str, dict[str, int]]] = {}
        for kind, rows in activity.items():
            for row in rows:
                figures = months.setdefault(row["day"][:7], _empty_figures())[kind]
                figures["count"] += 1
                figures["amount"] += int(row["amount"])
        active = {row["contract_id"] for rows in activity.values() for row in rows}
        return {"months": dict(sorted(months.items())), "contracts": self._contracts(active, today)}

    def _dated(
        self, table: str, column: str, first: date, last: date, scope: Scope
    ) -> list[dict[str, Any]]:
        clause = f"{column} >= ? AND {column} <= ?" + (" AND owner = ?" if scope.owner else "")
        params = [first.isoformat(), last.isoformat(), *([scope.owner] if scope.owner else [])]
        return self.ledger.rows(
            f"SELECT contract_id, {column} AS day, amount FROM {table} WHERE {clause}", params
        )

    def _contracts(self, contract_ids: set[str], today: date) -> list[dict[str, Any]]:
        if not contract_ids:
            return []
        marks = ", ".join("?" * len(contract_ids))
        ids = sorted(contract_ids)
        ledger = self.ledger.t("ledger")
        rows = self._ledger_rows(
            f"SELECT * FROM {ledger} WHERE contract_id IN ({marks}) ORDER BY position", ids
        )
        next_dues = self.receivables.next_dues(ids, today)
        for row in rows:
            row["next_due"] = next_dues.get(row["contract_id"])
            row["days_overdue"] = max((today - row["next_due"]).days, 0) if row["next_due"] else 0
        return rows


def _empty_figures() -> dict[str, dict[str, int]]:
    return {kind: {"count": 0, "amount": 0} for kind in ("signed", "shipped", "collected")}
