"""An attacker with write access to the database but not the signing key: they edit the
events table directly, then cover their tracks by recomputing every chain, the audit seal
and the Merkle tree's rows with contractflow's own code (it is no secret), as SPEC §6's
provable log must withstand."""

from __future__ import annotations

import sqlite3
from typing import Any
from uuid import UUID

import psycopg

from api.storage import library_env
from domain.application import ContractFlow
from domain.chain import GENESIS, link
from projections.runtime import Projections
from tests.postgres_server import split_schema


class EventTable:
    """The stored events, reached around the application, as an attacker would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgresql")

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            conninfo, schema = split_schema(self.url)
            with psycopg.connect(conninfo, autocommit=True) as conn:
                cursor = conn.execute(
                    sql.replace("EVENTS", f'"{schema}".contractflow_events').replace("?", "%s"),
                    params,
                )
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None) as conn:
            return conn.execute(sql.replace("EVENTS", "stored_events"), params).fetchall()

    def key(self, aggregate: UUID) -> Any:
        return aggregate if self.postgres else aggregate.hex

    def state(self, aggregate: UUID, version: int) -> bytes:
        rows = self.execute(
            "SELECT state FROM EVENTS WHERE originator_id = ? AND originator_version = ?",
            (self.key(aggregate), version),
        )
        return bytes(rows[0][0])

    def set_state(self, aggregate: UUID, version: int, state: bytes) -> None:
        self.execute(
            "UPDATE EVENTS SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (state, self.key(aggregate), version),
        )

    def delete(self, aggregate: UUID, version: int) -> None:
        self.execute(
            "DELETE FROM EVENTS WHERE originator_id = ? AND originator_version = ?",
            (self.key(aggregate), version),
        )

    def positions(self) -> list[tuple[int, Any, int]]:
        """(position, aggregate key, version) of every event, in order."""
        column = "notification_id" if self.postgres else "rowid"
        return [
            (int(row[0]), row[1], int(row[2]))
            for row in self.execute(
                f"SELECT {column}, originator_id, originator_version FROM EVENTS ORDER BY 1"
            )
        ]

    def renumber_after(self, position: int, by: int) -> None:
        """Move the events after `position` by `by` places (two steps: positions are unique)."""
        column = "notification_id" if self.postgres else "rowid"
        self.execute(
            f"UPDATE EVENTS SET {column} = {column} + 1000000 WHERE {column} > ?", (position,)
        )
        self.execute(
            f"UPDATE EVENTS SET {column} = {column} - 1000000 + ? WHERE {column} > 1000000", (by,)
        )

    def view_table(self, name: str) -> str:
        """The qualified name of one of the read models' tables."""
        schema = split_schema(self.url)[1] if self.postgres else None
        return f'"{schema}"."{name}"' if schema else f'"{name}"'


class Attacker:
    """Edits the log, then recomputes chains, seal and tree so that nothing in the
    database disagrees; only checkpoints signed with a key they lack still can."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.table = EventTable(url)

    def change_an_amount(self, aggregate: UUID, version: int, old: bytes, new: bytes) -> None:
        state = self.table.state(aggregate, version)
        assert old in state
        self.table.set_state(aggregate, version, state.replace(old, new))
        self.cover_tracks()

    def delete_and_renumber(self, aggregate: UUID, version: int) -> None:
        position = next(
            p
            for p, key, v in self.table.positions()
            if v == version and str(key).replace("-", "") == aggregate.hex
        )
        self.table.delete(aggregate, version)
        self.table.renumber_after(position, -1)
        self.cover_tracks()

    def truncate_the_tail(self, events: int) -> None:
        for _, key, version in self.table.positions()[-events:]:
            self.table.execute(
                "DELETE FROM EVENTS WHERE originator_id = ? AND originator_version = ?",
                (key, version),
            )
        self.cover_tracks()

    def swap_two_events(self, aggregate: UUID, first: int, second: int) -> None:
        one, other = self.table.state(aggregate, first), self.table.state(aggregate, second)
        self.table.set_state(aggregate, first, other)
        self.table.set_state(aggregate, second, one)
        self.cover_tracks()

    def forget_checkpoints(self) -> None:
        self.table.execute(f"DELETE FROM {self.table.view_table('merkle_checkpoint')}")

    def cover_tracks(self) -> None:
        """Every chain recomputed, in each aggregate's version order; then the seal and the
        tree rebuilt from the log as it now is, by a service holding no signing key."""
        app = ContractFlow(library_env(self.url, 5))
        try:
            heads: dict[Any, str] = {}
            stored = app.recorder.select_notifications(start=1, limit=10**6)
            for record in sorted(
                stored, key=lambda r: (str(r.originator_id), r.originator_version)
            ):
                event = app.mapper.to_domain_event(record)
                previous = heads.get(record.originator_id, GENESIS)
                object.__setattr__(event, "chain_prev", previous)
                object.__setattr__(event, "chain", link(previous, event))
                heads[record.originator_id] = event.chain
                rewritten = app.mapper.to_stored_event(event)
                self.table.set_state(
                    record.originator_id, record.originator_version, rewritten.state
                )
            views = Projections(app)
            for name in ("audit_seal", "merkle_leaf", "merkle_node"):
                self.table.execute(f"DELETE FROM {self.table.view_table(name)}")
            self.table.execute(
                f"DELETE FROM {views.store.tracking_table} WHERE application_name IN (?, ?)",
                ("seal", "tree"),
            )
            views.refresh("seal", "tree")
            views.stop()
        finally:
            app.close()
