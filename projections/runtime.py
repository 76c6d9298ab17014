"""The read models of one application: created at start, kept fresh in the background, and
brought up to the log's head before each report so that a reader sees every write whose
response it already has (SPEC §5 read-your-writes).

The background loop and its listener outlive the store's outages: they back off, try
again, reconnect, and health recovers with them (SPEC §9). A view stopped before an event
it cannot apply is left out of the wait and reported, so later reports still answer."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from eventsourcing.application import Application
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from projections.complaint_reports import ComplaintReports
from projections.complaints import ComplaintsView
from projections.contract_reports import ContractReports
from projections.customers import CustomersView
from projections.delegations import DelegationsView
from projections.ledger import LedgerView
from projections.projector import BATCH_SIZE, UNAVAILABLE, Projector
from projections.receivables import ReceivablesView
from projections.receivables_reports import ReceivablesReports
from projections.seal import SealView
from projections.store import ViewStore
from projections.tree import TreeView
from projections.view import View

SETTLE_SECONDS = 0.1
# The loop waits for a pass in waits this short: a signal may reach the process through any
# of its threads, and Python runs the handler (SIGTERM's `interrupt`) only when the main
# thread next wakes; waiting without a timeout, it could wait for a whole backlog.
SIGNAL_SECONDS = 0.2
FIRST_PAUSE, LONGEST_PAUSE = 0.1, 5.0  # seconds between tries while the store is away

logger = logging.getLogger(__name__)
VIEW_CLASSES: tuple[type[View], ...] = (
    LedgerView,
    ReceivablesView,
    ComplaintsView,
    SealView,
    TreeView,
    DelegationsView,
    CustomersView,
)


class ProjectionStalledError(Exception):
    """A view could not reach the log's head: it failed on an event, or its worker is behind."""


