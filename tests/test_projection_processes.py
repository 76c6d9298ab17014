"""Projections as separate processes (SPEC §9 scale-out): a worker killed mid-batch resumes
from its tracking position and ends identical to a rebuild; one told to stop does so after
the batch in hand, however long its backlog; processes starting together on a new database
all start; an API that leaves projecting to workers still reads its own writes; the rebuild
command reports and switches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from eventsourcing.application import Application
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory
from projections.access_register import AccessRegister
from projections.rebuild import rebuild
from projections.runtime import Projections
from tests.desk import Desk
from tests.postgres_server import create_schema
from tests.receivables_history import attempt, executing_contract

WORKER = [sys.executable, "-m", "api.cli", "projections", "run"]


def worker_env(database_url: str, users_file: Path, batch: int) -> dict[str, str]:
    return os.environ | {
        "CONTRACTFLOW_DATABASE_URL": database_url,
        "CONTRACTFLOW_USERS": str(users_file),
        "CONTRACTFLOW_PROJECTION_BATCH": str(batch),
    }


def wait_until(condition, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def a_backlog(durable_url: str, users_file: Path) -> Application:  # type: ignore[type-arg]
    """A store holding 60 contracts with shipments and payments, none applied to the views."""
    app = open_application(Settings(database_url=durable_url, users_file=users_file))
    for n in range(60):
        contract_id = executing_contract(app, f"C{n % 7}", "li.lei")
        for day in (3, 40, 95):
            attempt(app, ("ship", contract_id, Decimal("1000.00"), day))
            attempt(app, ("pay", contract_id, Decimal("700.00"), day + 10))
    return app


def test_a_worker_killed_mid_batch_resumes_and_matches_a_rebuild(
    durable_url: str, users_file: Path
) -> None:
    app = a_backlog(durable_url, users_file)
    views = Projections(app, inline=False)
    head = views.head()
    env = worker_env(durable_url, users_file, batch=5)
    worker = subprocess.Popen(WORKER, env=env, stderr=subprocess.DEVNULL)
    wait_until(lambda: views.projectors["receivables"].position > 0)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_at = views.projectors["receivables"].position
    assert 0 < killed_at < head, "the worker should have been stopped part way"
    restarted = subprocess.Popen(WORKER, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: all(p.position >= head for p in views.projectors.values()))
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
    for view in views.views.values():
        result = rebuild(app, view)
        assert result.identical, result.differences
    views.stop()
    app.close()


def test_a_worker_told_to_stop_ends_after_the_batch_in_hand(
    durable_url: str, users_file: Path
) -> None:
    """SIGTERM (docker stop, `serve --workers`) ends a worker within its grace period, not
    when its backlog is done; what it applied stands and is resumed from."""
    app = a_backlog(durable_url, users_file)
    views = Projections(app, inline=False)
    worker = subprocess.Popen(WORKER, env=worker_env(durable_url, users_file, batch=1))
    wait_until(lambda: views.projectors["receivables"].position > 0)
    worker.terminate()
    assert worker.wait(timeout=10) == 0
    stopped_at = {name: projector.position for name, projector in views.projectors.items()}
    assert stopped_at["receivables"] < views.head(), "it should have stopped part way"
    time.sleep(0.5)
    assert {name: p.position for name, p in views.projectors.items()} == stopped_at
    views.stop()
    app.close()


@pytest.mark.postgres
def test_processes_starting_together_on_a_new_database_all_start(
    postgres_database: str, users_file: Path
) -> None:
    """PostgreSQL's CREATE ... IF NOT EXISTS fails against a concurrent creator ("tuple
    concurrently updated", "type ... already exists"), and the library's tracking table is
    checked for before it is made: starting processes create the tables in turn."""
    url, starting = create_schema(postgres_database), threading.Barrier(6)

    def start() -> None:
        starting.wait()
        app = open_application(Settings(database_url=url, users_file=users_file))
        views = Projections(app, inline=False)
        AccessRegister(views.store).stop()  # as an API process starts
        views.stop()
        app.close()

    with ThreadPoolExecutor(6) as pool:
        for started in [pool.submit(start) for _ in range(6)]:
            started.result()


def test_an_api_without_inline_projections_still_reads_its_writes(
    durable_url: str, users_file: Path, tokens: dict[str, str]
) -> None:
    settings = Settings(database_url=durable_url, users_file=users_file, projections_inline=False)
    worker = subprocess.Popen(
        WORKER, env=worker_env(durable_url, users_file, 100), stderr=subprocess.DEVNULL
    )
    try:
        with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
            desk = Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
            contract = desk.executing()
            desk.ok(contract, "ship", "li.lei", {"amount": "5", "shipped_on": "2026-01-05"})
            statement = client.get(
                "/api/receivables/statement",
                params={"month": "2026-01"},
                headers=desk.as_user("zhao.qiang"),
            ).json()
            assert statement["totals"]["sales"] == "5.00"
            health = client.get("/api/health").json()
            assert health["projections"]["receivables"]["lag"] == 0
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def test_the_rebuild_command_reports_identical_views(durable_url: str, users_file: Path) -> None:
    app = open_application(Settings(database_url=durable_url, users_file=users_file))
    executing_contract(app, "C1", "li.lei")
    app.close()
    env = worker_env(durable_url, users_file, 1000)
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "projections", "rebuild"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ledger: identical" in result.stdout and "receivables: identical" in result.stdout
    status = subprocess.run(
        [sys.executable, "-m", "api.cli", "projections", "status"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "lag        0" in status.stdout
