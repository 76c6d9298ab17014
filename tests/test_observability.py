"""Operations (SPEC §9, issue #14 part 5): `GET /metrics`, the request id, one JSON log line
per request, and progress bars only on a terminal."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.cli import main
from tests.desk import Desk, assert_problem
from tests.test_store_busy import impatient_desk, sqlite_writer_holding_the_lock

ONE_STORE = pytest.mark.parametrize("database_url", ["memory:"])
FAMILIES = {
    "contractflow_http_requests",
    "contractflow_http_request_duration_seconds",
    "contractflow_commands",
    "contractflow_projection_position",
    "contractflow_projection_lag_events",
    "contractflow_store_errors",
    "contractflow_busy_answers",
}
LOG_FIELDS = {"time", "request_id", "user", "method", "route", "status", "duration_ms"}
PAYMENT = {"amount": "100.00", "reference": "P-1"}


class Scrape:
    """`GET /metrics`, parsed: which families it shows and each sample's value."""

    def __init__(self, client: httpx.Client) -> None:
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        families = list(text_string_to_metric_families(response.text))
        self.families = {family.name for family in families}
        self.samples = [sample for family in families for sample in family.samples]

    def value(self, name: str, **labels: str) -> float | None:
        found = [s.value for s in self.samples if s.name == name and s.labels == labels]
        return found[0] if found else None

    def labels(self) -> set[str]:
        return {value for sample in self.samples for value in sample.labels.values()}


