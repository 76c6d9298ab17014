"""A store written by earlier code still loads, and says what it said then (see
tests/fixtures/README.md): moved classes keep their old topics, old snapshots upcast."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from api.storage import open_application
from api.users import UserDirectory, add_user

FIXTURES = Path(__file__).parent / "fixtures"
BEFORE = json.loads((FIXTURES / "store-2026-11-23.json").read_text(encoding="utf-8"))


@pytest.fixture
def auditor(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    store = tmp_path / "store.sqlite"
    shutil.copy(FIXTURES / "store-2026-11-23.sqlite", store)
    users = tmp_path / "users.toml"
    token = add_user(users, "zhou.shen", "周审", ["auditor"])
    settings = Settings(database_url=f"sqlite:///{store}", users_file=users)
    with TestClient(create_app(settings, UserDirectory.load(users))) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def as_before(now: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    """The fields the earlier answer had (later code may add fields)."""
    return {key: now.get(key) for key in then}


def rules_since(then: dict[str, Any]) -> dict[str, Any]:
    """The earlier answer as today's rules have it: a paid contract may still be invoiced
    (SPEC §2, 2026-11-23); a signed or executing one may be amended, and a grant says on
    whose behalf it was given (SPEC §2.1, §2.2)."""
    now = dict(then)
    if then.get("state") == "paid":
        now["allowed_actions"] = ["invoice"]
    if then.get("state") in ("signed", "executing"):
        now["allowed_actions"] = [*then["allowed_actions"], "amend"]
    if "approvals" in then:
        now["approvals"] = [{**grant, "on_behalf_of": None} for grant in then["approvals"]]
    return now


def test_every_contract_and_complaint_reads_as_it_did(
    auditor: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = auditor
    for kind in ("contracts", "complaints"):
        for aggregate_id, then in BEFORE[kind].items():
            now = client.get(f"/api/{kind}/{aggregate_id}", headers=headers).json()
            assert as_before(now, then) == rules_since(then), aggregate_id


def test_every_history_reads_as_it_did(auditor: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = auditor
    for aggregate_id, then in BEFORE["histories"].items():
        kind = "contracts" if aggregate_id in BEFORE["contracts"] else "complaints"
        now = client.get(f"/api/{kind}/{aggregate_id}/history", headers=headers).json()
        assert now == then, aggregate_id


def test_the_reports_read_as_they_did(auditor: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = auditor
    aging = client.get("/api/receivables/aging?as_of=2026-11-23", headers=headers).json()
    statement = client.get("/api/receivables/statement?month=2026-10", headers=headers).json()
    assert as_before(aging, BEFORE["aging"]) == BEFORE["aging"]
    assert as_before(statement, BEFORE["statement"]) == BEFORE["statement"]


def test_a_snapshot_of_the_earlier_shape_still_loads(
    auditor: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = auditor
    long_id = next(i for i, c in BEFORE["contracts"].items() if c["title"] == "长期供货合同")
    app = client.app.state.application  # type: ignore[attr-defined]
    snapshots = app.snapshots.recorder.select_events(UUID(long_id))
    assert snapshots and b"class_version" not in snapshots[-1].state  # written at version 1
    contract = app.repository.get(UUID(long_id))
    assert contract.payment_terms.due_days == 45 and contract.lines[0].unit_price == 1000
    now = client.get(f"/api/contracts/{long_id}", headers=headers).json()
    assert as_before(now, BEFORE["contracts"][long_id]) == rules_since(BEFORE["contracts"][long_id])


def test_a_rebuild_registers_the_customers_of_a_store_written_before_the_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store.sqlite"
    shutil.copy(FIXTURES / "store-2026-11-23.sqlite", store)
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", f"sqlite:///{store}")
    assert main(["projections", "rebuild"]) == 0
    named = {c["customer"]["id"]: c["customer"]["name"] for c in BEFORE["contracts"].values()}
    assert f"customers: {len(named)} registered" in capsys.readouterr().out
    app = open_application(Settings.from_env())
    try:
        for customer_id, name in named.items():
            customer = app.customers.get(customer_id)
            assert customer.name == name
            owned = {UUID(i) for i, c in BEFORE["contracts"].items()
                     if c["customer"]["id"] == customer_id}  # fmt: skip
            assert set(customer.contracts) == owned
    finally:
        app.close()
    assert main(["projections", "rebuild"]) == 0  # once is enough: nothing more the second time
    assert "customers: 0 registered" in capsys.readouterr().out
