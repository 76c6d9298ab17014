"""Applies the event log to one view in batches: each batch is one transaction holding the
view's rows and its tracking record, so a crash loses a whole batch or nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from projections.view import View

BATCH_SIZE = 1000


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
        """Apply every event after the view's position (up to `until`); returns the position."""
        with self._lock:
            position = self.position
            while until is None or position < until:
                notifications = self.app.recorder.select_notifications(
                    start=position + 1, limit=self.batch_size, stop=until
                )
                if not notifications:
                    break
                try:
                    with self.view.store.writing() as writer:
                        for notification in notifications:
                            event = self.app.mapper.to_domain_event(notification)
                            self.view.apply(writer, event, notification.id)
                        writer.track(self.view.key, notifications[-1].id)
                except IntegrityError:
                    moved = self.position
                    if moved == position:
                        raise  # not a race: the view itself refused the batch
                    position = moved  # another process applied it first: go on from there
                    continue
                position = notifications[-1].id
                if done is not None:
                    done(len(notifications))
            return position
