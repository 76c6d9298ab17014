"""The library's persistence, with waits bounded by the configured timeout, so that a
request gets its answer, 503 `busy` when the store cannot serve it (SPEC §8), within about
that timeout (at most twice).

PostgreSQL: the library retries each store call up to ten times, 0.2 s apart, on any
connection or lock error: with a 2 s lock or pool timeout a request could hang for 20 s.
Here a read is tried again only while its first try's timeout has not run out. A write is
tried once: after a lost connection nobody knows whether it committed, and running the
command again could record it twice; the client decides, and `Idempotency-Key` makes its
retry safe.
Processes starting together on a new database create the library's tables in turn.

SQLite: one writer at a time in a process; the others, and readers behind them, queue for
a turn (5 s by default) before SQLite's own wait for its lock (the timeout). A request may
queue and wait for the lock twice (its command, then the views): here each queue waits a
quarter of the timeout and each lock wait half of it, so both fit in 1.5 × the timeout.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresTrackingRecorder,
)
from eventsourcing.sqlite import SQLiteFactory

from projections.store import tables_in_turn

PAUSE = 0.05  # seconds between tries of a read
F = TypeVar("F", bound=Callable[..., Any])


def reads_within_timeout(method: F) -> F:
    """The library's read, without its ten tries: tried again until the pool's timeout
    (the configured one) has passed since the first try."""
    once = method.__wrapped__  # type: ignore[attr-defined]

    @functools.wraps(once)
    def read(self: Any, *args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + self.datastore.pool.timeout
        while True:
            try:
                return once(self, *args, **kwargs)
            except (InterfaceError, OperationalError):
                if time.monotonic() + PAUSE >= deadline:
                    raise
                time.sleep(PAUSE)

    return read  # type: ignore[return-value]


def writes_once(method: F) -> F:
    """The library's write, tried once."""
    return method.__wrapped__  # type: ignore[attr-defined,no-any-return]


class TablesInTurn:
    """The library's tables created one process at a time (see `tables_in_turn`)."""

    datastore: PostgresDatastore

    def create_table(self) -> None:
        with tables_in_turn(self.datastore):
            super().create_table()  # type: ignore[misc]


class BoundedAggregateRecorder(TablesInTurn, PostgresAggregateRecorder):
    """Snapshots."""

    insert_events = writes_once(PostgresAggregateRecorder.insert_events)
    select_events = reads_within_timeout(PostgresAggregateRecorder.select_events)


class BoundedApplicationRecorder(TablesInTurn, PostgresApplicationRecorder):
    """Events and the notification log."""

    insert_events = writes_once(PostgresApplicationRecorder.insert_events)
    select_events = reads_within_timeout(PostgresApplicationRecorder.select_events)
    select_notifications = reads_within_timeout(PostgresApplicationRecorder.select_notifications)
    max_notification_id = reads_within_timeout(PostgresApplicationRecorder.max_notification_id)


class BoundedTrackingRecorder(TablesInTurn, PostgresTrackingRecorder):
    """The read models' positions."""

    insert_tracking = writes_once(PostgresTrackingRecorder.insert_tracking)
    max_tracking_id = reads_within_timeout(PostgresTrackingRecorder.max_tracking_id)
    has_tracking_id = reads_within_timeout(PostgresTrackingRecorder.has_tracking_id)


class BoundedPostgresFactory(PostgresFactory):
    aggregate_recorder_class = BoundedAggregateRecorder
    application_recorder_class = BoundedApplicationRecorder
    tracking_recorder_class = BoundedTrackingRecorder


class BoundedSQLiteFactory(SQLiteFactory):
    def __init__(self, env: Any) -> None:
        super().__init__(env)
        lock_timeout = self.datastore.pool.lock_timeout or 5
        self.datastore.pool.pool_timeout = lock_timeout / 4
        self.datastore.pool.lock_timeout = lock_timeout / 2  # type: ignore[assignment]