def test_metrics_show_every_family_after_a_command_and_a_report(
    desk: Desk, client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    contract = desk.ok(desk.signed(), "pay", "zhao.qiang", PAYMENT)
    assert client.get("/api/receivables/aging", headers=as_user("zhao.qiang")).status_code == 200
    head = client.get("/api/health").json()["log_position"]
    scrape = Scrape(client)
    assert scrape.families >= FAMILIES
    assert scrape.value("contractflow_commands_total", command="pay", outcome="ok") == 1
    assert scrape.value("contractflow_commands_total", command="create_contract", outcome="ok") == 1
    route = "/api/contracts/{contract_id}/pay"
    requests = "contractflow_http_requests_total"
    assert scrape.value(requests, method="POST", route=route, status="200") == 1
    report = {"method": "GET", "route": "/api/receivables/aging"}
    assert scrape.value(requests, **report, status="200") == 1
    assert scrape.value("contractflow_http_request_duration_seconds_count", **report) == 1
    assert not any(contract["id"] in label for label in scrape.labels())  # templates only
    position = scrape.value("contractflow_projection_position", view="receivables")
    lag = scrape.value("contractflow_projection_lag_events", view="receivables")
    assert position and lag is not None and position + lag == head


@ONE_STORE
def test_a_refused_command_is_counted_with_its_refusal(desk: Desk, client: TestClient) -> None:
    contract = desk.signed()
    assert_problem(desk.act(contract, "pay", "li.lei", PAYMENT), 403, "forbidden")
    assert_problem(desk.act(contract, "ship", "li.lei", {"amount": "1"}), 409, "invalid_transition")
    for _ in range(2):  # the second is the first's answer again
        paid = desk.act(contract, "pay", "zhao.qiang", PAYMENT, **{"Idempotency-Key": "k-1"})
        assert paid.status_code == 200
    scrape = Scrape(client)
    commands = "contractflow_commands_total"
    assert scrape.value(commands, command="pay", outcome="forbidden") == 1
    assert scrape.value(commands, command="ship", outcome="invalid_transition") == 1
    assert scrape.value(commands, command="pay", outcome="ok") == 1
    assert scrape.value(commands, command="pay", outcome="replayed") == 1


def test_a_store_that_cannot_answer_counts_a_store_error_and_a_busy_answer(
    tmp_path: Path, users_file: Path, tokens: dict[str, str]
) -> None:
    path = tmp_path / "busy.db"
    with impatient_desk(f"sqlite:///{path}", users_file, tokens) as desk:
        contract = desk.create()
        with sqlite_writer_holding_the_lock(path):
            assert_problem(desk.act(contract, "submit", "li.lei"), 503, "busy")
        scrape = Scrape(desk.client)
    assert scrape.value("contractflow_store_errors_total", kind="unavailable") == 1
    assert scrape.value("contractflow_busy_answers_total", code="busy") == 1
    assert scrape.value("contractflow_commands_total", command="submit", outcome="busy") == 1


@ONE_STORE
def test_a_request_id_given_comes_back(client: TestClient) -> None:
    response = client.get("/api/health", headers={"X-Request-ID": "trace-42.a_b:c"})
    assert response.headers["x-request-id"] == "trace-42.a_b:c"


@ONE_STORE
def test_each_request_without_one_gets_a_fresh_request_id(client: TestClient) -> None:
    ids = [client.get("/api/health").headers["x-request-id"] for _ in range(2)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert ids[0] != ids[1]


@ONE_STORE
@pytest.mark.parametrize("unfit", ["two words", "x" * 129, ""])
def test_an_unfit_request_id_is_replaced(client: TestClient, unfit: str) -> None:
    response = client.get("/api/health", headers={"X-Request-ID": unfit})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


@ONE_STORE
@pytest.mark.parametrize("path", ["/api/contracts", "/api/nowhere", "/nowhere"])
def test_refusals_and_unknown_paths_carry_the_request_id(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"X-Request-ID": "r-1"})
    assert response.status_code in (401, 404)
    assert response.headers["x-request-id"] == "r-1"


@ONE_STORE
def test_each_request_logs_one_json_line_on_stdout(
    client: TestClient, as_user: Callable[[str], dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    client.get("/api/contracts", headers={**as_user("li.lei"), "X-Request-ID": "log-1"})
    client.get("/api/contracts/nobody", headers={"X-Request-ID": "log-2"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["request_id"] for line in lines] == ["log-1", "log-2"]
    assert all(line.keys() == LOG_FIELDS for line in lines)
    listed, refused = lines
    assert listed["user"] == "li.lei" and refused["user"] is None
    assert listed["method"] == "GET" and listed["route"] == "/api/contracts"
    assert (listed["status"], refused["status"]) == (200, 401)
    assert isinstance(listed["duration_ms"], float) and listed["duration_ms"] > 0


def test_serve_leaves_the_request_log_to_the_app(
    monkeypatch: pytest.MonkeyPatch, users_file: Path, tokens: dict[str, str]
) -> None:
    monkeypatch.setenv("CONTRACTFLOW_USERS", str(users_file))
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", "memory:")
    options: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **given: options.update(given))
    assert main(["serve"]) == 0
    assert options["access_log"] is False  # uvicorn's line would repeat the app's


CHILD = """
import sys
from pathlib import Path
from fastapi.testclient import TestClient
from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory
settings = Settings(database_url="memory:", users_file=Path(sys.argv[1]))
with TestClient(create_app(settings, UserDirectory.load(settings.users_file))) as client:
    assert client.get("/api/health").status_code == 200
"""


@ONE_STORE
def test_with_a_multiprocess_directory_a_scrape_counts_every_process(
    client: TestClient, tmp_path: Path, users_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    command = [sys.executable, "-c", CHILD, str(users_file)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    scrape = Scrape(client)  # this process counts apart: what it shows is the other's
    requests = "contractflow_http_requests_total"
    assert scrape.value(requests, method="GET", route="/api/health", status="200") == 1
    assert scrape.value("contractflow_projection_lag_events", view="ledger") == 0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_long_cli_work_draws_a_bar_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    assert main(["audit", "export"]) == 0
    assert capsys.readouterr().err == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["audit", "export"]) == 0
    assert "exporting" in terminal.getvalue()
