"""How every command runs: load, decide, save; and on a lost version race, all again.

A save that loses the race raises `IntegrityError`; the command then runs again on fresh
state, so every rule is checked again and no concurrent command is lost (SPEC §8).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypedDict, TypeVar

from eventsourcing.persistence import IntegrityError
from typing_extensions import Unpack

from domain.errors import BusyError, DomainError, NotFoundError, VersionMismatchError
from domain.idempotency import IdempotentRequest, records_for, replay_if_seen

T = TypeVar("T")
MAX_ATTEMPTS = 200


class How(TypedDict, total=False):
    """How a command is asked: `expected`, the client's `If-Match` version; `once`, the
    request whose `Idempotency-Key` makes it happen at most once."""

    expected: int | None
    once: IdempotentRequest | None


def retry_on_conflict(attempt: Callable[[], T]) -> T:
    """Run `attempt` until its save wins the version race; back off a little, with jitter."""
    for tries in range(MAX_ATTEMPTS):
        try:
            return attempt()
        except IntegrityError:
            time.sleep(random.uniform(0, 0.002 * min(tries + 1, 10)))  # noqa: S311 - jitter
    raise BusyError(f"gave up after {MAX_ATTEMPTS} conflicting attempts; try again")


def change(
    app: Any, load: Callable[[], T], command: Callable[[T], list[Any] | None], **how: Unpack[How]
) -> T:
    """Load, check `If-Match`, run the command and save (with any other aggregate the
    command returns, in the same transaction), retrying on conflicts."""
    expected = how.get("expected")

    def decide() -> list[Any]:
        aggregate = load()
        version = aggregate.version  # type: ignore[attr-defined]
        if expected is not None and version != expected:
            raise VersionMismatchError(
                f"If-Match names version {expected}; the resource is at {version}",
                current_version=version,
            )
        return [aggregate, *(command(aggregate) or [])]

    return record(app, decide, how.get("once"))


def record(app: Any, decide: Callable[[], list[Any]], once: IdempotentRequest | None = None) -> Any:
    """Save what `decide` returns (the aggregate answered with first) in one transaction,
    with the idempotency record when the request has a key (`once`); retry on conflicts."""

    def attempt() -> Any:
        replay_if_seen(app.repository, once)
        try:
            aggregates = decide()
        except DomainError:
            # A duplicate of this request may have won meanwhile: then its answer is ours.
            replay_if_seen(app.repository, once)
            raise
        app.save(*aggregates, *records_for(aggregates[0], once))
        return aggregates[0]

    return retry_on_conflict(attempt)


def as_it_stood(
    repository: Any, events: Any, current: T, version: int | None, as_of: datetime | None
) -> T:
    """Time travel: `current` at `version`, or at the last version recorded by `as_of`."""
    aggregate_id, latest = current.id, current.version  # type: ignore[attr-defined]
    if as_of is not None:
        version = version_at(events.get(aggregate_id), as_of)
    if version is None or version == latest:
        return current
    if not 1 <= version <= latest:
        raise NotFoundError(f"{aggregate_id} has no version {version}")
    return repository.get(aggregate_id, version=version)


def version_at(events: Iterable[Any], as_of: datetime) -> int:
    """The last version recorded at or before `as_of`."""
    version = 0
    for stored in events:
        if stored.timestamp > as_of:
            break
        version = stored.originator_version
    if version == 0:
        raise NotFoundError(f"it did not exist at {as_of.isoformat()}")
    return version
