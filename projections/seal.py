"""The audit seal: for every event in the log, its position, aggregate, version and chain,
as they were when it was first applied. Verification compares the log with it."""

from __future__ import annotations

from typing import Any

from projections.store import Writer
from projections.view import Handler, View


class SealView(View):
    name = "seal"
    tables = ("audit_seal",)
    reads_every_event = True

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("audit_seal")} (
                position BIGINT PRIMARY KEY, aggregate_id TEXT NOT NULL, version BIGINT NOT NULL,
                chain TEXT)"""
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {}  # `apply` seals every event, whatever its type

    def apply(self, writer: Writer, event: Any, position: int) -> None:
        writer.about(event.originator_id).execute(
            f"INSERT INTO {self.t('audit_seal')} VALUES (?, ?, ?, ?)",
            (
                position,
                str(event.originator_id),
                event.originator_version,
                getattr(event, "chain", None),
            ),
        )

    def sealed(self, after: int, limit: int, last: int) -> list[dict[str, Any]]:
        """Up to `limit` seal rows after position `after`, up to `last`."""
        return self.rows(
            f"SELECT * FROM {self.t('audit_seal')} WHERE position > ? AND position <= ? "
            "ORDER BY position LIMIT ?",
            [after, last, limit],
        )

    def last_position(self) -> int:
        rows = self.rows(f"SELECT MAX(position) AS last FROM {self.t('audit_seal')}")
        return int(rows[0]["last"] or 0)
