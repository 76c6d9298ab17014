"""The `contractflow` command (SPEC §9): users, diagrams, and serving the demo for real."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from api.cli import main
from api.demo import DEMO_USERS, TARGETS, seed_demo_data
from api.storage import library_env
from domain.application import ContractFlow
from domain.contracts.states import ALL
from projections.runtime import Projections


def test_users_add_prints_a_token_once_and_stores_its_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users_file = tmp_path / "users.toml"
    monkeypatch.setenv("CONTRACTFLOW_USERS", str(users_file))
    assert (
        main(["users", "add", "wang.fang", "--name", "王芳", "--role", "contract_specialist"]) == 0
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("cf_")
    assert token not in users_file.read_text(encoding="utf-8")


def test_serving_without_a_users_file_explains_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONTRACTFLOW_USERS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", "memory:")
    assert main(["serve"]) == 2
    assert "contractflow serve --demo" in capsys.readouterr().err


def test_the_diagram_command_prints_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram"]) == 0
    assert "stateDiagram-v2" in capsys.readouterr().out


def test_demo_data_covers_every_state_once() -> None:
    app = ContractFlow(library_env("memory:", 5))
    assert seed_demo_data(app) == len(TARGETS)
    views = Projections(app)
    views.refresh()
    rows, _ = views.contracts.search({}, None, limit=100, offset=0)
    assert {row["state"] for row in rows} == set(ALL)
    board = views.complaints.loop(datetime.now(UTC), None)
    assert all(board["by_state"].values())
    assert board["overdue_handling"] and board["overdue_revisit"] and board["reopened"]
    assert seed_demo_data(app) == 0


def test_serve_demo_runs_the_service_with_demo_data(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "CONTRACTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "CONTRACTFLOW_USERS": str(tmp_path / "users.toml"),
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        lines: list[str] = []
        while len(re.findall(r"cf_\S+", "".join(lines))) < len(DEMO_USERS):
            lines.append(server.stdout.readline())  # type: ignore[union-attr]
            assert len(lines) < 50, "".join(lines)
        tokens = dict(re.findall(r"^\s+(\S+)\s+(cf_\S+)\s", "".join(lines), re.MULTILINE))
        assert set(tokens) == set(DEMO_USERS)
        base = f"http://127.0.0.1:{port}"
        assert f"Open {base}/ in a browser" in "".join(lines)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/api/health").raise_for_status()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the demo server did not come up"
                time.sleep(0.2)
        ledger = httpx.get(
            f"{base}/api/contracts", headers={"Authorization": f"Bearer {tokens['wang.fang']}"}
        )
        assert ledger.json()["total"] == len(TARGETS)
    finally:
        server.terminate()
        server.wait(timeout=10)
