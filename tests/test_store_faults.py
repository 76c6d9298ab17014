"""The store goes away under load and comes back (SPEC §9): every request is answered 200 or
503 within twice the configured timeout, nothing acknowledged is lost or doubled, and the
views and health recover by themselves, without restarting the API or its worker.

The PostgreSQL tests restart a throwaway server of their own, never a configured one."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory
from tests.desk import Desk
from tests.live_server import live_server
from tests.postgres_server import fresh_database, throwaway_server
from tests.test_projection_processes import WORKER, worker_env

TIMEOUT = 2  # CONTRACTFLOW_DB_TIMEOUT for these services
CLIENTS = 4


@dataclass
class Load:
    """Clients shipping 1.00 at a time on their own contracts, each answer timed."""

    base_url: str
    headers: dict[str, str]
    contracts: list[str]
    answers: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)
    acknowledged: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self, contract_id: str) -> None:
        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=60) as http:
            while not self._stop.is_set():
                started = time.monotonic()
                status = http.post(
                    f"/api/contracts/{contract_id}/ship", json={"amount": "1.00"}
                ).status_code
                self.answers.append((status, time.monotonic() - started))
                if status == 200:
                    self.acknowledged[contract_id] = self.acknowledged.get(contract_id, 0) + 1
                time.sleep(0.02)

    @contextmanager
    def running(self) -> Iterator[Load]:
        threads = [threading.Thread(target=self.run, args=(c,)) for c in self.contracts]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            for thread in threads:
                thread.join(timeout=60)


def wait_for(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until `condition` held; fails after `seconds`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds}s"
        time.sleep(0.1)
    return time.monotonic() - started


def health(base_url: str) -> dict[str, Any]:
    try:
        return httpx.get(f"{base_url}/api/health", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return {}


def health_is_ok(base_url: str) -> bool:
    return health(base_url).get("status") == "ok"


def views_are_current(base_url: str) -> bool:
    body = health(base_url)
    return body.get("status") == "ok" and all(v["lag"] == 0 for v in body["projections"].values())


def assert_answered_in_time_and_nothing_lost(load: Load, desk: Desk) -> None:
    statuses = {status for status, _ in load.answers}
    assert statuses <= {200, 503}, statuses
    slowest = max(seconds for _, seconds in load.answers)
    assert slowest <= 2 * TIMEOUT, f"an answer took {slowest:.2f}s"
    assert 503 in statuses and 200 in statuses  # the outage was felt, and outlived
    unanswered = sum(1 for status, _ in load.answers if status == 503)
    for contract_id in load.contracts:
        shipped = Decimal(desk.get({"id": contract_id}).json()["totals"]["shipped"])
        acknowledged = load.acknowledged.get(contract_id, 0)
        # A 503 says the write may not have happened: never more than that, never less.
        assert acknowledged <= shipped <= acknowledged + unanswered, contract_id


def executing_contracts(desk: Desk) -> list[str]:
    return [desk.executing(amount="1000000.00")["id"] for _ in range(CLIENTS)]


def views_agree_with_the_contracts(desk: Desk, contract_ids: list[str]) -> None:
    shipped = sum(
        Decimal(desk.get({"id": contract_id}).json()["totals"]["shipped"])
        for contract_id in contract_ids
    )
    # This year's performance: the shipments were made today.
    body = desk.client.get("/api/reports/performance", headers=desk.as_user("zhou.shen")).json()
    assert Decimal(body["totals"]["shipped"]["amount"]) == shipped


@pytest.mark.postgres
def test_a_postgres_restart_under_load_is_answered_in_time_and_recovered_from(
    users_file: Path, tokens: dict[str, str]
) -> None:
    with throwaway_server() as server, fresh_database(server.url) as url:
        settings = Settings(database_url=url, users_file=users_file, db_timeout_seconds=TIMEOUT)
        app = create_app(settings, UserDirectory.load(users_file))
        with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
            desk = Desk(http, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
            contracts = executing_contracts(desk)
            load = Load(base_url, desk.as_user("wang.fang"), contracts)
            with load.running():
                time.sleep(1.5)
                server.stop()
                time.sleep(5)
                server.start()
                recovered = wait_for(lambda: health_is_ok(base_url), 10)
                time.sleep(1)
            assert_answered_in_time_and_nothing_lost(load, desk)
            assert recovered <= 10
            wait_for(lambda: views_are_current(base_url), 10)
            views_agree_with_the_contracts(desk, contracts)


@pytest.mark.postgres
def test_a_projection_worker_outlives_a_postgres_restart(
    users_file: Path, tokens: dict[str, str]
) -> None:
    with throwaway_server() as server, fresh_database(server.url) as url:
        settings = Settings(
            database_url=url, users_file=users_file, db_timeout_seconds=TIMEOUT,
            projections_inline=False,
        )  # fmt: skip
        env = worker_env(url, users_file, 100) | {"CONTRACTFLOW_DB_TIMEOUT": str(TIMEOUT)}
        worker = subprocess.Popen(WORKER, env=env, stderr=subprocess.DEVNULL)
        try:
            app = create_app(settings, UserDirectory.load(users_file))
            with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
                desk = Desk(http, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
                contracts = executing_contracts(desk)
                load = Load(base_url, desk.as_user("wang.fang"), contracts)
                with load.running():
                    time.sleep(1.5)
                    server.stop()
                    time.sleep(6)  # the outage that ended the worker before
                    server.start()
                    recovered = wait_for(lambda: health_is_ok(base_url), 10)
                    time.sleep(1)
                assert worker.poll() is None, "the worker must outlive the outage"
                assert_answered_in_time_and_nothing_lost(load, desk)
                assert recovered <= 10
                wait_for(lambda: views_are_current(base_url), 10)
                views_agree_with_the_contracts(desk, contracts)
        finally:
            worker.terminate()
            worker.wait(timeout=10)


def test_a_long_sqlite_lock_under_load_is_answered_in_time_and_recovered_from(
    tmp_path: Path, users_file: Path, tokens: dict[str, str]
) -> None:
    path = tmp_path / "locked.db"
    settings = Settings(
        database_url=f"sqlite:///{path}", users_file=users_file, db_timeout_seconds=TIMEOUT
    )
    app = create_app(settings, UserDirectory.load(users_file))
    with live_server(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
        desk = Desk(http, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
        contracts = executing_contracts(desk)
        load = Load(base_url, desk.as_user("wang.fang"), contracts)
        with load.running():
            time.sleep(1)
            locker = sqlite3.connect(path, isolation_level=None)
            locker.execute("BEGIN IMMEDIATE")
            time.sleep(8)  # longer than the projector's waits
            locker.execute("ROLLBACK")
            locker.close()
            recovered = wait_for(lambda: health_is_ok(base_url), 10)
            time.sleep(1)
        assert_answered_in_time_and_nothing_lost(load, desk)
        assert recovered <= 10
        wait_for(lambda: views_are_current(base_url), 10)
        views_agree_with_the_contracts(desk, contracts)
