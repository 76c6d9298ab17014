"""Applies the event log to one view in batches: each batch is one transaction holding the
view's rows and its tracking record, so a crash loses a whole batch or nothing. The next
batch is read and decoded while one is applied (read_ahead).

A view that meets an event it cannot apply stops just before it, and says so (health,
`projections status`): it goes on serving what it has, which is consistent, rather than
stopping every later report. Such an event is a bug to fix; losing the store for a while
is not, and errors saying so (`OperationalError`, `InterfaceError`) pass to the caller,
who backs off and tries again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.application import Application
from eventsourcing.persistence import InterfaceError, Notification, OperationalError

from projections.read_ahead import Entry, reading_ahead
from projections.view import View

BATCH_SIZE = 1000
UNAVAILABLE = (OperationalError, InterfaceError)  # the store, not the event: try again later

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stuck:
    """The view stopped before `position`: the event there could not be applied."""

    position: int
    why: str


class Projector:
    def __init__(self, app: Application, view: View, batch_size: int = BATCH_SIZE) -> None:  # type: ignore[type-arg]
        self.app = app
        self.view = view
        self.batch_size = batch_size
        self.stuck: Stuck | None = None
        self._lock = threading.Lock()  # one batch at a time in this process

    @property
    def position(self) -> int:
        return self.view.store.position(self.view.key)

    def catch_up(
        self,
        until: int | None = None,
        done: Callable[[int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Apply every event after the view's position up to `until` (default: the head now),
        or up to the event it cannot apply, or until `stop` is set (checked between
        batches, so that a worker with a long backlog ends promptly when told to); returns
        the position. `done` hears how many log positions each batch covered.

        The database selects only the events the view reads, so a batch may cover many
        more positions than it holds. Positions up to the head are final when read: the
        library's recorders assign and commit positions in order (a table lock on
        PostgreSQL), so a later commit never fills a gap behind the head."""
        with self._lock, reading_ahead(self.app, self.view.topics, self.batch_size) as log:
            end = (self.app.recorder.max_notification_id() or 0) if until is None else until
            position = self.position
            while position < (limit := self._limit(end)) and not (stop and stop.is_set()):
                batch = log.read(position, limit)
                moved = self._apply_or_isolate(batch.entries, position, batch.reached)
                if done is not None and moved > position:
                    done(moved - position)
                if moved == position:  # another process holds it back, or it is stuck
                    break
                position = moved
            return position

    def _limit(self, end: int) -> int:
        return end if self.stuck is None else min(end, self.stuck.position - 1)

    def _apply_or_isolate(self, entries: Sequence[Entry], position: int, reached: int) -> int:
        try:
            return self._apply(entries, position, reached)
        except UNAVAILABLE:
            raise
        except Exception as error:  # whatever a view's code raised: isolated here, and only here
            logger.warning("view %s: a batch failed (%s); finding the event", self.view.key, error)
        for entry in entries:  # one at a time, to find the one it cannot apply
            if entry.notification.id <= position:  # another process applied it meanwhile
                continue
            try:
                position = self._apply([entry], position, entry.notification.id)
            except UNAVAILABLE:
                raise
            except Exception as error:  # the same boundary, one event at a time
                return self._stop_before(entry.notification, error, position)
        return self._apply([], position, reached)

    def _apply(self, entries: Sequence[Entry], expected: int, reached: int) -> int:
        """One transaction: the view's rows and its tracking record; returns its position.
        If another process has moved the view meanwhile, nothing is written here."""
        with self.view.store.writing() as writer:
            current = writer.claim(self.view.key)
            if current != expected:
                return current
            self.view.begin(writer)
            for entry in entries:
                self.view.apply(writer, entry.domain_event(), entry.notification.id)
            self.view.end(writer, reached)
            if reached > current:
                writer.track(self.view.key, reached)
                writer.passed(self.view.key, reached)
        if self.stuck is not None and reached >= self.stuck.position:
            self.stuck = None
        return max(reached, current)

    def _stop_before(self, notification: Notification, error: Exception, position: int) -> int:
        """Record why, and bring the view to just before the event (none between is its)."""
        why = f"{notification.topic} at {notification.id}: {type(error).__name__}: {error}"
        logger.error("view %s cannot apply %s", self.view.key, why)
        self.stuck = Stuck(notification.id, why)
        self.view.store.mark_stuck(self.view.key, notification.id, why)
        return self._apply([], position, notification.id - 1)
