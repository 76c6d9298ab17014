"""Which books a report reads (SPEC §5, §7): the caller's own contracts for a sales rep, in
one currency (never two added together), as they stood at a recording time if asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from api import fields
from api.dependencies import CurrentActor
from domain.actors import Actor
from domain.contracts.policy import authorize_reports
from domain.contracts.terms import DEFAULT_CURRENCY
from projections.receivables_figures import Scope
from projections.view import recorded

KnownAt = Annotated[
    fields.Timestamp | None,
    Query(
        description="as the books stood then: only events recorded by then count (ISO, with offset)"
    ),
]
Currency = Annotated[
    str, Query(pattern=r"^[A-Z]{3}$", description="contracts in this currency only")
]


@dataclass(frozen=True)
class Books:
    scope: Scope
    known_at: datetime | None
    currency: str


def books_for(actor: Actor, known_at: datetime | None, currency: str = DEFAULT_CURRENCY) -> Books:
    owner = authorize_reports(actor)
    scope = Scope(owner=owner, known_at=recorded(known_at) if known_at else None, currency=currency)
    return Books(scope, known_at, currency)


def _books(
    actor: CurrentActor, known_at: KnownAt = None, currency: Currency = DEFAULT_CURRENCY
) -> Books:
    return books_for(actor, known_at, currency)


BooksAsked = Annotated[Books, Depends(_books)]
