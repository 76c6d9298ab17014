"""Applies the event log to one view in batches: each batch is one transaction holding the
view's rows and its tracking record, so a crash loses a whole batch or nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from projections.view import View

BATCH_SIZE = 1000
WINDOW = 8  # batches: the most log positions one query looks through


class Projector:
    def __init__(self, app: Application, view: View, batch_size: int = BATCH_SIZE) -> None:  # type: ignore[type-arg]
        self.app = app
        self.view = view
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one batch at a time in this process

    @property
    def position(self) -> int:
        return self.view.store.position(self.view.key)

    def catch_up(self, until: int | None = None, done: Callable[[int], None] | None = None) -> int:
        """Apply every event after the view's position up to `until` (default: the head now);
        returns the position. `done` hears how many log positions each batch covered.

        The database selects only the events the view reads, so a batch may cover many
        more positions than it holds. Positions up to the head are final when read: the
        library's recorders assign and commit positions in order (a table lock on
        PostgreSQL), so a later commit never fills a gap behind the head."""
        with self._lock:
            stop = (self.app.recorder.max_notification_id() or 0) if until is None else until
            position = self.position
            while position < stop:
                # A bounded window keeps each query's scan short whatever the planner knows.
                window_end = min(stop, position + WINDOW * self.batch_size)
                notifications = self.app.recorder.select_notifications(
                    start=position + 1,
                    limit=self.batch_size,
                    stop=window_end,
                    topics=self.view.topics,
                )
                full = len(notifications) == self.batch_size
                reached = notifications[-1].id if full else window_end
                try:
                    with self.view.store.writing() as writer:
                        for notification in notifications:
                            event = self.app.mapper.to_domain_event(notification)
                            self.view.apply(writer, event, notification.id)
                        writer.track(self.view.key, reached)
                except IntegrityError:
                    moved = self.position
                    if moved == position:
                        raise  # not a race: the view itself refused the batch
                    position = moved  # another process applied it first: go on from there
                    continue
                if done is not None:
                    done(reached - position)
                position = reached
            return position
