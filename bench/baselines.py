"""The ceilings the service is measured against, in the same run on the same machine."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from api.storage import library_env
from bench.measure import ROUNDS, rounds_of, summary
from tests.postgres_server import split_schema

SAVES = 1500
READ_EVENTS = 200_000


class Bare(Aggregate):
    """A single-event aggregate with no domain code."""


class BareApplication(Application[Any]):
    name = "bare"


def library_save(database_url: str) -> dict[str, float]:
    """The library's own `save()` of one new single-event aggregate per transaction."""
    app = BareApplication(library_env(database_url, 5))
    try:
        return rounds_of(lambda: app.save(Bare()), SAVES)
    finally:
        app.close()


def plain_insert(database_url: str) -> dict[str, float]:
    """One single-row INSERT per transaction: the database's own ceiling for a commit."""
    if database_url.startswith("sqlite:///"):
        conn: Any = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        table = "bench_rows"
    else:
        conninfo, schema = split_schema(database_url)
        conn = psycopg.connect(conninfo)
        table = f'"{schema}".bench_rows' if schema else "bench_rows"
    conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    marks = "?, ?" if isinstance(conn, sqlite3.Connection) else "%s, %s"
    counter = iter(range(1, 10**9))

    def insert() -> None:
        row = (next(counter), "x" * 200)
        conn.execute(f"INSERT INTO {table} VALUES ({marks})", row)  # noqa: S608 - our table
        conn.commit()

    try:
        return rounds_of(insert, SAVES)
    finally:
        conn.close()


def log_reading(app: Any, events: int = READ_EVENTS) -> dict[str, float]:
    """Reading the log in pages of 1,000 and decoding every event, as projections do."""
    rounds = []
    for _ in range(ROUNDS):
        started, after, count = time.perf_counter(), 0, 0
        while count < events:
            page = app.recorder.select_notifications(start=after + 1, limit=1000)
            if not page:
                break
            for notification in page:
                app.mapper.to_domain_event(notification)
            count += len(page)
            after = page[-1].id
        rounds.append({"per_second": count / (time.perf_counter() - started), "events": count})
    return summary(rounds)
