"""Transcodings the library lacks: business dates as ISO text, and the small value objects
aggregates hold (snapshots store `vars(aggregate)`, so each of its values must encode)."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueAsDict(Transcoding):
    """A frozen dataclass of JSON-ready fields, as the dict of those fields."""

    def __init__(self, value_type: type) -> None:
        self.type = value_type
        self.name = value_type.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {field.name: getattr(obj, field.name) for field in fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)
