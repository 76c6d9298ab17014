"""JSON lines on stdout for the request log (SPEC §9): a formatter of a few lines of the
standard library rather than a dependency for one format."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonLines(logging.Formatter):
    """The record's time, then its `fields` (passed as `extra={"fields": {...}}`)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None) or {"message": record.getMessage()}
        at = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        return json.dumps({"time": at, **fields})


class _Stdout(logging.StreamHandler):  # type: ignore[type-arg]
    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout  # the one of the moment: a test may have swapped it
        super().emit(record)


def log_json_to_stdout(logger: logging.Logger) -> None:
    """Once per process, however many apps are made: the records of `logger` (INFO and up)
    as JSON lines on stdout, not passed on to the root logger (a host's own logging set-up
    would print them twice)."""
    if any(isinstance(handler, _Stdout) for handler in logger.handlers):
        return
    handler = _Stdout()
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
