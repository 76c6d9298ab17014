"""The complaint board (SPEC §10): complaints by state with their overdue marks and the
loop's figures; receiving a complaint; one complaint with the forms of the loop."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import schemas
from api.complaint_commands import COMMANDS, ensure_handler
from api.dependencies import Application, Directory, Views, parse_id
from api.presenters import complaint_body, history_body
from domain.actors import CUSTOMER_SERVICE
from domain.complaints.lifecycle import COMPLAINT_LIFECYCLE, STATES
from domain.complaints.policy import authorize_reading
from domain.errors import NotFoundError
from web.forms import fields_of
from web.posting import Failed, posted
from web.render import page
from web.session import Posted, Visitor

router = APIRouter(include_in_schema=False)
PER_STATE = 100


@router.get("/complaints")
def board(request: Request, user: Visitor, app: Application, views: Views) -> Response:
    return _board(request, user, app, views)


def _board(
    request: Request, user: Any, app: Any, views: Any, *,
    failed: Failed | None = None, status: int = 200,
) -> Response:  # fmt: skip
    owner = authorize_reading(user.actor)
    views.refresh("complaints")
    now = datetime.now(UTC)
    columns = {}
    for state in STATES:
        ids, total = views.complaints.search(
            {"state": state, "contract_owner": owner}, now, PER_STATE, 0
        )
        columns[state] = (
            [complaint_body(app.complaints.get(user.actor, UUID(i)), user.actor) for i in ids],
            total,
        )
    return page(
        request, "complaints.html", user, status=status, columns=columns, now=now,
        loop=views.complaints.loop(now, owner),
        receiving=user.actor.has(*COMPLAINT_LIFECYCLE.creators),
        fields=fields_of(schemas.ComplaintReceive), once=secrets.token_urlsafe(16),
        failed=failed or Failed("receive", {}),
    )  # fmt: skip


@router.post("/complaints")
def receive(
    request: Request, user: Visitor, app: Application, views: Views, form: Posted
) -> Response:
    def run(body: Any, once: Any) -> str:
        complaint = app.complaints.receive(user.actor, body.details(), body.received_at, once=once)
        views.settle("complaints")
        return f"/complaints/{complaint.id}"

    def again(failed: Failed, status: int) -> Response:
        return _board(request, user, app, views, failed=failed, status=status)

    return posted(
        request, user, form, "receive", schemas.ComplaintReceive, run, again, "/complaints"
    )


@router.get("/complaints/{complaint_id}")
def complaint(request: Request, complaint_id: str, user: Visitor, app: Application) -> Response:
    return _complaint(request, user, app, parse_id(complaint_id))


def _complaint(
    request: Request, user: Any, app: Any, complaint_id: UUID, *,
    failed: Failed | None = None, status: int = 200,
) -> Response:  # fmt: skip
    shown = app.complaints.get(user.actor, complaint_id)
    body = complaint_body(shown, user.actor)
    directory = request.app.state.directory
    handlers = sorted(
        uid for uid, known in directory.users.items() if CUSTOMER_SERVICE in known.roles
    )
    forms = [
        {
            "action": action, "fields": fields_of(COMMANDS[action].body),
            "choices": {"handler": handlers}, "once": secrets.token_urlsafe(16),
            "typed": failed.values if failed and failed.action == action else {},
            "errors": failed.errors if failed and failed.action == action else {},
        }
        for action in body["my_actions"]
    ]  # fmt: skip
    events = history_body(complaint_id, app.complaints.history(user.actor, complaint_id))["events"]
    return page(
        request, "complaint.html", user, status=status, k=body, forms=forms, events=events,
        now=datetime.now(UTC),
    )  # fmt: skip


@router.post("/complaints/{complaint_id}/{action}")
def act(
    request: Request, complaint_id: str, action: str, user: Visitor, app: Application,
    views: Views, users: Directory, form: Posted,
) -> Response:  # fmt: skip
    command, uuid = COMMANDS.get(action), parse_id(complaint_id)
    if command is None:
        raise NotFoundError(f"no action {action!r}")

    def run(body: Any, once: Any) -> str:
        ensure_handler(users, body)
        command.run(app.complaints, user.actor, uuid, body, {"expected": None, "once": once})
        views.settle("complaints")
        return f"/complaints/{uuid}"

    def again(failed: Failed, status: int) -> Response:
        return _complaint(request, user, app, uuid, failed=failed, status=status)

    return posted(request, user, form, action, command.body, run, again, f"/complaints/{uuid}")