class Projections:
    def __init__(
        self, app: Application[Any], *, inline: bool = True, batch_size: int = BATCH_SIZE
    ) -> None:
        """`inline`: this process applies events; otherwise `contractflow projections run` does."""
        self.app = app
        self.inline = inline
        self.store = ViewStore.beside(app)
        self.views: dict[str, View] = {cls.name: cls(self.store) for cls in VIEW_CLASSES}
        for view in self.views.values():
            view.create()
        self.projectors = {
            name: Projector(app, view, batch_size) for name, view in self.views.items()
        }
        self.receivables = ReceivablesReports(self.views["receivables"])  # type: ignore[arg-type]
        self.contracts = ContractReports(self.views["ledger"], self.views["receivables"])  # type: ignore[arg-type]
        self.complaints = ComplaintReports(self.views["complaints"])  # type: ignore[arg-type]
        self.failure: BaseException | None = None  # the background loop died of a bug
        self.trouble: BaseException | None = None  # the store was away on the last pass
        self._stop = threading.Event()
        self._news = threading.Event()
        self._threads: list[threading.Thread] = []

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def refresh(self, *names: str, timeout: float = 10.0) -> None:
        """Bring the named views (all by default) up to the log's head as of now."""
        head = self.head()
        projectors = [self.projectors[name] for name in names or self.projectors]
        if self.inline:
            for projector in projectors:
                projector.catch_up(until=head)
            return
        deadline, pause = time.monotonic() + timeout, 0.01
        while behind := self._behind(projectors, head):
            if time.monotonic() > deadline:
                names = ", ".join(projector.view.name for projector in behind)
                raise ProjectionStalledError(f"{names} did not reach position {head} in {timeout}s")
            time.sleep(pause)
            pause = min(pause * 2, 0.2)

    def settle(self, *names: str, timeout: float = 1.0) -> None:
        """After a write whose answer does not depend on the views: bring them up to date if
        that is quick, so that later reads count it. When the store is away or a worker is
        behind, the write still stands and its answer says so: this never fails.

        With external views (`projections run`, `serve --workers N`) it returns at once:
        another process applies the write on its next pass, up to `SETTLE_SECONDS` and a
        pass away, so waiting would add the views' lag to the command's latency and buy
        nothing that reports need: each of them `refresh`es up to the head before it reads,
        which is what keeps them read-your-writes. What reads a view as it stands (a
        contract's open complaints, the roles lent today) may trail by that lag."""
        if not self.inline:
            return
        try:
            self.refresh(*names, timeout=timeout)
        except (*UNAVAILABLE, ProjectionStalledError) as error:
            logger.info("views %s left to catch up by themselves: %s", names, error)

    def _behind(self, projectors: list[Projector], head: int) -> list[Projector]:
        """The views a worker has yet to bring to `head` (a stuck one is not waited for)."""
        stuck = self.store.stuck()
        return [p for p in projectors if p.position < head and p.view.key not in stuck]

    def status(self) -> dict[str, dict[str, Any]]:
        """Each view's position, lag, and the event it stopped before, if it did."""
        head, stuck = self.head(), self.store.stuck()
        return {
            name: {
                "position": (position := projector.position),
                "lag": max(head - position, 0),
                "stuck": stuck[projector.view.key][1] if projector.view.key in stuck else None,
            }
            for name, projector in self.projectors.items()
        }

    def problem(self) -> str | None:
        """What keeps the views from being current, if anything (None: all is well)."""
        for error in (self.failure, self.trouble):
            if error is not None:
                return f"{type(error).__name__}: {error}"
        stuck = self.store.stuck()
        return "; ".join(f"{view} stopped before {why}" for view, (_, why) in stuck.items()) or None

    def run(self, poll_seconds: float = 0.5, *, side_by_side: bool = False) -> None:
        """Apply new events as they come until `stop()`. While the store is away, back off
        and try again; only a bug outside any view ends the loop.

        `side_by_side` (a process of its own, `projections run`): on PostgreSQL each pass
        applies the views in parallel threads, since each view has its own transaction and
        lock and a pass is mostly waiting for the database; this halved the lag under
        command load. In an API process they take turns, leaving the pool to requests."""
        postgres = isinstance(self.app.recorder, PostgresApplicationRecorder)
        if postgres:
            self._spawn(self._listen)
        pool = ThreadPoolExecutor(len(self.projectors) if postgres and side_by_side else 1)
        pause = FIRST_PAUSE
        try:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    projectors = self.projectors.values()
                    passes = [pool.submit(p.catch_up, stop=self._stop) for p in projectors]
                    while wait(passes, timeout=SIGNAL_SECONDS).not_done:
                        pass
                    for done in passes:
                        done.result()
                except UNAVAILABLE as error:
                    self.trouble = error
                    logger.warning("views: the store is away (%s); again in %.1fs", error, pause)
                    self._stop.wait(pause)
                    pause = min(pause * 2, LONGEST_PAUSE)
                    continue
                self.trouble, pause = None, FIRST_PAUSE
                self._news.wait(poll_seconds)
                # At most a pass per SETTLE_SECONDS, so that under load a burst of writes
                # gathers into one pass (a pass per command would cost every view a
                # transaction per command, measured in bench/), while a write after a quiet
                # spell, or during a long pass, waits no longer than that.
                self._stop.wait(started + SETTLE_SECONDS - time.monotonic())
                self._news.clear()
        except BaseException as error:
            self.failure = error  # shown by health; a restart resumes from the positions
            raise
        finally:
            self.interrupt()  # Ctrl-C, or a bug: the other views' batches end too
            pool.shutdown()

    def start(self) -> None:
        """Run in a background thread of this process (the default deployment)."""
        self._spawn(self.run)

    def interrupt(self) -> None:
        """Ask `run` to return after the batches in hand. Only sets flags, so a signal
        handler may call it: closing the store there would pull it from under those
        batches."""
        self._stop.set()
        self._news.set()

    def stop(self) -> None:
        self.interrupt()
        for thread in self._threads:
            thread.join(timeout=10)
        self.store.close()

    def _listen(self) -> None:
        """Wake the loop on the library's own NOTIFY, instead of waiting for the next poll;
        when the connection is lost, connect again (meanwhile the loop polls)."""
        recorder = self.app.recorder
        assert isinstance(recorder, PostgresApplicationRecorder)
        pause = FIRST_PAUSE
        while not self._stop.is_set():
            try:
                with recorder.datastore.get_connection() as conn:
                    conn.execute(SQL("LISTEN {0}").format(Identifier(recorder.channel_name)))
                    self._news.set()  # whatever came while not listening
                    pause = FIRST_PAUSE
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.1, stop_after=1):
                            self._news.set()
            except UNAVAILABLE as error:
                logger.warning("views: listening stopped (%s); again in %.1fs", error, pause)
                self._stop.wait(pause)
                pause = min(pause * 2, LONGEST_PAUSE)

    def _spawn(self, target: Any) -> None:
        thread = threading.Thread(target=target, daemon=True, name=f"projections-{target.__name__}")
        thread.start()
        self._threads.append(thread)
