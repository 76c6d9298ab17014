"""The complaint loop view (SPEC §5) and the counts other reports show beside money."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.complaints.lifecycle import HANDLED, RECEIVED, REVISITED
from projections.complaints import ComplaintsView
from projections.view import recorded

OVERDUE_NOW = "((state = 'received' AND handle_due < ?) OR (state = 'handled' AND revisit_due < ?))"
CATEGORIES = ("quality", "delivery", "billing", "service", "other")


class ComplaintReports:
    def __init__(self, view: ComplaintsView) -> None:
        self.view = view

    def loop(self, as_of: datetime, owner: str | None) -> dict[str, Any]:
        """The loop as it stood at `as_of`, by the effective times of its steps."""
        moment = recorded(as_of)
        scope, params = ("AND c.contract_owner = ?", [owner]) if owner else ("", [])
        complaints = self.view.rows(
            f"SELECT complaint_id, category, received_at FROM {self.view.t('complaints')} c "
            f"WHERE received_at <= ? {scope}",
            [moment, *params],
        )
        steps = self.view.rows(
            f"SELECT s.complaint_id, s.state, s.at, s.due FROM {self.view.t('complaint_steps')} s "
            f"JOIN {self.view.t('complaints')} c ON c.complaint_id = s.complaint_id "
            f"WHERE s.at <= ? {scope} ORDER BY s.at, s.position",
            [moment, *params],
        )
        revisits = self.view.rows(
            f"SELECT r.complaint_id, r.satisfied FROM {self.view.t('complaint_revisits')} r "
            f"JOIN {self.view.t('complaints')} c ON c.complaint_id = r.complaint_id "
            f"WHERE r.revisited_at <= ? {scope}",
            [moment, *params],
        )
        latest: dict[str, dict[str, Any]] = {}
        first_handled: dict[str, str] = {}
        for step in steps:
            latest[step["complaint_id"]] = step
            if step["state"] == HANDLED:
                first_handled.setdefault(step["complaint_id"], step["at"])
        received_at = {c["complaint_id"]: c["received_at"] for c in complaints}
        by_state = Counter(step["state"] for step in latest.values())
        hours = [
            (datetime.fromisoformat(at) - datetime.fromisoformat(received_at[cid])).total_seconds()
            / 3600
            for cid, at in first_handled.items()
        ]
        satisfied = [bool(r["satisfied"]) for r in revisits]
        return {
            "by_state": {state: by_state[state] for state in (RECEIVED, HANDLED, REVISITED)},
            "overdue_handling": _overdue(latest.values(), RECEIVED, moment),
            "overdue_revisit": _overdue(latest.values(), HANDLED, moment),
            "reopened": len({r["complaint_id"] for r in revisits if not r["satisfied"]}),
            "mean_hours_to_handle": _ratio(Decimal(str(sum(hours))), len(hours), "0.01"),
            "satisfaction_rate": _ratio(Decimal(sum(satisfied)), len(satisfied), "0.0001"),
            "by_category": dict(
                Counter({c: 0 for c in CATEGORIES}) + Counter(c["category"] for c in complaints)
            )
            | {c: sum(1 for x in complaints if x["category"] == c) for c in CATEGORIES},
        }

    def open_by_contract(self, contract_ids: list[str]) -> dict[str, int]:
        if not contract_ids:
            return {}
        marks = ", ".join("?" * len(contract_ids))
        rows = self.view.rows(
            f"SELECT contract_id, COUNT(*) AS n FROM {self.view.t('complaints')} "
            f"WHERE state <> 'revisited' AND contract_id IN ({marks}) GROUP BY contract_id",
            contract_ids,
        )
        return {row["contract_id"]: int(row["n"]) for row in rows}

    def open_by_customer(self, owner: str | None = None) -> dict[str, int]:
        """Open complaints per customer; for a sales rep (`owner`), those on own contracts."""
        scope, params = ("AND contract_owner = ?", [owner]) if owner else ("", [])
        rows = self.view.rows(
            f"SELECT customer_id, COUNT(*) AS n FROM {self.view.t('complaints')} "
            f"WHERE state <> 'revisited' {scope} GROUP BY customer_id",
            params,
        )
        return {row["customer_id"]: int(row["n"]) for row in rows}

    def search(
        self, filters: dict[str, Any], now: datetime, limit: int, offset: int
    ) -> tuple[list[str], int]:
        clauses, params = ["1 = 1"], []
        for column in ("state", "customer_id", "category", "contract_owner", "contract_id"):
            if filters.get(column) is not None:
                clauses.append(f"{column} = ?")
                params.append(filters[column])
        if filters.get("overdue") is not None:
            overdue = OVERDUE_NOW
            clauses.append(overdue if filters["overdue"] else f"NOT {overdue}")
            params += [recorded(now), recorded(now)]
        where = " AND ".join(clauses)
        return self.view.page("complaints", "complaint_id", where, params, limit, offset)


def _overdue(latest: Any, state: str, moment: str) -> int:
    """Past due means strictly after the due time: at the due time itself it is on time."""
    return sum(
        1 for step in latest if step["state"] == state and step["due"] and step["due"] < moment
    )


def _ratio(numerator: Decimal, count: int, places: str) -> str | None:
    if count == 0:
        return None
    return str((numerator / count).quantize(Decimal(places), ROUND_HALF_UP))
