"""The approval inbox: what the caller may grant now, oldest submission first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter

from api import report_schemas
from api.dependencies import CurrentActor, Views
from api.presenters import money_from_cents
from api.problems import problem_responses

router = APIRouter(prefix="/approvals", tags=["approvals"], responses=problem_responses(401, 503))


@router.get("/inbox", response_model=report_schemas.Inbox)
def inbox(views: Views, actor: CurrentActor) -> dict[str, Any]:
    """Contracts in review with a step your role may grant and maker–checker allows."""
    views.refresh("ledger")
    now = datetime.now(UTC)
    items = []
    for row in views.contracts.inbox(actor):
        submitted_at = datetime.fromisoformat(row["submitted_at"])
        items.append({
            "contract_id": row["contract_id"],
            "number": row["number"],
            "title": row["title"],
            "customer": {"id": row["customer_id"], "name": row["customer_name"]},
            "amount": money_from_cents(row["amount"]),
            "step": row["step"],
            "submitted_at": submitted_at,
            "hours_waiting": round((now - submitted_at).total_seconds() / 3600, 2),
        })  # fmt: skip
    return {"items": items}
