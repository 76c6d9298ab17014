"""One contract's page (SPEC §10): its figures and totals, the lifecycle diagram with its
state marked, the approvals and why they were required, a form for each of the visitor's
`my_actions`, its open complaints, the timeline of its events, and time travel; and the
form posts that run those actions, through the same commands as the API."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.contract_commands import COMMANDS
from api.dependencies import Application, Views, parse_id, with_loans
from api.presenters import contract_body, history_body
from api.users import User
from domain.application import ContractFlow
from domain.complaints.complaint import Complaint
from domain.complaints.policy import COMPLAINT_READERS
from domain.contracts.amendments import AMENDMENT_LIFECYCLE
from domain.contracts.lifecycle import CONTRACT_LIFECYCLE
from domain.contracts.policy import decidable_steps, decisions
from domain.errors import NotFoundError
from projections.runtime import Projections
from web.diagram import diagram
from web.forms import fields_of
from web.posting import Failed, posted
from web.render import page
from web.session import Posted, Visitor, local

router = APIRouter(include_in_schema=False)


@router.get("/contracts/{contract_id}")
def contract(
    request: Request,
    contract_id: str,
    user: Visitor,
    app: Application,
    views: Views,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    return contract_view(request, app, views, user, parse_id(contract_id), version=version)


@router.post("/contracts/{contract_id}/{action}")
def act(
    request: Request, contract_id: str, action: str, user: Visitor, app: Application,
    views: Views, form: Posted,
) -> Response:  # fmt: skip
    """Run one of the visitor's actions; back to the page it came from, or the form again
    with the refusal beside its field."""
    command, uuid = COMMANDS.get(action), parse_id(contract_id)
    if command is None:
        raise NotFoundError(f"no action {action!r}")
    version = form.get("version", "")

    def run(body: Any, once: Any) -> str:
        how = {"expected": int(version) if version.isdigit() else None, "once": once}
        command.run(app.contracts, user.actor, uuid, body, how)
        return back

    def again(failed: Failed, status: int) -> Response:
        return contract_view(request, app, views, user, uuid, failed=failed, status=status)

    back = local(form.get("back"), f"/contracts/{uuid}")
    return posted(request, user, form, action, command.body, run, again, back)


def contract_view(
    request: Request, app: ContractFlow, views: Projections, user: User, contract_id: UUID, *,
    version: int | None = None, failed: Failed | None = None, status: int = 200,
) -> Response:  # fmt: skip
    actor = with_loans(app, views, user.actor)
    latest = app.contracts.get(actor, contract_id)
    shown = app.contracts.get(actor, contract_id, version=version) if version else latest
    open_count = views.complaints.open_by_contract([str(contract_id)]).get(str(contract_id), 0)
    body = contract_body(shown, open_count, actor)
    travelling = shown.version != latest.version
    return page(
        request, "contract.html", user, status=status,
        c=body, latest=latest.version, travelling=travelling,
        diagram=diagram(CONTRACT_LIFECYCLE, shown.state, drawn_apart=AMENDMENT_LIFECYCLE),
        routing=shown.routing, events=history_body(contract_id, app.contracts.history(
            actor, contract_id))["events"],
        forms=[] if travelling else _forms(latest, actor, body["my_actions"], failed),
        # a refusal of an action no longer offered (another's change came first)
        refused=failed.errors if failed and failed.action not in body["my_actions"] else {},
        complaints=_complaints(app, views, user, contract_id),
    )  # fmt: skip


def _forms(
    contract: Any, actor: Any, actions: list[str], failed: Failed | None
) -> list[dict[str, Any]]:
    forms = []
    for action in actions:
        if action not in COMMANDS:  # revising a draft has its own page
            continue
        refused = failed if failed is not None and failed.action == action else None
        forms.append({
            "action": action,
            "fields": [
                spec
                for spec in fields_of(COMMANDS[action].body)
                if spec.name != "on_behalf_of" or actor.lent  # offered to deputies only
            ],
            "choices": {
                "step": decidable_steps(actor, contract, action),
                "on_behalf_of": ["", *_delegators(actor, contract, action)],
            },
            "typed": refused.values if refused else {},
            "errors": refused.errors if refused else {},
            "once": secrets.token_urlsafe(16),
        })  # fmt: skip
    return forms


def _delegators(actor: Any, contract: Any, action: str) -> list[str]:
    """Those the visitor may act for in this action, by the roles they lent them today."""
    return sorted({delegator for _, delegator in decisions(actor, contract, action) if delegator})


def _complaints(
    app: ContractFlow, views: Projections, user: User, contract_id: UUID
) -> list[Complaint] | None:
    """The contract's open complaints, for those who read complaints (others see a count)."""
    if not user.actor.has(*COMPLAINT_READERS):
        return None
    filters = {"contract_id": str(contract_id), "contract_owner": None}
    ids, _ = views.complaints.search(filters, datetime.now(UTC), 100, 0)
    found = [app.complaints.get(user.actor, UUID(i)) for i in ids]
    return [complaint for complaint in found if complaint.state != "revisited"]
