"""`contractflow serve --workers N` (SPEC §9): N API processes over PostgreSQL, and beside
them one `contractflow projections run` process that applies events to the views, so that
every view has one writer however many processes answer requests.

The API processes are uvicorn's own workers, each building its app from the environment
(`api.app:create_app`) with the views external. The store's tables and the views are created
here once before any of them starts, so that they need not wait for each other's turn to
create them (`projections.store.tables_in_turn`).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from contextlib import suppress

import uvicorn

from api.settings import Settings
from api.storage import open_application
from projections.runtime import Projections

RUNNER = [sys.executable, "-m", "api.cli", "projections", "run"]
RESTART_PAUSE = 1.0  # seconds before a runner that died is started again
STOP_SECONDS = 10.0  # a runner that has not stopped by then is killed

logger = logging.getLogger(__name__)


def refusal(settings: Settings) -> str | None:
    """Why `settings`' store cannot be served by several API processes, if it cannot."""
    if settings.database_url.startswith(("postgresql://", "postgres://")):
        return None
    return (
        "--workers needs PostgreSQL: SQLite lets one process write at a time, so more API "
        "processes only contend for its lock and stall the views (docs/performance.md), and a "
        "memory: store lives in one process; serve without --workers, or set "
        "CONTRACTFLOW_DATABASE_URL=postgresql://…"
    )


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve until Ctrl-C or SIGTERM; then stop the API processes, then the runner."""
    application = open_application(settings)
    Projections(application, inline=False).stop()  # creates every view's tables
    application.close()
    metrics = tempfile.mkdtemp(prefix="contractflow-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics  # counters shared by the processes
    os.environ["CONTRACTFLOW_PROJECTIONS"] = "external"
    # uvloop (libuv) accepts every waiting connection at once: without this one process
    # often took all of a burst of keep-alive clients and the other stayed idle.
    os.environ["UV_TCP_SINGLE_ACCEPT"] = "1"
    runner = Runner()
    try:
        # A worker that has not answered the supervisor's ping in time is killed: starting
        # (imports, opening the store, waiting for a view's lock while the runner applies a
        # batch) takes longer than uvicorn's 5 s on a busy machine.
        uvicorn.run(
            "api.app:create_app", factory=True, workers=workers, timeout_worker_healthcheck=60,
            host=host, port=port, log_level="info", access_log=False,  # the app logs requests
        )  # fmt: skip
    finally:
        runner.stop()
        shutil.rmtree(metrics, ignore_errors=True)


class Runner:
    """One `contractflow projections run` process, started again if it dies while serving
    (it survives store outages by itself; it ends only on a bug outside any view). Its own
    session keeps a terminal's Ctrl-C from stopping it before the API processes."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process = self._start()
        self._thread = threading.Thread(target=self._keep, daemon=True, name="runner")
        self._thread.start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(RUNNER, start_new_session=True)  # noqa: S603 - our own CLI

    def _keep(self) -> None:
        while True:
            code = self._process.wait()
            if self._stopping.wait(RESTART_PAUSE):
                return
            logger.warning("projections runner exited (%s); starting it again", code)
            with self._lock:
                if self._stopping.is_set():
                    return
                self._process = self._start()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self._process
        with suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._thread.join()
