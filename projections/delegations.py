"""Delegations as read: who lent which role to whom, for which days, and whether it still
runs (SPEC §2.2), for the list of delegations and for a deputy's inbox."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.delegations.delegation import Delegation
from projections.store import AggregateWriter
from projections.view import Handler, View


class DelegationsView(View):
    name = "delegations"
    tables = ("delegations",)

    def schema(self) -> list[str]:
        return [
            f"""CREATE TABLE IF NOT EXISTS {self.t("delegations")} (
                delegation_id TEXT PRIMARY KEY, position BIGINT NOT NULL, delegator TEXT NOT NULL,
                delegate TEXT NOT NULL, role TEXT NOT NULL, starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL, state TEXT NOT NULL)"""
        ]

    def event_handlers(self) -> dict[type, Handler]:
        return {
            Delegation.Created: self._created,
            Delegation.Revoked: self._ended("revoked"),
            Delegation.Expired: self._ended("expired"),
        }

    def _created(self, w: AggregateWriter, event: Any, position: int) -> None:
        w.execute(
            f"INSERT INTO {self.t('delegations')} VALUES (?, ?, ?, ?, ?, ?, ?, 'active')",
            (str(event.originator_id), position, event.delegator, event.delegate, event.role,
             event.starts_on.isoformat(), event.ends_on.isoformat()),
        )  # fmt: skip

    def _ended(self, state: str) -> Handler:
        def handle(w: AggregateWriter, event: Any, position: int) -> None:
            w.execute(
                f"UPDATE {self.t('delegations')} SET state = ? WHERE delegation_id = ?",
                (state, str(event.originator_id)),
            )

        return handle

    def ids(self, user: str | None) -> list[str]:
        """Every delegation `user` gave or received (all of them for None), newest first."""
        where, params = ("delegator = ? OR delegate = ?", [user, user]) if user else ("1 = 1", [])
        rows = self.rows(
            f"SELECT delegation_id FROM {self.t('delegations')} WHERE {where} "
            "ORDER BY position DESC",
            params,
        )
        return [row["delegation_id"] for row in rows]

    def past_their_end(self, today: date) -> list[str]:
        rows = self.rows(
            f"SELECT delegation_id FROM {self.t('delegations')} "
            "WHERE state = 'active' AND ends_on < ?",
            [today.isoformat()],
        )
        return [row["delegation_id"] for row in rows]

    def received(self, delegate: str, today: date) -> frozenset[tuple[str, str]]:
        """(delegator, role) of each delegation running today that lends `delegate` a role."""
        rows = self.rows(
            f"SELECT delegator, role FROM {self.t('delegations')} WHERE delegate = ? "
            "AND state = 'active' AND starts_on <= ? AND ends_on >= ?",
            [delegate, today.isoformat(), today.isoformat()],
        )
        return frozenset((row["delegator"], row["role"]) for row in rows)
