"""Tamper evidence: every stored event is chained to its aggregate's previous event.

Each event carries `chain_prev` (the previous event's `chain`, or the genesis value for a
first event) and `chain` = SHA-256 of `chain_prev` and the event's canonical encoding.
Editing an event's content breaks its own chain; the audit seal (a projection) notices
deleted, inserted and reordered events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.clock import recording_time
from domain.errors import IntegrityBrokenError

GENESIS = "0" * 64
CHAIN_FIELDS = ("chain_prev", "chain")
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})


def plain(value: Any) -> Any:
    """JSON-ready values: money keeps its exact decimal text, dates their ISO form."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return _as_text(value) if isinstance(value, _TEXT_TYPES) else value


_TEXT_TYPES = (Decimal, UUID, date, datetime)


def _as_text(value: Any) -> str:
    """The text of a value JSON has no type for (money, ids, dates)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def _said(event: Any) -> dict[str, Any]:
    """The event's own fields: not the envelope, not the chain."""
    return {
        key: value
        for key, value in vars(event).items()
        if key not in ENVELOPE and key not in CHAIN_FIELDS
    }


def event_data(event: Any) -> dict[str, Any]:
    """What the event says, JSON-ready."""
    return plain(_said(event))


# The encoder calls `_as_text` only for values JSON has no type for, so the canonical text
# is that of `plain` without walking every dict and list in Python first.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_as_text
)


def canonical(event: Any) -> bytes:
    """The event's canonical encoding: UTF-8 JSON, keys sorted, no spaces, non-ASCII kept,
    of its aggregate, version, type, recording time and what it says. The chain and the
    Merkle tree both hash these bytes (docs/audit.md spells them out)."""
    return _CANONICAL.encode(
        {
            "aggregate": str(event.originator_id),
            "version": event.originator_version,
            "type": type(event).__qualname__,
            "recorded_at": event.timestamp.isoformat(),
            "data": _said(event),
        }
    ).encode()


def link(previous: str, event: Any) -> str:
    """The chain value of `event` following `previous`."""
    return chained(previous, canonical(event))


def chained(previous: str, encoded: bytes) -> str:
    """The chain value of an event whose canonical encoding is `encoded`."""
    return hashlib.sha256(previous.encode() + encoded).hexdigest()


class ChainedAggregate(Aggregate):
    """An aggregate that remembers the chain of the last stored event it was built from,
    so that its next save continues the chain without reading the log again."""

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            return recording_time()

        def mutate(self, aggregate: Any) -> Any:
            chain = getattr(self, "chain", None)  # new events get theirs when saved
            if chain is not None:
                self._check_chain(aggregate, chain)
            aggregate = super().mutate(aggregate)
            if aggregate is not None and chain is not None:
                aggregate.chain_head = chain
            return aggregate

        def _check_chain(self, aggregate: Any, chain: str) -> None:
            """A stored event must follow the one before it and match its own content:
            otherwise the aggregate would be built from an altered log."""
            previous = (
                GENESIS
                if aggregate is None
                else getattr(aggregate, "chain_head", None) or self.chain_prev
            )
            if self.chain_prev != previous or link(self.chain_prev, self) != chain:
                raise IntegrityBrokenError(
                    f"{type(self).__qualname__} v{self.originator_version} of "
                    f"{self.originator_id} does not match its chain: the log was altered "
                    "outside the service; an auditor should run verify"
                )

    class Created(Event, Aggregate.Created):
        pass


def seal_pending(events_store: Any, aggregates: Iterable[Any]) -> None:
    """Give each pending event its chain, continuing from the aggregate's last stored event."""
    for aggregate in aggregates:
        pending = getattr(aggregate, "pending_events", None)
        if not pending:
            continue
        first = pending[0].originator_version
        previous = GENESIS if first == 1 else getattr(aggregate, "chain_head", None)
        if previous is None:  # built from a snapshot taken before it kept its chain head
            stored = list(events_store.get(aggregate.id, gt=first - 2, lte=first - 1))
            previous = getattr(stored[0], "chain", GENESIS) if stored else GENESIS
        for event in pending:
            object.__setattr__(event, "chain_prev", previous)
            previous = link(previous, event)
            object.__setattr__(event, "chain", previous)
        aggregate.chain_head = previous
