"""Each action of the complaint loop as the API and the web pages take it, said once: its
request body (SPEC §8), the complaint desk's command it runs, and what it does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api import schemas
from api.users import UserDirectory
from domain.actors import CUSTOMER_SERVICE, Actor
from domain.complaints.complaint import Complaint
from domain.complaints.service import ComplaintDesk
from domain.errors import InvalidInputError

Run = Callable[[ComplaintDesk, Actor, UUID, Any, dict[str, Any]], Complaint]


@dataclass(frozen=True)
class Command:
    body: type[schemas.Body]
    run: Run  # (desk, actor, complaint id, body, how) → the complaint as it now stands
    does: str


COMMANDS: dict[str, Command] = {
    "assign": Command(
        schemas.Assign,
        lambda desk, actor, cid, body, how: desk.assign(actor, cid, body.handler, **how),
        "Give the complaint to a customer service colleague; only they handle it then.",
    ),
    "handle": Command(
        schemas.Handle,
        lambda desk, actor, cid, body, how: desk.handle(
            actor, cid, body.resolution, body.handled_at, **how
        ),
        "Record the resolution (迅速有结果); the revisit becomes due.",
    ),
    "revisit": Command(
        schemas.Revisit,
        lambda desk, actor, cid, body, how: desk.revisit(
            actor, cid, body.outcome(), body.revisited_at, **how
        ),
        "回访: a satisfied customer closes the loop; an unsatisfied one reopens it.",
    ),
}


def ensure_handler(directory: UserDirectory, body: Any) -> None:
    """An assignment names a customer service user (the users file knows who is one)."""
    handler = getattr(body, "handler", None)
    if handler is None:
        return
    user = directory.users.get(handler)
    if user is None or CUSTOMER_SERVICE not in user.roles:
        raise InvalidInputError(f"{handler!r} is not a customer service user")
