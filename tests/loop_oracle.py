"""An independent oracle for the complaint loop view (SPEC §5), straight from the events."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.complaints.complaint import Complaint

CATEGORIES = ("quality", "delivery", "billing", "service", "other")


def read(app: Any) -> list[dict[str, Any]]:
    """Each complaint's receipt, steps (state, effective time, due) and revisits."""
    complaints: dict[str, dict[str, Any]] = {}
    for notification in app.recorder.select_notifications(start=None, limit=10**9):
        event = app.mapper.to_domain_event(notification)
        key = str(event.originator_id)
        if isinstance(event, Complaint.Received):
            complaints[key] = {
                "category": event.details["category"], "received_at": event.received_at,
                "steps": [("received", event.received_at, event.handle_due)], "revisits": [],
            }  # fmt: skip
        elif isinstance(event, Complaint.Handled):
            complaints[key]["steps"].append(("handled", event.handled_at, event.revisit_due))
        elif isinstance(event, Complaint.Revisited):
            complaints[key]["steps"].append((event.to, event.revisited_at, event.handle_due))
            complaints[key]["revisits"].append((event.revisited_at, event.outcome["satisfied"]))
    return list(complaints.values())


def loop(complaints: list[dict[str, Any]], as_of: datetime) -> dict[str, Any]:
    known = [c for c in complaints if c["received_at"] <= as_of]
    states, overdue = [], {"received": 0, "handled": 0}
    hours, revisits, reopened = [], [], 0
    for complaint in known:
        # Steps are recorded in order; their effective times never go backwards.
        state, _, due = [s for s in complaint["steps"] if s[1] <= as_of][-1]
        states.append(state)
        if state in overdue and due is not None and due < as_of:
            overdue[state] += 1
        handled = [at for s, at, _ in complaint["steps"] if s == "handled" and at <= as_of]
        if handled:
            hours.append(
                Decimal(str((handled[0] - complaint["received_at"]).total_seconds())) / 3600
            )
        done = [satisfied for at, satisfied in complaint["revisits"] if at <= as_of]
        revisits += done
        reopened += not all(done)
    return {
        "by_state": {s: states.count(s) for s in ("received", "handled", "revisited")},
        "overdue_handling": overdue["received"],
        "overdue_revisit": overdue["handled"],
        "reopened": reopened,
        "mean_hours_to_handle": _mean(hours, "0.01"),
        "satisfaction_rate": _mean([Decimal(int(s)) for s in revisits], "0.0001"),
        "by_category": {c: sum(1 for x in known if x["category"] == c) for c in CATEGORIES},
    }


def _mean(values: list[Decimal], places: str) -> str | None:
    if not values:
        return None
    return str((sum(values) / len(values)).quantize(Decimal(places), ROUND_HALF_UP))
