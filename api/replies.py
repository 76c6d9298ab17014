"""Contract and complaint responses, rendered once as complete HTTP responses.

The rendering is what an `Idempotency-Key` keeps beside the command's events, so a
repeated request is answered with the very same status, headers and bytes.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api import schemas
from api.dependencies import Views
from api.presenters import complaint_body, contract_body
from domain.errors import InvalidInputError
from domain.idempotency import REQUEST, IdempotentRequest


def stored_response(rendered: dict[str, Any]) -> Response:
    return Response(
        content=rendered["body"], status_code=rendered["status"], headers=rendered["headers"],
        media_type="application/json",
    )  # fmt: skip


class Reply(ABC):
    model: type[BaseModel]
    collection: str  # where new resources are found, for `Location`

    def __init__(self, views: Views) -> None:
        self.views = views
        self._rendered: dict[tuple[Any, int], dict[str, Any]] = {}

    @abstractmethod
    def payloads(self, aggregates: list[Any]) -> list[dict[str, Any]]:
        """The response bodies, as dicts of the resource's shape."""

    def render(self, aggregate: Any) -> dict[str, Any]:
        """Status, headers and body; a new resource (version 1) answers 201 with Location."""
        key = (aggregate.id, aggregate.version)
        if key not in self._rendered:
            body = self.model.model_validate(self.payloads([aggregate])[0]).model_dump_json()
            headers = {"ETag": f'"{aggregate.version}"'}
            created = aggregate.version == 1
            if created:
                headers["Location"] = f"{self.collection}/{aggregate.id}"
            status = 201 if created else 200
            self._rendered[key] = {"status": status, "headers": headers, "body": body}
        return self._rendered[key]

    def __call__(self, aggregate: Any) -> Response:
        return stored_response(self.render(aggregate))


class ContractReply(Reply):
    """A contract with its open complaints' count. The complaints view is read as it is:
    every complaint command brings it up to date before answering (see ComplaintReply),
    so it already holds every complaint change whose response anyone has seen, and the
    many contract commands do not each pay for a catch-up."""

    model = schemas.ContractOut
    collection = "/api/contracts"

    def payloads(self, contracts: list[Any]) -> list[dict[str, Any]]:
        counts = self.views.complaints.open_by_contract([str(c.id) for c in contracts])
        return [contract_body(c, counts.get(str(c.id), 0)) for c in contracts]


class ComplaintReply(Reply):
    model = schemas.ComplaintOut
    collection = "/api/complaints"

    def payloads(self, complaints: list[Any]) -> list[dict[str, Any]]:
        self.views.refresh("complaints")  # what contract replies count on (see above)
        return [complaint_body(complaint) for complaint in complaints]


async def _idempotent(request: Request, reply: Reply) -> None:
    """A POST with `Idempotency-Key` is recorded with its response (SPEC §8). Async, so
    that the request's context, where the key is noted, is the one the route runs in."""
    key = request.headers.get("idempotency-key")
    if key is None or request.method != "POST":
        return
    if not 1 <= len(key) <= 255:
        raise InvalidInputError("Idempotency-Key is 1 to 255 characters")
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\x00")
    digest.update(await request.body())
    user = request.scope["state"]["user"].id
    REQUEST.set(IdempotentRequest(user, key, digest.hexdigest(), reply.render))


async def _contract_reply(request: Request, views: Views) -> ContractReply:
    reply = ContractReply(views)
    await _idempotent(request, reply)
    return reply


async def _complaint_reply(request: Request, views: Views) -> ComplaintReply:
    reply = ComplaintReply(views)
    await _idempotent(request, reply)
    return reply


ContractReplies = Annotated[ContractReply, Depends(_contract_reply)]
ComplaintReplies = Annotated[ComplaintReply, Depends(_complaint_reply)]
