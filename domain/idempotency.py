"""Idempotent commands (SPEC §8): a retried request with the same `Idempotency-Key` gets
the first response again and records nothing new.

The first response is kept in an `IdempotencyRecord` aggregate, one per user and key,
saved in the same transaction as the events the command produced: either both are
stored or neither. Two concurrent requests with one key cannot both win that save, and
the loser, running again, finds the record and replays it. The response itself is opaque
here: the caller passes in how to render it from the changed aggregate alone (no query),
and reads it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import event

from domain.chain import ChainedAggregate
from domain.errors import ConflictError

_NAMESPACE = uuid5(NAMESPACE_URL, "https://contractflow/idempotency")


class IdempotencyKeyReusedError(ConflictError):
    code = "idempotency_key_reused"


class Replayed(Exception):  # noqa: N818 - not an error: the outcome of a repeated request
    """The request was made before: here is the response it got."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__("replayed")
        self.response = response


class IdempotencyRecord(ChainedAggregate):
    @staticmethod
    def create_id(user: str, key: str) -> UUID:
        return uuid5(_NAMESPACE, f"{user}\x1f{key}")

    @event("Recorded")
    def __init__(self, user: str, key: str, fingerprint: str, response: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.response = response


@dataclass(frozen=True)
class IdempotentRequest:
    user: str
    key: str
    fingerprint: str  # what was asked: a different request may not reuse the key
    render: Callable[[Any], dict[str, Any]]  # the response, from the changed aggregate alone


def replay_if_seen(repository: Any, request: IdempotentRequest | None) -> None:
    """Raise `Replayed` (or the reuse error) when this key was used before."""
    if request is None:
        return
    try:
        record = repository.get(IdempotencyRecord.create_id(request.user, request.key))
    except AggregateNotFoundError:
        return
    if record.fingerprint != request.fingerprint:
        raise IdempotencyKeyReusedError("this Idempotency-Key was used for a different request")
    raise Replayed(record.response)


def records_for(aggregate: Any, request: IdempotentRequest | None) -> list[IdempotencyRecord]:
    """The record to save beside the command's events, if the request carries a key."""
    if request is None:
        return []
    response = request.render(aggregate)
    return [IdempotencyRecord(request.user, request.key, request.fingerprint, response)]
