"""The global log for auditors (SPEC §6): order, paging, exports, access, and a tampered
payload shown as undecodable rather than failing."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory
from tests.desk import Desk, assert_problem
from tests.receivables_history import executing_contract


def test_the_log_pages_every_event_in_position_order(desk: Desk) -> None:
    contract = desk.signed()
    desk.ok(contract, "pay", "zhao.qiang", {"amount": "10", "reference": "P1"})
    headers = desk.as_user("zhou.shen")
    first = desk.client.get("/api/audit/log", params={"limit": 3}, headers=headers).json()
    rest = desk.client.get(
        "/api/audit/log", params={"after": first["next_after"], "limit": 1000}, headers=headers
    ).json()
    events = first["events"] + rest["events"]
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    contract_events = [e for e in events if e["aggregate_id"] == contract["id"]]
    assert [e["type"] for e in contract_events] == [
        "Created",
        "Submitted",
        "Approved",
        "Approved",
        "Signed",
        "PaymentReceived",
    ]
    assert [e["version"] for e in contract_events] == list(range(1, 7))
    payment = contract_events[-1]
    assert (payment["aggregate_type"], payment["actor"], payment["data"]["amount"]) == (
        "Contract",
        "zhao.qiang",
        "10.00",
    )
    done = desk.client.get(
        "/api/audit/log", params={"after": rest["next_after"]}, headers=headers
    ).json()
    assert done == {"events": [], "next_after": rest["next_after"]}


def test_only_auditors_and_directors_read_the_log(desk: Desk) -> None:
    assert desk.client.get("/api/audit/log", headers=desk.as_user("liu.yang")).status_code == 200
    for user in ("zhao.qiang", "wang.fang", "chen.jing", "li.lei", "sun.li"):
        assert_problem(
            desk.client.get("/api/audit/log", headers=desk.as_user(user)), 403, "forbidden"
        )


def test_exports_hold_the_same_events_as_the_pages(desk: Desk) -> None:
    desk.signed()
    headers = desk.as_user("zhou.shen")
    pages = desk.client.get("/api/audit/log", params={"limit": 1000}, headers=headers).json()[
        "events"
    ]
    ndjson = desk.client.get("/api/audit/log", params={"format": "ndjson"}, headers=headers)
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in ndjson.text.splitlines()] == pages
    exported = list(
        csv.DictReader(
            io.StringIO(
                desk.client.get("/api/audit/log", params={"format": "csv"}, headers=headers).text
            )
        )
    )
    assert [int(row["position"]) for row in exported] == [e["position"] for e in pages]
    assert [json.loads(row["data"]) for row in exported] == [e["data"] for e in pages]


def test_a_payload_that_no_longer_decodes_is_reported_not_fatal(
    tmp_path: Path, users_file: Path, tokens: dict[str, str]
) -> None:
    path = tmp_path / "tampered.db"
    settings = Settings(database_url=f"sqlite:///{path}", users_file=users_file)
    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        desk = Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
        desk.create()
        with sqlite3.connect(path) as conn:
            first_event = "rowid = (SELECT MIN(rowid) FROM stored_events)"
            conn.execute(f"UPDATE stored_events SET state = X'7B6E6F74' WHERE {first_event}")
        response = client.get("/api/audit/log", headers=desk.as_user("zhou.shen"))
        assert response.status_code == 200
        assert any("undecodable" in event["data"] for event in response.json()["events"])


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_the_export_command_streams_the_log(
    durable_url: str, users_file: Path, tmp_path: Path, fmt: str
) -> None:
    app = open_application(Settings(database_url=durable_url, users_file=users_file))
    executing_contract(app, "C1", "li.lei")
    head = app.recorder.max_notification_id()
    app.close()
    output = tmp_path / f"log.{fmt}"
    env = os.environ | {"CONTRACTFLOW_DATABASE_URL": durable_url}
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "audit",
        "export",
        "--format",
        fmt,
        "-o",
        str(output),
    ]
    subprocess.run(command, env=env, check=True, capture_output=True)
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == head + (1 if fmt == "csv" else 0)
