"""Where read models live: the event store's own database, or an in-memory SQLite database
beside a `memory:` event store. Rows and the library's tracking record are written in one
transaction, so every event is applied exactly once, also after a crash."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import uuid4

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresFactory, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteFactory, SQLiteTrackingRecorder

from projections.bulk import copied
from projections.signed_note import Signer
from projections.text_cipher import TextCipher

Row = dict[str, Any]
T = TypeVar("T")
CHUNK = 500  # parameters a statement takes at most: well inside every database's limit
TABLES = "(tables)"  # the turn taken to create tables: no view has this name
TURN = "hashtext(%s)"  # the advisory lock's key: a name within the schema


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`items` `size` at a time, for statements that take a parameter per item."""
    return (items[i : i + size] for i in range(0, len(items), size))


def _turn(schema: str | None, name: str) -> tuple[str]:
    """The parameters of `TURN`: `name` within `schema`."""
    return (f"{schema}.{name}",)


@contextmanager
def tables_in_turn(datastore: Any) -> Iterator[None]:
    """Create tables while holding `TABLES` in the datastore's schema, on a connection of
    its own: processes that start together on a new database take turns.
    `CREATE ... IF NOT EXISTS` does not hold against a concurrent creator ("tuple
    concurrently updated"), and the library checks for its tracking table before it
    creates it; either ended a `projections run` worker at start."""
    with datastore.get_connection() as connection:
        key = _turn(datastore.schema, TABLES)
        connection.execute(f"SELECT pg_advisory_lock({TURN})", key)
        try:
            yield
        finally:
            connection.execute(f"SELECT pg_advisory_unlock({TURN})", key)


class Writer:
    """One open write transaction on the view store.

    Event handlers write through `about(aggregate_id)`: their statements are queued and
    sent at the end in rounds, the n-th statement about every aggregate in round n, each
    round grouped by statement text into `executemany` (one round trip per group, not per
    row; a COPY for plain inserts on PostgreSQL, see bulk). Statements about one aggregate
    keep their order; views keep statements about different aggregates independent of each
    other's order."""

    def __init__(self, store: ViewStore, cursor: Any) -> None:
        self.store = store
        self.cursor = cursor
        self._rounds: list[dict[str, list[Sequence[Any]]]] = []
        self._queued: Counter[Any] = Counter()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement now (schema changes, copies)."""
        self.cursor.execute(self.store.dialect_sql(sql), params)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows now, in one round trip."""
        if rows:
            self._many(sql, rows)

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        statement = self.store.dialect_sql(sql)
        if not (self.store.is_postgres and copied(self.cursor, statement, rows)):
            self.cursor.executemany(statement, rows)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Read inside this transaction: what it has written so far counts."""
        self.cursor.execute(self.store.dialect_sql(sql), params)
        return [dict(row) for row in self.cursor.fetchall()]

    def about(self, aggregate_id: Any) -> AggregateWriter:
        return AggregateWriter(self, aggregate_id)

    def queue(self, aggregate_id: Any, sql: str, params: Sequence[Any]) -> None:
        turn = self._queued[aggregate_id]
        self._queued[aggregate_id] += 1
        if turn == len(self._rounds):
            self._rounds.append({})
        self._rounds[turn].setdefault(sql, []).append(params)

    def flush(self) -> None:
        for statements in self._rounds:
            for sql, rows in statements.items():
                self._many(sql, rows)
        self._rounds.clear()
        self._queued.clear()

    def track(self, view: str, position: int) -> None:
        """Record that `view` has applied the log up to `position` (fails if it already had)."""
        self.flush()
        self.store.recorder._insert_tracking(self.cursor, Tracking(view, position))

    def claim(self, view: str) -> int:
        """Take `view` for this transaction and read how far it has got.

        One writer per view at a time is what makes exactly-once hold for any number of
        processes: the tracking record alone would let two overlapping batches that end at
        different positions both commit. On PostgreSQL a transaction-scoped advisory lock
        makes writers of one view take turns, and the position is read after it; SQLite
        has one writer at a time, and a transaction that read a position another writer has
        since moved cannot write (SQLITE_BUSY_SNAPSHOT): the batch is tried again."""
        self.take_turn(view)
        self.cursor.execute(
            self.store.dialect_sql(
                f"SELECT MAX(notification_id) AS position FROM {self.store.tracking_table} "
                "WHERE application_name = ?"
            ),
            (view,),
        )
        return int(self.cursor.fetchone()["position"] or 0)

    def take_turn(self, name: str) -> None:
        """Wait for `name` and hold it to the end of this transaction (on PostgreSQL: an
        advisory lock; SQLite has one writer at a time anyway). Writers of one view take
        turns on its name, creators of tables on `TABLES`."""
        if self.store.is_postgres:
            self.cursor.execute(
                f"SELECT pg_advisory_xact_lock({TURN})", _turn(self.store.schema, name)
            )

    def passed(self, view: str, position: int) -> None:
        """The view has applied the log up to `position`: an event it once stopped before
        (a bug since fixed) no longer holds it."""
        self.execute(
            f"UPDATE {self.store.catalogue} SET stuck_at = NULL, failure = NULL "
            "WHERE view = ? AND stuck_at <= ?",
            (view, position),
        )

    def forget(self, view: str) -> None:
        """Remove `view`'s tracking record, so that its next build starts from the beginning."""
        self.execute(f"DELETE FROM {self.store.tracking_table} WHERE application_name = ?", (view,))

    def version(self, view: str) -> int | None:
        self.cursor.execute(
            self.store.dialect_sql(f"SELECT version FROM {self.store.catalogue} WHERE view = ?"),
            (view,),
        )
        row = self.cursor.fetchone()
        return None if row is None else int(row["version"])

    def set_version(self, view: str, version: int | None) -> None:
        self.execute(f"DELETE FROM {self.store.catalogue} WHERE view = ?", (view,))
        if version is not None:
            self.execute(
                f"INSERT INTO {self.store.catalogue} (view, version) VALUES (?, ?)", (view, version)
            )


