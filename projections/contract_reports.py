"""Ledger search, the approval inbox and contract performance (SPEC §5), from the ledger
and receivables views."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.actors import Actor
from projections.fifo import Sql
from projections.ledger import HIDDEN, LedgerView
from projections.receivables import ReceivablesView
from projections.receivables_figures import Scope
from projections.receivables_reports import ReceivablesReports
from projections.text_index import FIELDS, folded

ORDERS = ("position", "number", "title", "customer_name", "owner", "amount", "state", "signed_on")


class ContractReports:
    def __init__(self, ledger: LedgerView, receivables: ReceivablesView) -> None:
        self.ledger = ledger
        self.receivables = ReceivablesReports(receivables)

    def search(
        self,
        filters: dict[str, str | None],
        q: str | None,
        limit: int,
        offset: int,
        order: str = "position",
        descending: bool = False,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the ledger rows that match, in `order` (oldest first by default),
        and how many match."""
        if order not in ORDERS:
            raise ValueError(f"the ledger is not ordered by {order!r}")
        clauses, params = ["1 = 1"], []
        for column in ("state", "customer_id", "owner"):
            if filters.get(column) is not None:
                clauses.append(f"{column} = ?")
                params.append(filters[column])
        needle = folded(q or "")
        exact = self.ledger.index.exactly(needle) if needle else None
        if exact is not None:
            clauses.append(exact.clause)
            params += exact.params
        where, name = " AND ".join(clauses), self.ledger.t("ledger")
        if exact is None and (needle or (self.ledger.store.text.hides and order in HIDDEN)):
            return self._search_revealed(
                where, params, needle, page=(limit, offset), order=(order, descending)
            )
        total = self.ledger.rows(f"SELECT COUNT(*) AS n FROM {name} WHERE {where}", params)[0]["n"]
        direction = "DESC" if descending else "ASC"
        rows = self._ledger_rows(
            f"SELECT * FROM {name} WHERE {where} ORDER BY {order} {direction}, position "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return rows, int(total)

    def customers_of(self, owner: str) -> set[str]:
        """The customers a sales rep's own contracts name."""
        rows = self.ledger.rows(
            f"SELECT DISTINCT customer_id FROM {self.ledger.t('ledger')} WHERE owner = ?", [owner]
        )
        return {row["customer_id"] for row in rows}

    def customer_figures(
        self, customer_id: str, currency: str, owner: str | None
    ) -> dict[str, Any]:
        """One customer's contracts by state, receivable, and credit used (receivable plus the
        remaining of its signed and executing contracts), in cents, in one currency."""
        clauses, params = ["customer_id = ?", "currency = ?"], [customer_id, currency]
        if owner is not None:
            clauses.append("owner = ?")
            params.append(owner)
        rows = self.ledger.rows(
            f"SELECT state, COUNT(*) AS n, SUM(shipped - collected) AS receivable, "
            "SUM(CASE WHEN state IN ('signed', 'executing') THEN amount - collected ELSE 0 END) "
            f"AS committed FROM {self.ledger.t('ledger')} WHERE {' AND '.join(clauses)} "
            "GROUP BY state",
            params,
        )
        receivable = sum(int(row["receivable"] or 0) for row in rows)
        return {
            "contracts_by_state": {row["state"]: int(row["n"]) for row in rows},
            "receivable": receivable,
            "credit_used": receivable + sum(int(row["committed"] or 0) for row in rows),
        }

    def _search_revealed(
        self,
        where: str,
        params: list[Any],
        needle: str,
        page: tuple[int, int],
        order: tuple[str, bool],
    ) -> tuple[list[dict[str, Any]], int]:
        """Encrypted titles and names cannot be matched or ordered by SQL: once revealed,
        among the rows the text index finds (all rows, for a one-character needle)."""
        candidates = self.ledger.index.candidates(needle)
        if candidates is not None:
            where, params = f"{where} AND {candidates.clause}", [*params, *candidates.params]
        rows = [
            row
            for row in self._ledger_rows(
                f"SELECT * FROM {self.ledger.t('ledger')} WHERE {where} ORDER BY position", params
            )
            if any(needle in folded(str(row[field])) for field in FIELDS)
        ]
        column, descending = order
        rows.sort(key=lambda row: (row[column] is None, row[column]), reverse=descending)
        limit, offset = page
        return rows[offset : offset + limit], len(rows)

    def by_id(self, contract_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The ledger rows of these contracts."""
        if not contract_ids:
            return {}
        marks = ", ".join("?" * len(contract_ids))
        rows = self._ledger_rows(
            f"SELECT * FROM {self.ledger.t('ledger')} WHERE contract_id IN ({marks})", contract_ids
        )
        return {row["contract_id"]: row for row in rows}

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

    def inbox(
        self, actor: Actor, limit: int | None = None, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """Steps the actor may grant now, of review rounds and of pending amendments,
        the longest waiting first; and those of each role lent to them today, to decide on
        the delegator's behalf (SPEC §2.2). `limit` of them from `offset` (all by default),
        and how many there are."""
        query = self.ledger.pending.waiting_for(actor)
        if query is None:
            return [], 0
        if limit is None:
            rows = self._ledger_rows(query.clause, query.params)
            return rows[offset:], len(rows)
        paged = f"{query.clause} LIMIT ? OFFSET ?"
        rows = self._ledger_rows(paged, [*query.params, limit, offset])
        count = self.ledger.pending.count_for(actor)
        assert count is not None  # as `query` is not
        return rows, int(self.ledger.rows(count.clause, count.params)[0]["n"])

    def performance(self, first: date, last: date, as_of: date, scope: Scope) -> dict[str, Any]:
        """Counts and amounts signed, shipped and collected per month of [first, last], and
        per contract active in it: totals, next due date and days overdue as of `as_of`;
        as the books stood at `scope.known_at` when asked."""
        known = self._ledger_as_known(scope)
        activity = {
            "signed": self._signed(known, first, last),
            "shipped": self._facts("rcv_shipments", first, last, scope),
            "collected": self._facts("rcv_collections", first, last, scope),
        }
        months: dict[str, dict[str, dict[str, int]]] = {}
        for kind, rows in activity.items():
            for row in rows:
                figures = months.setdefault(row["day"][:7], _empty_figures())[kind]
                figures["count"] += 1
                figures["amount"] += int(row["amount"])
        active = {row["contract_id"] for rows in activity.values() for row in rows}
        return {
            "months": dict(sorted(months.items())),
            "contracts": self._contracts(active, as_of, scope),
        }

    def _ledger_as_known(self, scope: Scope) -> Sql:
        """The ledger now, or as it stood at `known_at` (its history's last row by then, with
        the parts that never change after drafting); a subquery, narrowed as `scope` says."""
        ledger, history = self.ledger.t("ledger"), self.ledger.t("ledger_history")
        narrowed = (
            " AND ".join(
                f"l.{column} = ?" for column in ("owner", "currency") if getattr(scope, column)
            )
            or "1 = 1"
        )
        params = [value for value in (scope.owner, scope.currency) if value]
        if scope.known_at is None:
            return Sql(f"SELECT * FROM {ledger} l WHERE {narrowed}", params)
        return Sql(
            f"""SELECT l.contract_id, l.position, l.number, l.title, l.customer_id,
                    l.customer_name, l.owner, l.created_by, h.amount, l.currency, h.state,
                    h.signed_on, h.shipped, h.invoiced, h.collected
                FROM {ledger} l JOIN {history} h ON h.contract_id = l.contract_id
                WHERE {narrowed} AND h.position = (
                    SELECT MAX(position) FROM {history} WHERE contract_id = l.contract_id
                    AND recorded_at <= ?)""",
            [*params, scope.known_at],
        )

    def _signed(self, known: Sql, first: date, last: date) -> list[dict[str, Any]]:
        return self.ledger.rows(
            f"SELECT contract_id, signed_on AS day, amount FROM ({known.clause}) AS known "
            "WHERE signed_on >= ? AND signed_on <= ?",
            [*known.params, first.isoformat(), last.isoformat()],
        )

    def _facts(self, table: str, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        facts = scope.where(
            "effective_on >= ? AND effective_on <= ?", first.isoformat(), last.isoformat()
        )
        return self.ledger.rows(
            f"SELECT contract_id, effective_on AS day, amount "
            f"FROM {self.receivables.view.t(table)} WHERE {facts.clause}",
            facts.params,
        )

    def _contracts(self, contract_ids: set[str], as_of: date, scope: Scope) -> list[dict[str, Any]]:
        if not contract_ids:
            return []
        marks = ", ".join("?" * len(contract_ids))
        ids = sorted(contract_ids)
        known = self._ledger_as_known(scope)
        rows = self._ledger_rows(
            f"SELECT * FROM ({known.clause}) AS known WHERE contract_id IN ({marks}) "
            "ORDER BY position",
            [*known.params, *ids],
        )
        next_dues = self.receivables.next_dues(ids, as_of, scope)
        for row in rows:
            row["next_due"] = next_dues.get(row["contract_id"])
            row["days_overdue"] = max((as_of - row["next_due"]).days, 0) if row["next_due"] else 0
        return rows


def _empty_figures() -> dict[str, dict[str, int]]:
    return {kind: {"count": 0, "amount": 0} for kind in ("signed", "shipped", "collected")}
