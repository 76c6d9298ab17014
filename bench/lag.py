"""Projection lag under command load, as a reader would meet it: every `EVERY` seconds,
how long the oldest event that some view has yet to apply has been waiting (0 when every
view is at the head). The wait runs from the event's own timestamp, taken when the API
process ran the command, so it counts the commit, the wake-up and the runner's batching."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from bench.measure import percentile
from projections.runtime import VIEW_CLASSES
from projections.store import ViewStore

EVERY = 0.05  # seconds between samples


class LagSampler:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.store = ViewStore.beside(app)
        self.samples: list[float] = []  # seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True, name="lag")

    def _sample(self) -> None:
        while not self._stop.wait(EVERY):
            self.samples.append(self.lag())

    def lag(self) -> float:
        """Seconds the oldest event not yet applied by every view has waited."""
        head = self.app.recorder.max_notification_id() or 0
        behind = min(self._positions())
        if behind >= head:
            return 0.0
        oldest = self.app.recorder.select_notifications(start=behind + 1, limit=1)[0]
        recorded = self.app.mapper.to_domain_event(oldest).timestamp
        return max((datetime.now(UTC) - recorded).total_seconds(), 0.0)

    def _positions(self) -> list[int]:
        names = [view.name for view in VIEW_CLASSES]
        rows = self.store.rows(
            f"SELECT application_name AS view, MAX(notification_id) AS position "  # noqa: S608
            f"FROM {self.store.tracking_table} WHERE application_name IN "
            f"({', '.join('?' for _ in names)}) GROUP BY application_name",
            names,
        )
        found = {row["view"]: int(row["position"]) for row in rows}
        return [found.get(name, 0) for name in names]

    def figures(self) -> dict[str, float]:
        return {
            "lag_p50_ms": percentile(self.samples, 0.50) * 1000,
            "lag_p99_ms": percentile(self.samples, 0.99) * 1000,
            "lag_samples": len(self.samples),
        }

    def __enter__(self) -> LagSampler:
        """Sample in a thread of this process until the block ends."""
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
