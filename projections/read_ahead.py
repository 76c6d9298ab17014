"""The log read one batch ahead of a view: while the view applies a batch, a thread selects
and decodes the next one. The database answers the select, and psycopg waits for it and
for the view's writes without holding the GIL, so reading (a third to a half of a replay's
work) overlaps writing instead of following it.

A batch read ahead is used only if the view starts where it was expected to (another
process may have moved the view meanwhile); otherwise it is read again from there."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

WINDOW = 8  # batches: the most log positions one query looks through


@dataclass(frozen=True)
class Entry:
    """One notification, decoded: its event, or what decoding it raised (which the view
    meets when it comes to apply it, so that only that event stops the view)."""

    notification: Notification
    event: Any = None
    error: Exception | None = None

    def domain_event(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.event


@dataclass(frozen=True)
class Batch:
    entries: list[Entry]
    reached: int  # the last log position it covers: it holds every event the view reads up to it


class ReadAhead:
    def __init__(
        self,
        app: Application[Any],
        topics: Sequence[str],
        batch_size: int,
        pool: ThreadPoolExecutor,
    ) -> None:
        self.app = app
        self.topics = topics
        self.batch_size = batch_size
        self._pool = pool
        self._next: tuple[int, int, Future[Batch]] | None = None

    def read(self, position: int, limit: int) -> Batch:
        """The events the view reads after `position`, up to `limit`; the next batch
        is read meanwhile."""
        ahead, self._next = self._next, None
        if ahead is not None and ahead[:2] == (position, limit):
            batch = ahead[2].result()
        else:
            batch = self._read(position, limit)
        if batch.reached < limit:
            following = self._pool.submit(self._read, batch.reached, limit)
            self._next = (batch.reached, limit, following)
        return batch

    def _read(self, position: int, limit: int) -> Batch:
        # A bounded window keeps each query's scan short whatever the planner knows.
        window_end = min(limit, position + WINDOW * self.batch_size)
        notifications = self.app.recorder.select_notifications(
            start=position + 1, limit=self.batch_size, stop=window_end, topics=self.topics
        )
        full = len(notifications) == self.batch_size
        return Batch(
            [self._decoded(notification) for notification in notifications],
            notifications[-1].id if full else window_end,
        )

    def _decoded(self, notification: Notification) -> Entry:
        try:
            return Entry(notification, self.app.mapper.to_domain_event(notification))
        except Exception as error:  # raised again when the view comes to apply it
            return Entry(notification, error=error)


@contextmanager
def reading_ahead(
    app: Application[Any], topics: Sequence[str], batch_size: int
) -> Iterator[ReadAhead]:
    """A reader for one catch-up; on leaving, a batch still being read is waited for
    (the store must not be closed under it) and dropped."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        yield ReadAhead(app, topics, batch_size, pool)
