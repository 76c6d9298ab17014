"""What routes receive: the application, the authenticated actor, the `If-Match` version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPBearer

from api.users import User, UserDirectory
from domain.actors import Actor
from domain.application import ContractFlow
from domain.errors import InvalidInputError, NotFoundError, VersionMismatchError
from projections.runtime import Projections

# Documents the scheme in OpenAPI; the Gatekeeper middleware has already checked the token.
_bearer = HTTPBearer(auto_error=False, description="a token from the users file")


def _application(request: Request) -> ContractFlow:
    return request.app.state.application


def _projections(request: Request) -> Projections:
    return request.app.state.projections


def _directory(request: Request) -> UserDirectory:
    return request.app.state.directory


def _actor(request: Request, _: Annotated[object, Security(_bearer)] = None) -> Actor:
    user: User = request.scope["state"]["user"]
    return user.actor


def with_loans(app: ContractFlow, views: Projections, actor: Actor) -> Actor:
    """The actor with the roles lent to them today (SPEC §2.2), to offer what they may
    decide on another's behalf. Read as the view stands (a delegation's own command brings
    it up to date), so that a read never waits to write a view's position."""
    lent = views.views["delegations"].received(actor.id, app.today())  # type: ignore[attr-defined]
    return actor.with_loans(lent)


def _lending_actor(request: Request, actor: Annotated[Actor, Depends(_actor)]) -> Actor:
    return with_loans(_application(request), _projections(request), actor)


def _expected_version(
    if_match: Annotated[str | None, Header(description='"<version>" from the ETag')] = None,
) -> int | None:
    """`If-Match: "3"` (or W/"3", or 3); `*` matches any version."""
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise VersionMismatchError(f"If-Match {if_match!r} names no version of this resource")
    return int(text)


def refuse_unknown_query(request: Request) -> None:
    """A query parameter the route does not take is refused, never silently ignored
    (SPEC §6): `sort=` or `format=csv` where they mean nothing would mislead."""
    known = frozenset(_aliases(request.scope["route"].dependant))
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise InvalidInputError(
            f"unknown query parameters {unknown}; this route takes {sorted(known) or 'none'}"
        )


def _aliases(dependant: Dependant) -> Iterator[str]:
    """The query parameters a route and every dependency it uses declare."""
    yield from (field.alias for field in dependant.query_params)
    for dependency in dependant.dependencies:
        yield from _aliases(dependency)


def parse_id(value: str) -> UUID:
    """A malformed id is simply an unknown one: 404, like any other."""
    try:
        return UUID(value)
    except ValueError:
        raise NotFoundError(f"no resource {value!r}") from None


Application = Annotated[ContractFlow, Depends(_application)]
Directory = Annotated[UserDirectory, Depends(_directory)]
Views = Annotated[Projections, Depends(_projections)]
LendingActor = Annotated[Actor, Depends(_lending_actor)]  # with the roles lent to them today
CurrentActor = Annotated[Actor, Depends(_actor)]
ExpectedVersion = Annotated[int | None, Depends(_expected_version)]
