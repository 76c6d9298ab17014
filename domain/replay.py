"""Rebuilding aggregates from their events, as the library does, minus one check.

The library's default projector asserts `isinstance(event, CanMutateProtocol)` for every
event; on Python 3.11 a runtime protocol check costs about 45 µs, measured as a quarter of
a command's time (bench/). Our events are the library's own aggregate events, which
always can mutate, so replay calls `mutate` directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.application import Repository


def replay(aggregate: Any, events: Iterable[Any]) -> Any:
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class ReplayingRepository(Repository[Any]):
    """The library's repository, replaying with `replay` unless told otherwise."""

    def get(self, aggregate_id: Any, *, projector_func: Any = replay, **options: Any) -> Any:
        return super().get(aggregate_id, projector_func=projector_func, **options)