class AggregateWriter:
    """What an event handler writes: statements about the event's aggregate."""

    __slots__ = ("aggregate_id", "writer")

    def __init__(self, writer: Writer, aggregate_id: Any) -> None:
        self.writer = writer
        self.aggregate_id = aggregate_id

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.writer.queue(self.aggregate_id, sql, params)


class ViewStore:
    def __init__(
        self,
        recorder: TrackingRecorder,
        schema: str | None,
        *,
        owns_datastore: bool,
        text: TextCipher | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.recorder = recorder
        self.schema = schema
        self.owns_datastore = owns_datastore
        self.text = text or TextCipher(None)
        self.signer = signer  # signs the tree's checkpoints; never written anywhere
        self.is_postgres = isinstance(recorder, PostgresTrackingRecorder)

    @classmethod
    def beside(cls, app: Application[Any]) -> ViewStore:
        """The store for `app`'s read models, with the tracking table created."""
        factory = app.factory
        recorder: TrackingRecorder
        if isinstance(factory, PostgresFactory):
            recorder = type(factory).tracking_recorder_class(
                factory.datastore, tracking_table_name=f"{app.name}_view_tracking"
            )
            store = cls(recorder, factory.datastore.schema, owns_datastore=False)
        elif isinstance(factory, SQLiteFactory):
            store = cls(SQLiteTrackingRecorder(factory.datastore), None, owns_datastore=False)
        else:  # memory: the views need SQL, so they get an in-memory SQLite database
            datastore = SQLiteDatastore(f"file:views-{uuid4().hex}?mode=memory&cache=shared")
            store = cls(SQLiteTrackingRecorder(datastore), None, owns_datastore=True)
        store.text = TextCipher(app.env.get("CIPHER_KEY"))
        signing_key = app.env.get("AUDIT_SIGNING_KEY")
        store.signer = Signer.parse(signing_key) if signing_key else None
        store.recorder.create_table()
        with store.writing() as writer:
            writer.take_turn(TABLES)  # as the library's tables were made
            writer.execute(
                f"CREATE TABLE IF NOT EXISTS {store.catalogue} (view TEXT PRIMARY KEY, "
                "version INTEGER NOT NULL, stuck_at BIGINT, failure TEXT)"
            )
        return store

    def table(self, name: str) -> str:
        return f'"{self.schema}"."{name}"' if self.schema else f'"{name}"'

    @property
    def catalogue(self) -> str:
        """Each view's table version, and the event it could not apply, if any."""
        return self.table("view_catalogue")

    def stuck(self) -> dict[str, tuple[int, str]]:
        """Views stopped before an event they cannot apply: view → (position, why)."""
        rows = self.rows(f"SELECT * FROM {self.catalogue} WHERE stuck_at IS NOT NULL")
        return {row["view"]: (int(row["stuck_at"]), row["failure"]) for row in rows}

    def mark_stuck(self, view: str, position: int, why: str) -> None:
        with self.writing() as writer:
            writer.execute(
                f"UPDATE {self.catalogue} SET stuck_at = ?, failure = ? WHERE view = ?",
                (position, why, view),
            )

    @property
    def tracking_table(self) -> str:
        return self.table(getattr(self.recorder, "tracking_table_name", "tracking"))

    def dialect_sql(self, sql: str) -> str:
        """Statements are written with `?` placeholders; psycopg wants `%s`."""
        return sql.replace("?", "%s") if self.is_postgres else sql

    @contextmanager
    def writing(self) -> Iterator[Writer]:
        with self.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
            writer = Writer(self, cursor)
            yield writer
            writer.flush()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._reading() as cursor:
            cursor.execute(self.dialect_sql(sql), params)
            return [dict(row) for row in cursor.fetchall()]

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        datastore: Any = self.recorder.datastore
        if self.is_postgres:
            # An autocommit connection, as the library reads: a rolled-back transaction
            # would make psycopg drop the connection's prepared statements.
            with datastore.get_connection() as connection, connection.cursor() as cursor:
                yield cursor
        else:
            with datastore.transaction(commit=False) as cursor:
                yield cursor

    def position(self, view: str) -> int:
        return self.recorder.max_tracking_id(view) or 0

    def close(self) -> None:
        if self.owns_datastore:
            self.recorder.datastore.close()  # type: ignore[attr-defined]
