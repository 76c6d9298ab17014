"""Contract and complaint responses, rendered once as complete HTTP responses.

The rendering is what an `Idempotency-Key` keeps beside the command's events, so a
repeated request is answered with the very same status, headers and bytes. It is a pure
function of the changed aggregate and of values read before the command ran (a contract's
open complaints): the write itself never queries a read model.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api import schemas
from api.dependencies import CurrentActor, LendingActor, Views
from api.presenters import complaint_body, contract_body, customer_body
from domain.actors import Actor
from domain.delegations.delegation import as_dict
from domain.errors import InvalidInputError
from domain.idempotency import IdempotentRequest


def stored_response(rendered: dict[str, Any]) -> Response:
    return Response(
        content=rendered["body"], status_code=rendered["status"], headers=rendered["headers"],
        media_type="application/json",
    )  # fmt: skip


class Reply(ABC):
    model: type[BaseModel]
    collection: str  # where new resources are found, for `Location`

    def __init__(self, actor: Actor, status: int) -> None:
        """`status`: the route's own (201 for a create, else 200)."""
        self.actor = actor
        self.status = status
        self.once: IdempotentRequest | None = None  # set when the request has a key
        self._rendered: dict[tuple[Any, int], dict[str, Any]] = {}

    @abstractmethod
    def payloads(self, aggregates: list[Any]) -> list[dict[str, Any]]:
        """The response bodies, as dicts of the resource's shape."""

    def render(self, aggregate: Any) -> dict[str, Any]:
        """Status, headers and body; a create answers 201 with `Location`."""
        key = (aggregate.id, aggregate.version)
        if key not in self._rendered:
            body = self.model.model_validate(self.payloads([aggregate])[0]).model_dump_json()
            headers = {"ETag": f'"{aggregate.version}"'}
            if self.status == 201:
                headers["Location"] = f"{self.collection}/{self.key(aggregate)}"
            self._rendered[key] = {"status": self.status, "headers": headers, "body": body}
        return self._rendered[key]

    def __call__(self, aggregate: Any) -> Response:
        return stored_response(self.render(aggregate))

    def key(self, aggregate: Any) -> str:
        """How a resource is named in its URL."""
        return str(aggregate.id)


class ContractReply(Reply):
    """A contract with its open complaints' count, read before the command runs (a
    contract command does not change it); complaint commands bring the complaints view up
    to date after they are saved, so it holds every complaint change already answered."""

    model = schemas.ContractOut
    collection = "/api/contracts"

    def __init__(self, actor: Actor, status: int, open_complaints: Mapping[str, int]) -> None:
        super().__init__(actor, status)
        self.open_complaints = open_complaints

    def payloads(self, contracts: list[Any]) -> list[dict[str, Any]]:
        return [
            contract_body(c, self.open_complaints.get(str(c.id), 0), self.actor) for c in contracts
        ]


class ComplaintReply(Reply):
    model = schemas.ComplaintOut
    collection = "/api/complaints"

    def payloads(self, complaints: list[Any]) -> list[dict[str, Any]]:
        return [complaint_body(complaint, self.actor) for complaint in complaints]


class CustomerReply(Reply):
    model = schemas.RegisteredCustomer
    collection = "/api/customers"

    def payloads(self, customers: list[Any]) -> list[dict[str, Any]]:
        return [customer_body(customer) for customer in customers]

    def key(self, aggregate: Any) -> str:
        return str(aggregate.customer_id)


class DelegationReply(Reply):
    model = schemas.DelegationOut
    collection = "/api/delegations"

    def payloads(self, delegations: list[Any]) -> list[dict[str, Any]]:
        return [as_dict(delegation) for delegation in delegations]


async def _idempotent(request: Request, reply: Reply) -> None:
    """A POST with `Idempotency-Key` is recorded with its response (SPEC §8)."""
    key = request.headers.get("idempotency-key")
    if key is None or request.method != "POST":
        return
    if not 1 <= len(key) <= 255:
        raise InvalidInputError("Idempotency-Key is 1 to 255 characters")
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\x00")
    digest.update(await request.body())
    reply.once = IdempotentRequest(reply.actor.id, key, digest.hexdigest(), reply.render)


def _status(request: Request) -> int:
    return getattr(request.scope.get("route"), "status_code", None) or 200


def _path_contract(request: Request) -> list[str]:
    """The contract the path names, when it is one (an unknown id is left to the route)."""
    try:
        return [str(UUID(request.path_params["contract_id"]))]
    except (KeyError, ValueError):
        return []


def _open_complaints(request: Request, views: Views) -> dict[str, int]:
    """Read before the command (in the thread pool, as every store access is)."""
    return views.complaints.open_by_contract(_path_contract(request))


async def _contract_reply(
    request: Request,
    actor: LendingActor,
    open_complaints: Annotated[dict[str, int], Depends(_open_complaints)],
) -> ContractReply:
    reply = ContractReply(actor, _status(request), open_complaints)
    await _idempotent(request, reply)
    return reply


async def _complaint_reply(request: Request, actor: CurrentActor) -> ComplaintReply:
    reply = ComplaintReply(actor, _status(request))
    await _idempotent(request, reply)
    return reply


async def _customer_reply(request: Request, actor: CurrentActor) -> CustomerReply:
    reply = CustomerReply(actor, _status(request))
    await _idempotent(request, reply)
    return reply


async def _delegation_reply(request: Request, actor: CurrentActor) -> DelegationReply:
    reply = DelegationReply(actor, _status(request))
    await _idempotent(request, reply)
    return reply


ContractReplies = Annotated[ContractReply, Depends(_contract_reply)]
DelegationReplies = Annotated[DelegationReply, Depends(_delegation_reply)]
CustomerReplies = Annotated[CustomerReply, Depends(_customer_reply)]
ComplaintReplies = Annotated[ComplaintReply, Depends(_complaint_reply)]
