"""The global event log in position order, for auditors: pages and streamed exports.

An event whose stored payload no longer decodes (for instance after tampering) is shown
as such, never turned into a server error.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from api.presenters import event_fields

EXPORT_BATCH = 1000
CSV_COLUMNS = (
    "position",
    "aggregate_type",
    "aggregate_id",
    "version",
    "type",
    "recorded_at",
    "actor",
    "data",
)
UNDECODABLE = (ValueError, TypeError, KeyError, AttributeError)


SCANNED = 20 * EXPORT_BATCH  # positions one filtered page reads at most before it answers


@dataclass(frozen=True)
class LogFilter:
    """Which events an auditor asks for (SPEC §6): by actor, aggregate, event type and
    recording time; nothing set keeps every event."""

    actor: str | None = None
    aggregate_id: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        return self == LogFilter()

    def may_keep(self, notification: Notification) -> bool:
        """What the stored record alone tells, before decoding it."""
        return (
            self.aggregate_id is None or str(notification.originator_id) == self.aggregate_id
        ) and (self.type is None or notification.topic.endswith(f".{self.type}"))

    def keeps(self, item: dict[str, Any]) -> bool:
        recorded = datetime.fromisoformat(item["recorded_at"]) if item["recorded_at"] else None
        return (
            (self.actor is None or item["actor"] == self.actor)
            and (self.since is None or (recorded is not None and recorded >= self.since))
            and (self.until is None or (recorded is not None and recorded <= self.until))
        )


def entries(app: Application[Any], after: int, limit: int) -> list[dict[str, Any]]:
    notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
    return [entry(app, notification) for notification in notifications]


def matching(
    app: Application[Any], after: int, limit: int, wanted: LogFilter
) -> tuple[list[dict[str, Any]], int]:
    """Up to `limit` entries after `after` that `wanted` keeps, and the position to go on
    after: a filtered page reads at most SCANNED positions, so it always answers soon."""
    if wanted.empty:
        found = entries(app, after, limit)
        return found, found[-1]["position"] if found else after
    found: list[dict[str, Any]] = []
    position, stop = after, after + SCANNED
    while len(found) < limit and position < stop:
        batch = app.recorder.select_notifications(start=position + 1, limit=EXPORT_BATCH, stop=stop)
        if not batch:
            break
        for notification in batch:
            position = notification.id
            if wanted.may_keep(notification) and wanted.keeps(item := entry(app, notification)):
                found.append(item)
                if len(found) == limit:
                    break
    return found, position


def entry(app: Application[Any], notification: Notification) -> dict[str, Any]:
    aggregate_type, _, event_type = notification.topic.partition(":")[2].partition(".")
    base = {
        "position": notification.id,
        "aggregate_type": aggregate_type,
        "aggregate_id": str(notification.originator_id),
        "version": notification.originator_version,
    }
    try:
        event = app.mapper.to_domain_event(notification)
    except UNDECODABLE as error:
        return {**base, "type": event_type, "recorded_at": None, "actor": None,
                "data": {"undecodable": f"{type(error).__name__}: {error}"}}  # fmt: skip
    return {
        **base, "type": type(event).__name__, "recorded_at": event.timestamp.isoformat(),
        "actor": getattr(event, "actor", None), "data": event_fields(event),
    }  # fmt: skip


def stream(app: Application[Any], after: int = 0) -> Iterator[dict[str, Any]]:
    """Every entry after `after`, read in batches: memory stays flat however long the log."""
    while batch := entries(app, after, EXPORT_BATCH):
        yield from batch
        after = batch[-1]["position"]


def as_ndjson(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, default=str) + "\n"


def as_csv(item: dict[str, Any] | None) -> str:
    """One CSV line; `None` gives the header."""
    buffer = io.StringIO()
    if item is None:
        csv.writer(buffer).writerow(CSV_COLUMNS)
    else:
        row = {**item, "data": json.dumps(item["data"], ensure_ascii=False, default=str)}
        csv.writer(buffer).writerow([row[column] for column in CSV_COLUMNS])
    return buffer.getvalue()


def export_lines(app: Application[Any], fmt: str, after: int = 0) -> Iterator[str]:
    if fmt == "csv":
        yield as_csv(None)
        yield from (as_csv(item) for item in stream(app, after))
    else:
        yield from (as_ndjson(item) for item in stream(app, after))
