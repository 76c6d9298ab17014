"""Statement, aging, collection rate and open items (SPEC §5): each question answered from
the figures the receivables view keeps for today where they are exact, otherwise from the
facts. Both give the same figures (tests/test_receivables_parity.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from projections.receivables import ReceivablesView
from projections.receivables_facts import FactReceivables
from projections.receivables_figures import Receivables, Scope
from projections.receivables_maintained import MaintainedReceivables
from projections.store import chunks


class ReceivablesReports:
    def __init__(self, view: ReceivablesView) -> None:
        self.view = view
        self.facts = FactReceivables(view)
        self.maintained = MaintainedReceivables(view)

    def statement(self, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        return self._for_period(first, last, scope).statement(first, last, scope)

    def collection_rate(self, first: date, last: date, scope: Scope) -> list[dict[str, Any]]:
        return self._for_period(first, last, scope).collection_rate(first, last, scope)

    def aging(self, as_of: date, scope: Scope) -> list[dict[str, Any]]:
        return self._for_day(as_of, scope).aging(as_of, scope)

    def open_items(self, as_of: date, scope: Scope) -> list[dict[str, Any]]:
        return self._for_day(as_of, scope).open_items(as_of, scope)

    def next_dues(self, contract_ids: list[str], as_of: date, scope: Scope) -> dict[str, date]:
        return self._for_day(as_of, scope).next_dues(contract_ids, as_of, scope)

    def customer_names(self, customer_ids: Collection[str]) -> dict[str, str]:
        """The names of these customers, as reports show them (revealed if encrypted)."""
        names = {}
        for chunk in chunks(sorted(set(customer_ids))):
            rows = self.view.rows(
                f"SELECT customer_id, customer_name FROM {self.view.t('rcv_customers')} "
                f"WHERE customer_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            names |= {row["customer_id"]: self.view.reveal(row["customer_name"]) for row in rows}
        return names

    def _for_day(self, as_of: date, scope: Scope) -> Receivables:
        if scope.known_at is None and self.maintained.covers(as_of):
            return self.maintained
        return self.facts

    def _for_period(self, first: date, last: date, scope: Scope) -> Receivables:
        """The kept figures are by calendar month."""
        month_end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        whole_month = first.day == 1 and last == month_end
        return self.maintained if scope.known_at is None and whole_month else self.facts
