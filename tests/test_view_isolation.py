"""Views never stop the service (SPEC §5, §9; hardening findings 1, 4 and 11): a view that
meets an event it cannot apply stops before it and says so while every report still
answers; a command's answer says what happened to it, whatever the views are doing; and
any number of workers applies each event once."""

from __future__ import annotations

import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory
from projections.rebuild import rebuild
from projections.runtime import Projections
from tests.conftest import actor
from tests.desk import Desk
from tests.test_projection_processes import WORKER, wait_until, worker_env
from tests.test_refusals import REPORTS


@pytest.mark.postgres
def test_an_event_postgresql_cannot_hold_stops_one_view_and_no_report(
    postgres_database: str, users_file: Path, tokens: dict[str, str]
) -> None:
    """A NUL in a title, recorded by a path that skipped the API's checks: PostgreSQL text
    cannot hold it, so the ledger stops just before that event; everything else goes on."""
    from tests.postgres_server import create_schema  # noqa: PLC0415

    settings = Settings(database_url=create_schema(postgres_database), users_file=users_file)
    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        desk = Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
        before = desk.executing()
        app = client.app.state.application  # type: ignore[attr-defined]
        terms = {
            "title": "bad\u0000title", "customer": {"id": "C-9", "name": "n"},
            "amount": Decimal("10.00"), "payment_terms": {"advance_percent": 0},
        }  # fmt: skip
        app.contracts.create(actor("li.lei"), terms)
        after = desk.executing()
        desk.ok(after, "ship", "li.lei", {"amount": "100"})
        for path in REPORTS:
            response = client.get(path, headers=desk.as_user("wang.fang"))
            assert response.status_code == 200, (path, response.text)
        health = client.get("/api/health").json()
        assert health["status"] == "degraded"
        assert "Contract.Created" in health["projections"]["ledger"]["stuck"]
        assert health["projections"]["receivables"]["lag"] == 0  # the others went on
        listed = client.get("/api/contracts", headers=desk.as_user("wang.fang")).json()
        assert [item["id"] for item in listed["items"]] == [before["id"]]  # consistent so far


def test_a_complaint_is_answered_for_what_happened_with_its_views_worker_down(
    durable_url: str, users_file: Path, tokens: dict[str, str]
) -> None:
    settings = Settings(database_url=durable_url, users_file=users_file, projections_inline=False)
    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        started = time.monotonic()
        response = client.post(
            "/api/complaints",
            json={
                "customer": {"id": "CUST-001", "name": "华东机械有限公司"},
                "channel": "phone", "category": "quality", "description": "异响",
            },
            headers={"Authorization": f"Bearer {tokens['sun.li']}"},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        assert time.monotonic() - started < 5
        log = client.get(
            "/api/audit/log", headers={"Authorization": f"Bearer {tokens['zhou.shen']}"}
        ).json()
        assert [e["type"] for e in log["events"]].count("Received") == 1


def test_three_workers_apply_each_event_once(
    durable_url: str, users_file: Path, tokens: dict[str, str]
) -> None:
    settings = Settings(database_url=durable_url, users_file=users_file, projections_inline=False)
    env = worker_env(durable_url, users_file, batch=2)
    workers = [subprocess.Popen(WORKER, env=env, stderr=subprocess.DEVNULL) for _ in range(3)]
    try:
        with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
            desk = Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
            contract = desk.executing(amount="100000.00")
            for round_ in range(30):
                desk.ok(contract, "ship", "li.lei", {"amount": "10.00"})
                pay = {"amount": "10.00", "reference": f"P-{round_}"}
                desk.ok(contract, "pay", "zhao.qiang", pay)
            totals = performance_row(desk, contract["id"])
            assert (totals["shipped"], totals["collected"]) == ("300.00", "300.00")
            assert desk.get(contract).json()["totals"]["shipped"] == "300.00"
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=10)
    app = open_application(settings)
    views = Projections(app, inline=False)
    wait_until(lambda: all(p.position >= views.head() for p in views.projectors.values()))
    for name, view in views.views.items():
        result = rebuild(app, view)
        assert result.identical, (name, result.differences)
    views.stop()
    app.close()


def performance_row(desk: Desk, contract_id: str) -> dict[str, Any]:
    body = desk.client.get("/api/reports/performance", headers=desk.as_user("zhou.shen")).json()
    return next(row for row in body["contracts"] if row["id"] == contract_id)
