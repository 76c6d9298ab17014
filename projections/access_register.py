"""The access register (调阅登记, SPEC §6): who read which contract, complaint, report or
export, when, and from where.

Reads must never wait for it: a read only puts its entry on a queue, and one thread per
process writes the queue in batches, each row chained to the one before (like the events),
in an append-only table kept apart from the event log. While the store is away or the
table is locked, entries wait in memory and are written when it is back."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from domain.chain import GENESIS, chained
from projections.store import TABLES, ViewStore
from projections.view import recorded

logger = logging.getLogger(__name__)
BATCH = 500
PAUSE, LONGEST_PAUSE = 0.2, 5.0  # seconds: between batches; the longest wait to retry
PAGE = 1000


@dataclass(frozen=True)
class Access:
    """One read, as the register keeps it."""

    at: str  # UTC, microseconds
    user_id: str
    route: str  # the route's template: what kind of read
    target: str  # the path and query asked: which one, which version, which format
    subject: str  # the contract, complaint or customer id; "" for a report
    client: str


def now() -> str:
    return recorded(datetime.now(UTC))


def link(previous: str, seq: int, access: Access) -> str:
    """Chained as the events are (`domain.chain.chained`), over the entry's JSON."""
    body = json.dumps({"seq": seq, **asdict(access)}, sort_keys=True, ensure_ascii=False)
    return chained(previous, body.encode())


class AccessRegister:
    def __init__(self, store: ViewStore) -> None:
        self.store = store
        self.table = store.table("access_register")
        with store.writing() as writer:
            writer.take_turn(TABLES)  # API processes start together (`serve --workers`)
            writer.execute(
                f"""CREATE TABLE IF NOT EXISTS {self.table} (
                    seq BIGINT PRIMARY KEY, at TEXT NOT NULL, user_id TEXT NOT NULL,
                    route TEXT NOT NULL, target TEXT NOT NULL, subject TEXT NOT NULL,
                    client TEXT NOT NULL, chain TEXT NOT NULL)"""
            )
            writer.execute(
                f"CREATE INDEX IF NOT EXISTS access_register_by_subject ON {self.table} "
                "(subject, seq)"
            )
        self._queue: queue.SimpleQueue[Access] = queue.SimpleQueue()
        self._pending: list[Access] = []  # taken from the queue, not yet written
        self._idle = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="access-register", daemon=True)
        self._thread.start()

    def record(self, access: Access) -> None:
        """Never blocks: the entry is written by the register's own thread."""
        self._queue.put(access)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every entry recorded so far is written (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while not (self._queue.empty() and not self._pending):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._thread.is_alive():
                    return False
                self._idle.wait(min(remaining, 0.05))
        return True

    def stop(self) -> None:
        self.flush(timeout=5.0)
        self._stop.set()
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        pause = PAUSE
        while not self._stop.is_set():
            self._take()
            if not self._pending:
                continue
            try:
                self._write(self._pending[:BATCH])
            except Exception as error:  # the store is away or the table locked: try again
                logger.warning("access register: %d entries wait (%r)", len(self._pending), error)
                self._stop.wait(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            pause = PAUSE
            with self._idle:
                del self._pending[:BATCH]
                self._idle.notify_all()

    def _take(self) -> None:
        if not self._pending:
            try:
                self._pending.append(self._queue.get(timeout=PAUSE))
            except queue.Empty:
                return
        while len(self._pending) < BATCH:
            try:
                self._pending.append(self._queue.get_nowait())
            except queue.Empty:
                return

    def _write(self, entries: list[Access]) -> None:
        with self.store.writing() as writer:
            writer.claim("access_register")  # one process extends the chain at a time
            last = writer.rows(f"SELECT seq, chain FROM {self.table} ORDER BY seq DESC LIMIT 1")
            seq, chain = (int(last[0]["seq"]), last[0]["chain"]) if last else (0, GENESIS)
            rows = []
            for access in entries:
                seq += 1
                chain = link(chain, seq, access)
                rows.append((seq, *asdict(access).values(), chain))
            writer.execute_many(f"INSERT INTO {self.table} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    # -- reading -----------------------------------------------------------------------

    def search(
        self,
        *,
        user_id: str | None = None,
        subject: str | None = None,
        since: str | None = None,
        until: str | None = None,
        after: int = 0,
        limit: int = 100,
        newest_first: bool = False,
    ) -> list[dict[str, Any]]:
        """Entries after `seq` `after`, oldest first (or the newest), by reader, subject
        and time."""
        where, params = ["seq > ?"], [after]
        for column, operator, value in (
            ("user_id", "=", user_id),
            ("subject", "=", subject),
            ("at", ">=", since),
            ("at", "<=", until),
        ):
            if value is not None:
                where.append(f"{column} {operator} ?")
                params.append(value)
        return self.store.rows(
            f"SELECT * FROM {self.table} WHERE {' AND '.join(where)} "
            f"ORDER BY seq {'DESC' if newest_first else ''} LIMIT ?",
            [*params, limit],
        )

    def broken(self) -> Iterator[int]:
        """The seq of every entry whose chain does not follow from the one before."""
        previous, after = GENESIS, 0
        while page := self.search(after=after, limit=PAGE):
            for row in page:
                access = Access(*(row[key] for key in Access.__dataclass_fields__))
                if link(previous, int(row["seq"]), access) != row["chain"]:
                    yield int(row["seq"])
                previous, after = row["chain"], int(row["seq"])
