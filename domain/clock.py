"""When events are recorded: the server's clock, in UTC. A demonstration may record its
story as of earlier moments (`recorded_as_of`), so that its contracts have waited for
their approvals as long as they appear to; nothing else sets the clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_AS_OF: ContextVar[datetime | None] = ContextVar("recorded_as_of", default=None)


def recording_time() -> datetime:
    return _AS_OF.get() or datetime.now(UTC)


@contextmanager
def recorded_as_of(moment: datetime) -> Iterator[None]:
    token = _AS_OF.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _AS_OF.reset(token)
